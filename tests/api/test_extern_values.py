"""Memory, Table, Global, Extern/ExternType conversions, and the typed value wrappers."""

from __future__ import annotations

import pytest

import wasmi
from wasmi import (
    F32,
    F64,
    I32,
    I64,
    V128,
    Engine,
    Extern,
    ExternRef,
    ExternType,
    Func,
    FuncType,
    Global,
    GlobalType,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    Mutability,
    Store,
    Table,
    TableType,
    Val,
    ValType,
)

T = ValType


def _store() -> Store:
    return Store(Engine())


def test_memory_new_ty_size_grow_read_write() -> None:
    s = _store()
    m = Memory.new(s, MemoryType(Limits(1, 3)))
    assert m.ty(s) == MemoryType(Limits(1, 3)) and m.size(s) == 1 and m.data_size(s) == 65536
    m.write(s, 65534, b"xy")
    assert m.read(s, 65534, 2) == b"xy"
    with pytest.raises(wasmi.WasmiError, match="out of bounds"):
        m.write(s, 65535, b"xy")
    with pytest.raises(wasmi.WasmiError, match="out of bounds"):
        m.read(s, -1, 1)
    assert m.read(s, 65534, 2) == b"xy"  # the failed write changed nothing
    assert m.grow(s, 2) == 1 and m.size(s) == 3 and m.ty(s).limits.min == 3
    with pytest.raises(wasmi.WasmiError, match="growth"):
        m.grow(s, 1)
    with pytest.raises(wasmi.WasmiError):
        m.grow(s, -1)
    for bad in (Limits(2, 1), Limits(70000)):
        with pytest.raises(wasmi.WasmiError, match="invalid memory limits"):
            Memory(s, MemoryType(bad))
    with pytest.raises(TypeError):
        Memory(s, Limits(1))  # type: ignore[arg-type]


def test_memory_cap_from_config() -> None:
    s = Store(Engine(wasmi.Config(max_memory_pages=2)))
    m = Memory.new(s, MemoryType(Limits(1)))
    assert m.grow(s, 1) == 1
    with pytest.raises(wasmi.WasmiError):
        m.grow(s, 1)
    with pytest.raises(wasmi.WasmiError, match="configured limit"):
        Memory.new(s, MemoryType(Limits(3)))


def test_memory_data_is_live_across_wasm_grow() -> None:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, """(module (memory (export "m") 1)
      (func (export "grow") (result i32) (memory.grow (i32.const 1)))
      (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"""))
    mem = inst.get_memory(store, "m")
    buf = mem.data(store)
    buf[10] = 42
    assert mem.read(store, 10, 1) == b"\x2a"
    assert inst.get_func(store, "grow").call(store) == 1
    assert len(buf) == 2 * 65536 and mem.data(store) is buf  # the same object, grown in place
    inst.get_func(store, "poke").call(store, 65536 + 5, 7)
    assert buf[65536 + 5] == 7


def test_table_new_get_set_grow_fill_copy() -> None:
    s = _store()
    f = Func.new(s, FuncType((), (T.I32,)), lambda c, ps: 1)
    t = Table.new(s, TableType(T.FUNCREF, Limits(2, 6)), None)
    assert t.ty(s) == TableType(T.FUNCREF, Limits(2, 6)) and t.size(s) == 2 and t.get(s, 0) is None
    t.set(s, 1, f)
    assert t.get(s, 1) == f and t.get(s, 1).call(s) == 1
    assert t.grow(s, 2, f) == 2 and t.size(s) == 4 and t.get(s, 3) == f
    t.fill(s, 0, None, 4)
    assert [t.get(s, i) for i in range(4)] == [None] * 4
    t.set(s, 0, f)
    Table.copy(s, t, 2, t, 0, 2)
    assert [t.get(s, i) for i in range(4)] == [f, None, f, None]
    with pytest.raises(wasmi.WasmiError, match="out of bounds"):
        t.get(s, 4)
    with pytest.raises(wasmi.WasmiError, match="out of bounds"):
        t.set(s, -1, None)
    with pytest.raises(wasmi.WasmiError, match="out of bounds"):
        t.fill(s, 3, None, 2)
    with pytest.raises(wasmi.WasmiError, match="out of bounds"):
        Table.copy(s, t, 3, t, 0, 2)
    with pytest.raises(wasmi.WasmiError, match="growth"):
        t.grow(s, 3)
    with pytest.raises(TypeError):
        t.set(s, 0, "not a func")
    ext = Table(s, TableType(T.EXTERNREF, Limits(1)), ExternRef("x"))
    assert ext.get(s, 0) == "x"
    with pytest.raises(wasmi.WasmiError, match="element types differ"):
        Table.copy(s, ext, 0, t, 0, 1)
    with pytest.raises(wasmi.WasmiError, match="invalid table limits"):
        Table.new(s, TableType(T.FUNCREF, Limits(3, 1)))
    with pytest.raises(TypeError):
        Table.new(s, TableType(T.I32, Limits(1)))
    with pytest.raises(wasmi.WasmiError, match="wrong store"):
        t.set(s, 0, Func.new(_store(), FuncType((), ()), lambda c, ps: None))


def test_table_shared_with_wasm() -> None:
    engine = Engine()
    store = Store(engine)
    f = Func.new(store, FuncType((), (T.I32,)), lambda c, ps: 77)
    table = Table.new(store, TableType(T.FUNCREF, Limits(1)), f)
    linker = Linker(engine).define("env", "t", table)
    inst = linker.instantiate_and_start(store, Module(engine, """(module (import "env" "t" (table 1 funcref))
      (type $r (func (result i32)))
      (func (export "go") (result i32) (call_indirect (type $r) (i32.const 0))))"""))
    assert inst.get_func(store, "go").call(store) == 77


def test_global_new_ty_get_set() -> None:
    s = _store()
    g = Global.new(s, I64(2**40), Mutability.Var)
    assert g.ty(s) == GlobalType(T.I64, True) and g.get(s) == 2**40
    g.set(s, -1)
    assert g.get(s) == -1 and g.value == -1
    c = Global.new(s, F32(0.1))
    assert c.ty(s) == GlobalType(T.F32, False) and c.get(s) == float.fromhex("0x1.99999ap-4")
    with pytest.raises(wasmi.WasmiError, match="immutable"):
        c.set(s, 1.0)
    with pytest.raises(TypeError, match="ambiguous"):
        Global.new(s, 5)
    with pytest.raises(TypeError):
        g.set(s, "x")
    assert Global.new(s, Val(T.I32, -1)).get(s) == -1
    assert Global(s, GlobalType(T.F64, False), 2).get(s) == 2.0
    assert Global.new(s, V128(3)).ty(s).valtype is T.V128
    assert Global.new(s, F64(0.5), True).ty(s).mutable
    assert Global.new(s, ExternRef([1])).get(s) == [1]
    with pytest.raises(TypeError):
        Global(s, "i32", 1)  # type: ignore[arg-type]


def test_handles_check_their_store() -> None:
    a, b = _store(), _store()
    m = Memory.new(a, MemoryType(Limits(1)))
    t = Table.new(a, TableType(T.FUNCREF, Limits(1)))
    g = Global.new(a, I32(1), Mutability.Var)
    for call in (lambda: m.size(b), lambda: m.data(b), lambda: m.read(b, 0, 1), lambda: m.grow(b, 0),
                 lambda: t.size(b), lambda: t.get(b, 0), lambda: g.get(b), lambda: g.set(b, 1),
                 lambda: m.ty(b), lambda: t.ty(b), lambda: g.ty(b)):
        with pytest.raises(wasmi.WasmiError, match="wrong store"):
            call()


def test_extern_conversions_and_types() -> None:
    s = _store()
    f = Func.new(s, FuncType((T.I32,), ()), lambda c, ps: None)
    m = Memory.new(s, MemoryType(Limits(1)))
    t = Table.new(s, TableType(T.EXTERNREF, Limits(0)))
    g = Global.new(s, I32(0))
    externs: list = [f, m, t, g]
    assert all(isinstance(e, Extern) for e in externs)
    assert [e.into_func() is e for e in externs] == [True, False, False, False]
    assert [e.into_memory() is e for e in externs] == [False, True, False, False]
    assert [e.into_table() is e for e in externs] == [False, False, True, False]
    assert [e.into_global() is e for e in externs] == [False, False, False, True]
    kinds = [e.extern_type(s).kind for e in externs]
    assert kinds == ["func", "memory", "table", "global"]
    assert f.extern_type(s) == ExternType(FuncType((T.I32,), ()))
    assert m.extern_type(s).memory() == MemoryType(Limits(1))
    assert str(t.extern_type(s)) == "table 0 externref" and str(g.extern_type(s)) == "global i32"


def test_value_wrappers() -> None:
    assert wasmi.values.val_type(I32(1)) is T.I32 and I32(1) + 1 == 2 and isinstance(F64(1.5), float)
    assert wasmi.values.val_type(Val(T.I64, 1)) is T.I64
    assert wasmi.values.val_type(ExternRef(None)) is T.EXTERNREF
    s = _store()
    assert wasmi.values.val_type(Func.new(s, FuncType((), ()), lambda c, ps: None)) is T.FUNCREF
    with pytest.raises(TypeError):
        wasmi.values.val_type(1.5)
    with pytest.raises(TypeError):
        wasmi.values.val_type("x")
    assert ExternRef(3).data() == 3 and repr(ExternRef(3)) == "ExternRef(3)"
    with pytest.raises(TypeError):
        wasmi.values.func_type([T.I32, "i64"], [])


def test_reprs_equality_hashes_and_type_aliases() -> None:
    engine = Engine()
    s = Store(engine, {})
    inst = Linker(engine).instantiate_and_start(s, Module(engine, """(module
      (func (export "f") (param i32) (result i32) (local.get 0)) (memory (export "m") 1)
      (table (export "t") 2 funcref) (global (export "g") (mut i64) (i64.const 1)))"""))
    f, m = inst.get_func(s, "f"), inst.get_memory(s, "m")
    t, g = inst.get_table(s, "t"), inst.get_global(s, "g")
    # handles are re-made on each lookup; they compare and hash by the object they refer to
    assert f == inst.get_func(s, "f") and hash(f) == hash(inst.get_func(s, "f")) and f != m
    assert m == inst.get_memory(s, "m") and hash(m) == hash(inst.get_memory(s, "m"))
    assert t == inst.get_table(s, "t") and hash(t) == hash(inst.get_table(s, "t")) and t != g
    assert g == inst.get_global(s, "g") and hash(g) == hash(inst.get_global(s, "g")) and g != t
    assert len({ExternType(GlobalType(T.I32, False)), ExternType(GlobalType(T.I32, False))}) == 1
    assert f(s, 3) == 3  # calling the handle is Func.call
    assert f.type() == f.ty(s) and m.type() == m.ty(s) and t.type() == t.ty(s) and g.type() == g.ty(s)
    assert repr(f) == "<wasmi.Func [i32] -> [i32]>"
    assert repr(f.typed(s, [T.I32], [T.I32])) == "<wasmi.TypedFunc [i32] -> [i32]>"
    assert repr(m) == "<wasmi.Memory 1 pages>" and repr(t) == "<wasmi.Table funcref x2>"
    assert repr(g) == "<wasmi.Global mut i64>" and repr(inst) == "<wasmi.Instance with 4 exports>"
    assert repr(ExternType(GlobalType(T.I32, False))).startswith("ExternType(GlobalType(")
    assert repr(s) == "<wasmi.Store data=dict>" and repr(engine).startswith("<wasmi.Engine Config(")
    assert "consume_fuel=False" in repr(wasmi.Config())
    assert repr(Module(engine, '(module (import "a" "b" (func)))')) == "<wasmi.Module 1 imports, 0 exports>"
    assert hash(wasmi.EnforcedLimits.strict()) == hash(wasmi.EnforcedLimits.strict())
