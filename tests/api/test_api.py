"""The public embedding API, as the README and the benchmarks use it."""

from __future__ import annotations

import pytest

import wasmi
from wasmi import Engine, Func, FuncType, Linker, Module, Store, ValType

ADD = """(module
  (import "env" "mul" (func $mul (param i32 i32) (result i32)))
  (import "env" "log" (func $log (param i64)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 10))
  (table (export "t") 2 funcref)
  (func $run (export "run") (param i32 i32) (result i32)
    (call $log (i64.extend_i32_s (local.get 0)))
    (call $mul (local.get 0) (local.get 1)))
  (func (export "pair") (param i64) (result i64 f32) (local.get 0) (f32.const 1.5))
  (func (export "neg") (result i32) (i32.const -1)))"""


def _setup():
    engine = Engine()
    store = Store(engine, data={"logged": []})
    linker = Linker(engine)

    def mul(caller: wasmi.Caller, a: ValType.I32, b: ValType.I32) -> ValType.I32:
        return a * b

    def log(caller, x: ValType.I64) -> None:
        caller.data["logged"].append(x)

    linker.func_wrap("env", "mul", mul)
    linker.func_wrap("env", "log", log)
    inst = linker.instantiate_and_start(store, Module(engine, ADD))
    return store, inst


def test_call_and_host_functions() -> None:
    store, inst = _setup()
    run = inst.get_func(store, "run")
    assert run.call(store, 6, 7) == 42
    assert run.call(store, -3, 5) == -15
    assert store.data["logged"] == [6, -3]


def test_results_none_value_tuple_and_signed_i32() -> None:
    store, inst = _setup()
    assert inst.get_func(store, "pair").call(store, -5) == (-5, 1.5)
    assert inst.get_func(store, "neg").call(store) == -1


def test_exports_memory_global_table() -> None:
    store, inst = _setup()
    mem = inst.get_memory(store, "memory")
    assert mem.size(store) == 1
    mem.write(store, 10, b"abc")
    assert mem.read(store, 10, 3) == b"abc"
    assert mem.grow(store, 2) == 1 and mem.size(store) == 3
    g = inst.get_global(store, "g")
    assert g.get(store) == 10
    g.set(store, 11)
    assert g.get(store) == 11
    t = inst.get_table(store, "t")
    assert t.size(store) == 2 and t.get(store, 0) is None
    t.set(store, 1, inst.get_func(store, "neg"))
    assert t.get(store, 1) == inst.get_func(store, "neg")
    names = dict(inst.exports(store))
    assert set(names) == {"memory", "g", "t", "run", "pair", "neg"}
    assert inst.get_func(store, "nope") is None and inst.get_func(store, "memory") is None


def test_unknown_and_incompatible_imports() -> None:
    engine = Engine()
    store = Store(engine)
    with pytest.raises(wasmi.LinkError, match="unknown import"):
        Linker(engine).instantiate_and_start(store, Module(engine, ADD))
    linker = Linker(engine)
    linker.func_new("env", "mul", FuncType((ValType.I32,), (ValType.I32,)), lambda c, ps: ps[0])
    linker.func_new("env", "log", FuncType((ValType.I64,), ()), lambda c, ps: None)
    with pytest.raises(wasmi.LinkError, match="incompatible import type"):
        linker.instantiate_and_start(store, Module(engine, ADD))


def test_func_new_and_wrap_define_callable_funcs() -> None:
    engine = Engine()
    store = Store(engine)
    f = Func.new(store, FuncType((ValType.I32,), (ValType.I32, ValType.I32)), lambda c, ps: (ps[0], ps[0] + 1))
    assert f.call(store, 4) == (4, 5)

    def twice(x: ValType.F64) -> ValType.F64:
        return 2 * x

    w = Func.wrap(store, twice)
    assert w.call(store, 1.25) == 2.5
    assert w.type(store) == FuncType((ValType.F64,), (ValType.F64,))


def test_bad_input_gives_wasmi_errors() -> None:
    engine = Engine()
    with pytest.raises(wasmi.DecodeError):
        Module(engine, b"\0asm\x02\0\0\0")
    with pytest.raises(wasmi.WatError):
        Module(engine, "(module (func (i32.nope)))")
    with pytest.raises(wasmi.ValidationError):
        Module(engine, "(module (func (result i32)))")
    with pytest.raises(wasmi.ValidationError):
        Module.validate(engine, "(module (func (result i32)))")


def test_instance_pre_and_start() -> None:
    wat = """(module (global $g (export "g") (mut i32) (i32.const 0))
      (func $s (global.set $g (i32.const 9))) (start $s))"""
    engine = Engine()
    store = Store(engine)
    pre = Linker(engine).instantiate(store, Module(engine, wat))
    with pytest.raises(wasmi.WasmiError):
        pre.ensure_no_start(store)
    inst = pre.start(store)
    assert inst.get_global(store, "g").get(store) == 9


def test_wrong_argument_count() -> None:
    store, inst = _setup()
    with pytest.raises(wasmi.WasmiError):
        inst.get_func(store, "run").call(store, 1)


def test_quick_start_fib(tmp_path) -> None:
    from pathlib import Path

    from wasmi.cli import main

    fib = Path(__file__).resolve().parents[2] / "examples" / "fib.wat"
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, fib.read_text()))
    assert inst.get_func(store, "fib").call(store, 20) == 6765
    assert main(["run", str(fib), "--invoke", "fib", "20"]) == 0


def test_wrap_reads_text_annotations() -> None:
    def inc(x, y):
        return x + y

    inc.__annotations__ = {"x": "i64", "y": "'i64'", "return": "i64"}
    engine = Engine()
    store = Store(engine)
    f = Func.wrap(store, inc)
    assert f.type(store) == FuncType((ValType.I64, ValType.I64), (ValType.I64,))
    assert f.call(store, 2**62, 2**62) == -(2**63)  # the result wraps like Wasm's i64


def test_module_and_store_must_agree_on_fuel() -> None:
    module = Module(Engine(), "(module)")
    store = Store(Engine(wasmi.Config(consume_fuel=True)))
    with pytest.raises(wasmi.WasmiError, match="fuel"):
        Linker(store.engine).instantiate_and_start(store, module)
