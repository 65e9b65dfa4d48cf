"""Module: sources, validation, imports/exports, custom sections, and the Config's proposal toggles
and enforced limits."""

from __future__ import annotations

import subprocess

import pytest

import wasmi
from wasmi import (
    Config,
    EnforcedLimits,
    Engine,
    ExternType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    Module,
    TableType,
    ValType,
)

I32, I64, F32 = ValType.I32, ValType.I64, ValType.F32

MOD = """(module
  (import "env" "f" (func (param i32) (result i64)))
  (import "env" "m" (memory 1 2))
  (import "env" "t" (table 3 funcref))
  (import "env" "g" (global (mut f32)))
  (func (export "run") (param i64 i64) (result i32) (i32.const 0))
  (global (export "c") i32 (i32.const 1))
  (export "mem" (memory 0))
  (export "tab" (table 0)))"""


def test_imports_and_exports_with_types() -> None:
    m = Module(Engine(), MOD)
    imps = list(m.imports())
    assert [(i.module, i.name) for i in imps] == [("env", "f"), ("env", "m"), ("env", "t"), ("env", "g")]
    assert imps[0].ty == ExternType(FuncType((I32,), (I64,))) and imps[0].ty.kind == "func"
    assert imps[1].ty.memory() == MemoryType(Limits(1, 2)) and imps[1].ty.func() is None
    assert imps[2].ty.table() == TableType(ValType.FUNCREF, Limits(3, None))
    assert imps[3].ty.global_() == GlobalType(F32, True)
    exps = {e.name: e.ty for e in m.exports()}
    assert exps["run"].func() == FuncType((I64, I64), (I32,))
    assert exps["c"].global_() == GlobalType(I32, False)
    assert exps["mem"].kind == "memory" and exps["tab"].kind == "table"
    assert m.get_export("run") == exps["run"] and m.get_export("nope") is None
    assert str(exps["run"]) == "func [i64 i64] -> [i32]"
    with pytest.raises(TypeError):
        ExternType("i32")  # type: ignore[arg-type]


def test_sources_bytes_text_and_errors() -> None:
    engine = Engine()
    wasm = subprocess.run(["wasm-tools", "parse", "-"], input=MOD.encode(), capture_output=True,
                          check=True).stdout
    assert [e.name for e in Module(engine, wasm).exports()] == ["run", "c", "mem", "tab"]
    assert len(list(Module.new(engine, bytearray(wasm)).imports())) == 4
    Module.validate(engine, wasm)
    with pytest.raises(wasmi.DecodeError):
        Module(engine, wasm[:-3])
    with pytest.raises(wasmi.WatError):
        Module(engine, "(module (func (i32.nope)))")
    with pytest.raises(wasmi.ValidationError):
        Module.validate(engine, "(module (func (result i32)))")
    with pytest.raises(TypeError):
        Module(engine, 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Module("engine", "(module)")  # type: ignore[arg-type]


def _with_custom() -> bytes:
    wasm = subprocess.run(["wasm-tools", "parse", "-"], input=b"(module)", capture_output=True,
                          check=True).stdout
    payload = b"hello"
    name = b"note"
    body = bytes([len(name)]) + name + payload
    return wasm + bytes([0, len(body)]) + body


def test_custom_sections_and_ignoring_them() -> None:
    wasm = _with_custom()
    assert Module(Engine(), wasm).custom_sections() == [("note", b"hello")]
    assert Module(Engine(Config(ignore_custom_sections=True)), wasm).custom_sections() == []


@pytest.mark.parametrize("feature, body", [
    ("simd", "(drop (v128.const i64x2 0 0))"),
    ("bulk_memory", "(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))"),
    ("sign_extension", "(drop (i32.extend8_s (i32.const 0)))"),
    ("saturating_float_to_int", "(drop (i32.trunc_sat_f32_s (f32.const 0)))"),
    ("reference_types", "(drop (ref.is_null (ref.null func)))"),
])
def test_proposal_toggles_reject_their_instructions(feature: str, body: str) -> None:
    wat = f"(module (memory 1) (func {body}))"
    Module(Engine(), wat)  # on by default
    with pytest.raises(wasmi.ValidationError):
        Module(Engine(Config(**{feature: False})), wat)


def test_multi_value_mutable_global_and_floats_toggles() -> None:
    mv = '(module (func (result i32 i32) (i32.const 1) (i32.const 2)))'
    Module(Engine(), mv)
    with pytest.raises(wasmi.ValidationError, match="multi-value"):
        Module(Engine(Config(multi_value=False)), mv)
    mg = '(module (global (export "g") (mut i32) (i32.const 0)))'
    Module(Engine(), mg)
    with pytest.raises(wasmi.ValidationError, match="mutable globals"):
        Module(Engine(Config(mutable_global=False)), mg)
    with pytest.raises(wasmi.ValidationError, match="mutable globals"):
        Module(Engine(Config(mutable_global=False)), '(module (import "a" "b" (global (mut i32))))')
    Module(Engine(Config(mutable_global=False)), '(module (global (export "g") i32 (i32.const 0)))')
    no_floats = Engine(Config(floats=False))
    Module(no_floats, '(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))')
    for wat in ('(module (func (drop (f32.const 1))))',
                '(module (func (param f64)))',
                '(module (func (local f32)))',
                '(module (global f64 (f64.const 0)))',
                '(module (memory 1) (func (drop (i32.reinterpret_f32 (f32.load (i32.const 0))))))'):
        with pytest.raises(wasmi.ValidationError, match="floating point"):
            Module(no_floats, wat)


def test_enforced_limits() -> None:
    three = '(module (func) (func) (func) (global i32 (i32.const 0)) (memory 1) (table 1 funcref))'
    Module(Engine(Config(enforced_limits=EnforcedLimits(max_functions=3))), three)
    for field, value in (("max_functions", 2), ("max_globals", 0), ("max_memories", 0), ("max_tables", 0),
                         ("max_types", 0), ("max_function_body_size", 0)):
        cfg = Config(enforced_limits=EnforcedLimits(**{field: value}))
        with pytest.raises(wasmi.EnforcedLimitsError, match="enforced limit"):
            Module(Engine(cfg), three)
    params = '(module (type (func (param i32 i32 i32) (result i32 i32))))'
    with pytest.raises(wasmi.EnforcedLimitsError):
        Module(Engine(Config(enforced_limits=EnforcedLimits(max_params=2))), params)
    with pytest.raises(wasmi.EnforcedLimitsError):
        Module(Engine(Config(enforced_limits=EnforcedLimits(max_results=1))), params)
    segs = '(module (memory 1) (data (i32.const 0) "a") (table 1 funcref) (elem (i32.const 0) func))'
    with pytest.raises(wasmi.EnforcedLimitsError):
        Module(Engine(Config(enforced_limits=EnforcedLimits(max_data_segments=0))), segs)
    with pytest.raises(wasmi.EnforcedLimitsError):
        Module(Engine(Config(enforced_limits=EnforcedLimits(max_element_segments=0))), segs)
    assert isinstance(wasmi.EnforcedLimitsError("x"), wasmi.ValidationError)
    assert "max_functions=10000" in repr(EnforcedLimits.strict())


def test_eager_mode_translates_at_instantiation() -> None:
    wat = '(module (func (export "f") (result i32) (i32.const 7)))'
    for mode in ("eager", "lazy_translation", "lazy"):
        engine = Engine(Config(compilation_mode=mode))
        module = Module(engine, wat)
        store = wasmi.Store(engine)
        inst = wasmi.Linker(engine).instantiate_and_start(store, module)
        assert bool(module._compiled.sources) == (mode == "eager")
        assert inst.get_func(store, "f").call(store) == 7
