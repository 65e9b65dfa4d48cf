"""Linker (define, func_new/func_wrap, instance, aliases, shadowing, get, link errors), InstancePre,
Instance and Export."""

from __future__ import annotations

import pytest

import wasmi
from wasmi import (
    I32,
    Engine,
    Func,
    FuncType,
    Global,
    GlobalType,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    Store,
    Table,
    TableType,
    ValType,
)

T = ValType

IMPORTS = """(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (import "env" "mem" (memory 1))
  (import "env" "tab" (table 1 funcref))
  (import "env" "g" (global $g (mut i32)))
  (func (export "run") (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.store (i32.const 0) (local.get 0))
    (call $f (i32.load (i32.const 0)))))"""


def _env(engine: Engine, store: Store) -> Linker:
    linker = Linker(engine)
    linker.define("env", "mem", Memory.new(store, MemoryType(Limits(1))))
    linker.define("env", "tab", Table.new(store, TableType(T.FUNCREF, Limits(1))))
    linker.define("env", "g", Global.new(store, I32(0), wasmi.Mutability.Var))
    return linker


def test_define_each_kind_and_instantiate() -> None:
    engine = Engine()
    store = Store(engine)
    with pytest.raises(TypeError, match="no annotation"):
        Linker(engine).func_wrap("env", "f", lambda x: x)
    linker = _env(engine, store)

    def f(x: I32) -> I32:
        return x * 10

    linker.func_wrap("env", "f", f)
    inst = linker.instantiate_and_start(store, Module(engine, IMPORTS))
    assert inst.get_func(store, "run").call(store, 4) == 40
    g = linker.get(store, "env", "g")
    assert isinstance(g, Global) and g.get(store) == 1
    assert linker.get(store, "env", "mem").read(store, 0, 4) == (4).to_bytes(4, "little")
    assert linker.get(store, "env", "nope") is None
    hf = linker.get(store, "env", "f")
    assert isinstance(hf, Func) and hf.call(store, 2) == 20
    with pytest.raises(TypeError):
        linker.define("env", "x", 5)  # type: ignore[arg-type]


def test_missing_and_mistyped_imports_name_the_import() -> None:
    engine = Engine()
    store = Store(engine)
    module = Module(engine, IMPORTS)
    with pytest.raises(wasmi.LinkError, match=r"unknown import: env::f .*func \[i32\] -> \[i32\]"):
        Linker(engine).instantiate(store, module)
    linker = _env(engine, store).func_new("env", "f", FuncType((T.I64,), (T.I32,)), lambda c, ps: 0)
    with pytest.raises(wasmi.LinkError, match=r"env::f: the module expects func \[i32\] -> \[i32\], "
                                             r"the linker has func \[i64\] -> \[i32\]"):
        linker.instantiate(store, module)
    linker = Linker(engine).allow_shadowing(True)
    linker.define("env", "f", Memory.new(store, MemoryType(Limits(1))))
    with pytest.raises(wasmi.LinkError, match=r"env::f: the module expects func .* the linker has memory 1"):
        linker.instantiate(store, module)
    linker = _env(engine, store).allow_shadowing(True)
    linker.define("env", "g", Global.new(store, I32(0)))  # immutable, the module wants mut
    linker.func_new("env", "f", FuncType((T.I32,), (T.I32,)), lambda c, ps: 0)
    with pytest.raises(wasmi.LinkError, match=r"env::g: the module expects global mut i32, the linker has global i32"):
        linker.instantiate(store, module)


def test_shadowing_and_aliases() -> None:
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    linker.func_new("a", "f", FuncType((), (T.I32,)), lambda c, ps: 1)
    with pytest.raises(wasmi.LinkError, match="already defined"):
        linker.func_new("a", "f", FuncType((), (T.I32,)), lambda c, ps: 2)
    assert linker.allow_shadowing(True) is linker
    linker.func_new("a", "f", FuncType((), (T.I32,)), lambda c, ps: 2)
    assert linker.get(store, "a", "f").call(store) == 2
    linker.alias_module("a", "b")
    assert linker.get(store, "b", "f").call(store) == 2
    linker.alias("a", "f", "c", "g")
    assert linker.get(store, "c", "g").call(store) == 2
    with pytest.raises(wasmi.LinkError):
        linker.alias("a", "nope", "c", "h")
    with pytest.raises(TypeError):
        linker.func_new("a", "x", "sig", lambda c, ps: 0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        linker.func_new("a", "x", FuncType((), ()), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        linker.define(1, "x", linker.get(store, "a", "f"))  # type: ignore[arg-type]


def test_linker_instance_exposes_exports_to_other_modules() -> None:
    engine = Engine()
    store = Store(engine)
    lib = Module(engine, '(module (func (export "seven") (result i32) (i32.const 7)) (memory (export "m") 1))')
    use = Module(engine, '(module (import "lib" "seven" (func $s (result i32))) (import "lib" "m" (memory 1))'
                         ' (func (export "f") (result i32) (i32.add (call $s) (i32.const 1))))')
    linker = Linker(engine)
    lib_inst = linker.instantiate_and_start(store, lib)
    linker.instance(store, "lib", lib_inst)
    assert linker.instantiate_and_start(store, use).get_func(store, "f").call(store) == 8


def test_host_functions_are_made_once_per_store() -> None:
    engine = Engine()
    calls = []
    linker = Linker(engine).func_new("env", "h", FuncType((), ()), lambda c, ps: calls.append(c.data))
    m = Module(engine, '(module (import "env" "h" (func $h)) (func (export "go") (call $h)))')
    for name in ("a", "b"):
        store = Store(engine, name)
        linker.instantiate_and_start(store, m).get_func(store, "go").call(store)
    assert calls == ["a", "b"]


def test_externs_of_another_store_are_refused() -> None:
    engine = Engine()
    a, b = Store(engine), Store(engine)
    linker = Linker(engine).define("env", "m", Memory.new(a, MemoryType(Limits(1))))
    with pytest.raises(wasmi.LinkError, match="another store"):
        linker.instantiate(b, Module(engine, '(module (import "env" "m" (memory 1)))'))


def test_instance_pre_start_and_ensure_no_start() -> None:
    engine = Engine()
    store = Store(engine)
    with_start = Module(engine, '(module (global $g (export "g") (mut i32) (i32.const 0))'
                                ' (func $s (global.set $g (i32.const 9))) (start $s))')
    pre = Linker(engine).instantiate(store, with_start)
    with pytest.raises(wasmi.WasmiError, match="start function"):
        pre.ensure_no_start(store)
    inst = pre.start(store)
    assert inst.get_global(store, "g").get(store) == 9
    with pytest.raises(wasmi.WasmiError, match="already started"):
        pre.start(store)
    plain = Linker(engine).instantiate(store, Module(engine, '(module (global (export "g") i32 (i32.const 3)))'))
    assert plain.ensure_no_start(store).get_global(store, "g").get(store) == 3
    trapping = Module(engine, '(module (func $s unreachable) (start $s))')
    with pytest.raises(wasmi.Trap) as ei:
        Linker(engine).instantiate_and_start(store, trapping)
    assert ei.value.code is wasmi.TrapCode.UnreachableCodeReached
    with pytest.raises(TypeError):
        Linker(engine).instantiate(store, "(module)")  # type: ignore[arg-type]


def test_segment_trap_at_instantiation() -> None:
    engine = Engine()
    store = Store(engine)
    with pytest.raises(wasmi.Trap) as ei:
        Linker(engine).instantiate(store, Module(engine, '(module (memory 1) (data (i32.const 65535) "ab"))'))
    assert ei.value.code is wasmi.TrapCode.MemoryOutOfBounds


def test_instance_getters_and_exports() -> None:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, """(module
      (func (export "f")) (memory (export "m") 1) (table (export "t") 1 funcref)
      (global (export "g") i64 (i64.const -5)))"""))
    assert isinstance(inst.get_func(store, "f"), Func) and inst.get_func(store, "m") is None
    assert isinstance(inst.get_memory(store, "m"), Memory) and inst.get_memory(store, "t") is None
    assert isinstance(inst.get_table(store, "t"), Table) and inst.get_table(store, "g") is None
    assert inst.get_global(store, "g").get(store) == -5 and inst.get_global(store, "f") is None
    assert inst.get_export(store, "nope") is None
    exports = list(inst.exports(store))
    assert [e.name for e in exports] == ["f", "m", "t", "g"]
    f, m, t, g = exports
    assert f.into_func() is not None and f.into_memory() is None
    assert m.into_memory() is not None and m.into_table() is None
    assert t.into_table() is not None and t.into_global() is None
    assert g.into_global() is not None and g.into_func() is None
    assert g.into_extern().extern_type(store) == wasmi.ExternType(GlobalType(T.I64, False))
    assert dict(inst.exports(store))["m"] == inst.get_memory(store, "m")
    with pytest.raises(wasmi.WasmiError, match="wrong store"):
        inst.get_func(Store(engine), "f")


def test_fuel_settings_of_module_and_store_must_agree() -> None:
    module = Module(Engine(), "(module)")
    store = Store(Engine(wasmi.Config(consume_fuel=True)))
    with pytest.raises(wasmi.WasmiError, match="fuel"):
        Linker().instantiate(store, module)
    other = Store(Engine())
    assert Linker().instantiate(other, module).ensure_no_start(other).get_func(other, "x") is None
