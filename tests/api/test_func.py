"""Func.new (both forms), Func.wrap (annotations), Caller, TypedFunc, value conversions, host errors."""

from __future__ import annotations

from typing import Tuple

import pytest

import wasmi
from wasmi import (
    F32,
    F64,
    I32,
    I64,
    V128,
    Caller,
    Engine,
    ExternRef,
    Func,
    FuncRef,
    FuncType,
    Linker,
    Module,
    Store,
    Val,
    ValType,
)

T = ValType


def _store(data=None) -> Store:
    return Store(Engine(), data)


def test_new_list_form_returns_results() -> None:
    s = _store()
    f = Func.new(s, FuncType((T.I32, T.I64), (T.I64, T.I32)), lambda c, ps: (ps[1] * 2, ps[0] + 1))
    assert f.call(s, -3, 2**40) == (2**41, -2)
    one = Func.new(s, FuncType((T.I32,), (T.I32,)), lambda c, ps: [ps[0] * 3])  # a 1-sequence works too
    assert one.call(s, 5) == 15
    none = Func(s, FuncType((), ()), lambda c, ps: None)
    assert none.call(s) is None
    assert f.ty(s) == FuncType((T.I32, T.I64), (T.I64, T.I32))


def test_new_slice_form_fills_results() -> None:
    s = _store()

    def swap(caller: Caller, params, results) -> None:
        results[0], results[1] = params[1], params[0]

    f = Func.new(s, FuncType((T.F64, T.I32), (T.I32, T.F64)), swap)
    assert f.call(s, 2.5, 9) == (9, 2.5)


def test_i32_params_arrive_signed_and_results_wrap() -> None:
    s = _store()
    seen = []

    def h(c, ps):
        seen.append(ps[0])
        return ps[0] + 1

    f = Func.new(s, FuncType((T.I32,), (T.I32,)), h)
    assert f.call(s, 0xFFFFFFFF) == 0  # -1 + 1
    assert seen == [-1]
    assert f.call(s, 2**31 - 1) == -(2**31)  # wraps like i32.add
    g = Func.new(s, FuncType((T.I64,), (T.I64,)), lambda c, ps: ps[0] + 1)
    assert g.call(s, 2**63 - 1) == -(2**63)


def test_wrap_reads_annotations() -> None:
    s = _store()

    def f(a: I32, b: I64, c: F32, d: F64, e: V128, r: ExternRef, fr: FuncRef) -> Tuple[I64, F64]:
        return b + a, d + c

    w = Func.wrap(s, f)
    assert w.ty(s) == FuncType((T.I32, T.I64, T.F32, T.F64, T.V128, T.EXTERNREF, T.FUNCREF), (T.I64, T.F64))
    assert w.call(s, 1, 2, 0.5, 0.25, 0, None, None) == (3, 0.75)

    def plain(x: int, y: float) -> float:
        return x + y

    assert Func.wrap(s, plain).ty(s) == FuncType((T.I32, T.F64), (T.F64,))

    def vt(caller: Caller, x: wasmi.I64) -> None:
        caller.data = x

    Func.wrap(s, vt).call(s, 12)
    assert s.data == 12

    def bad(x: str) -> None:
        pass

    with pytest.raises(TypeError, match="annotation"):
        Func.wrap(s, bad)

    def star(*xs: I32) -> None:
        pass

    with pytest.raises(TypeError, match="positional"):
        Func.wrap(s, star)


def test_f32_rounding_and_v128_and_refs() -> None:
    s = _store()
    ident = Func.new(s, FuncType((T.F32,), (T.F32,)), lambda c, ps: ps[0])
    assert ident.call(s, 0.1) == float.fromhex("0x1.99999ap-4")  # nearest single to 0.1
    v = Func.new(s, FuncType((T.V128,), (T.V128,)), lambda c, ps: ps[0])
    assert v.call(s, bytes(range(16))) == int.from_bytes(bytes(range(16)), "little")
    assert v.call(s, -1) == (1 << 128) - 1
    obj = object()
    e = Func.new(s, FuncType((T.EXTERNREF,), (T.EXTERNREF,)), lambda c, ps: ps[0])
    assert e.call(s, obj) is obj and e.call(s, ExternRef(obj)) is obj and e.call(s, None) is None
    fr = Func.new(s, FuncType((T.FUNCREF,), (T.FUNCREF,)), lambda c, ps: ps[0])
    assert fr.call(s, e) == e and fr.call(s, None) is None
    with pytest.raises(TypeError):
        fr.call(s, 5)


def test_argument_checks() -> None:
    s = _store()
    f = Func.new(s, FuncType((T.I32, T.F64), ()), lambda c, ps: None)
    with pytest.raises(wasmi.WasmiError, match="expected 2 arguments"):
        f.call(s, 1)
    with pytest.raises(TypeError):
        f.call(s, 1.5, 1.0)  # a float is no i32
    with pytest.raises(TypeError):
        f.call(s, 1, "x")
    f.call(s, Val(T.I32, 1), Val(T.F64, 2.0))
    with pytest.raises(TypeError):
        f.call(s, Val(T.I64, 1), 1.0)  # a Val of the wrong type
    with pytest.raises(TypeError):
        Func.new(s, "i32 -> i32", lambda c, ps: None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Func.new(s, FuncType((), ()), 42)  # type: ignore[arg-type]


def test_bad_host_results_are_host_errors() -> None:
    s = _store()
    f = Func.new(s, FuncType((), (T.I32, T.I32)), lambda c, ps: 1)
    with pytest.raises(wasmi.HostError, match="bad result"):
        f.call(s)
    g = Func.new(s, FuncType((), (T.I32,)), lambda c, ps: "x")
    with pytest.raises(wasmi.HostError, match="bad result"):
        g.call(s)


WAT = """(module
  (import "env" "h" (func $h (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "go") (param i32) (result i32) (call $h (local.get 0)))
  (func (export "ok") (result i32) (i32.const 5)))"""


def _inst(fn, data=None):
    engine = Engine()
    store = Store(engine, data)
    linker = Linker(engine).func_new("env", "h", FuncType((T.I32,), (T.I32,)), fn)
    return store, linker.instantiate_and_start(store, Module(engine, WAT))


def test_caller_sees_memory_data_engine_and_fuel() -> None:
    def h(caller: Caller, ps):
        mem = caller.get_export("memory")
        assert isinstance(mem, wasmi.Memory)
        mem.write(caller, 0, b"hi")
        caller.data["n"] += ps[0]
        assert caller.engine is caller.store.engine
        assert caller.get_export("nope") is None
        with pytest.raises(wasmi.WasmiError):
            caller.get_fuel()
        return len(mem.read(caller, 0, 2))

    store, inst = _inst(h, {"n": 0})
    assert inst.get_func(store, "go").call(store, 4) == 2
    assert store.data == {"n": 4}
    assert inst.get_memory(store, "memory").read(store, 0, 2) == b"hi"
    assert repr(Caller(store, None)) == "<wasmi.Caller of the host>"


def test_caller_fuel_with_metering() -> None:
    engine = Engine(wasmi.Config(consume_fuel=True))
    store = Store(engine)

    def h(caller: Caller, ps):
        left = caller.get_fuel()
        caller.set_fuel(left + 100)
        return left

    linker = Linker(engine).func_new("env", "h", FuncType((T.I32,), (T.I32,)), h)
    inst = linker.instantiate_and_start(store, Module(engine, WAT))
    store.set_fuel(50)
    left = inst.get_func(store, "go").call(store, 0)
    assert 0 < left < 50
    assert store.get_fuel() > left


def test_caller_without_an_instance() -> None:
    s = _store()
    got = []
    Func.new(s, FuncType((), ()), lambda c, ps: got.append(c.get_export("memory"))).call(s)
    assert got == [None]


def test_host_exception_becomes_host_error_and_store_stays_usable() -> None:
    class Boom(Exception):
        pass

    def h(caller, ps):
        raise Boom("no")

    store, inst = _inst(h)
    with pytest.raises(wasmi.HostError) as ei:
        inst.get_func(store, "go").call(store, 1)
    assert isinstance(ei.value.__cause__, Boom) and isinstance(ei.value, wasmi.Trap)
    assert inst.get_func(store, "ok").call(store) == 5


def test_i32exit_and_traps_pass_through_host_functions() -> None:
    def exit_(caller, ps):
        raise wasmi.I32Exit(ps[0])

    store, inst = _inst(exit_)
    with pytest.raises(wasmi.I32Exit) as ei:
        inst.get_func(store, "go").call(store, 3)
    assert ei.value.status == 3
    assert inst.get_func(store, "ok").call(store) == 5

    def trap(caller, ps):
        raise wasmi.Trap(wasmi.TrapCode.UnreachableCodeReached)

    store, inst = _inst(trap)
    with pytest.raises(wasmi.Trap) as et:
        inst.get_func(store, "go").call(store, 3)
    assert et.value.code is wasmi.TrapCode.UnreachableCodeReached and not isinstance(et.value, wasmi.HostError)


def test_typed_func_checks_once_and_calls() -> None:
    store, inst = _inst(lambda c, ps: ps[0] * 2)
    t = inst.get_typed_func(store, "go", [T.I32], [T.I32])
    assert t.call(store, 21) == 42 and t.call(store, -4) == -8
    assert t.ty() == FuncType((T.I32,), (T.I32,)) and t.func() == inst.get_func(store, "go")
    assert inst.get_func(store, "go").typed(store, (T.I32,), (T.I32,)).call(store, 1) == 2
    with pytest.raises(wasmi.WasmiError, match="type mismatch"):
        inst.get_typed_func(store, "go", [T.I64], [T.I32])
    with pytest.raises(wasmi.WasmiError, match="no function export"):
        inst.get_typed_func(store, "memory", [], [])
    with pytest.raises(TypeError):
        t.call(store)  # a typed call checks the count as Python does
    other = Store(store.engine)
    with pytest.raises(wasmi.WasmiError, match="wrong store"):
        t.call(other, 1)
    noarg = inst.get_typed_func(store, "ok", [], [T.I32])
    assert noarg.call(store) == 5


def test_typed_func_of_every_numeric_type() -> None:
    wat = """(module (func (export "f") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
        (local.get 3) (local.get 2) (local.get 1) (local.get 0)))"""
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, wat))
    t = inst.get_typed_func(store, "f", [T.I32, T.I64, T.F32, T.F64], [T.F64, T.F32, T.I64, T.I32])
    assert t.call(store, -1, -2, 1.5, 2.5) == (2.5, 1.5, -2, -1)
    assert t.call(store, I32(3), I64(4), F32(0.5), F64(0.25)) == (0.25, 0.5, 4, 3)
    assert t.call(store, 1, 2**64 - 1, 1, 2) == (2.0, 1.0, -1, 1)


def test_func_from_another_store_is_rejected() -> None:
    a, b = _store(), _store()
    f = Func.new(a, FuncType((), ()), lambda c, ps: None)
    with pytest.raises(wasmi.WasmiError, match="wrong store"):
        f.call(b)
    with pytest.raises(wasmi.WasmiError, match="wrong store"):
        f.ty(b)
    with pytest.raises(wasmi.WasmiError, match="wrong store"):
        f.typed(b, [], [])


def test_wasm_calls_host_calls_wasm() -> None:
    engine = Engine()
    store = Store(engine)
    box = {}

    def h(caller: Caller, ps):
        return box["ok"].call(caller) + ps[0]

    linker = Linker(engine).func_new("env", "h", FuncType((T.I32,), (T.I32,)), h)
    inst = linker.instantiate_and_start(store, Module(engine, WAT))
    box["ok"] = inst.get_func(store, "ok")
    assert inst.get_func(store, "go").call(store, 10) == 15
