"""v128 through the engine beyond what the spec scripts pin down: exact memory bounds of every access
width, fuel costs of SIMD operators, the fallback translation, v128 globals/select/blocks via the API,
and ``wasmi run`` with v128 arguments and results.

Expected values come from the spec's rules (an access of w bytes at address a traps iff a + w exceeds
the memory size; each operator costs 1 fuel, ``end`` 0) or from Python's struct, never from our output.
"""

from __future__ import annotations

import argparse
import struct

import pytest

import wasmi
import wasmi._exec.compiled as compiled
from wasmi import TrapCode

PAGE = 65536


def _instance(wat: str, fuel: bool = False):
    engine = wasmi.Engine(wasmi.Config(consume_fuel=fuel))
    store = wasmi.Store(engine)
    inst = wasmi.Linker(engine).instantiate_and_start(store, wasmi.Module(engine, wat))
    return store, inst


def _u128(fmt: str, *lanes) -> int:
    return int.from_bytes(struct.pack("<" + fmt, *lanes), "little")


# (instruction, bytes accessed, is a store, needs a vector operand, lane immediate)
ACCESSES = [
    ("v128.load", 16, False, False, None),
    ("v128.load8x8_s", 8, False, False, None),
    ("v128.load16x4_u", 8, False, False, None),
    ("v128.load32x2_s", 8, False, False, None),
    ("v128.load8_splat", 1, False, False, None),
    ("v128.load16_splat", 2, False, False, None),
    ("v128.load32_splat", 4, False, False, None),
    ("v128.load64_splat", 8, False, False, None),
    ("v128.load32_zero", 4, False, False, None),
    ("v128.load64_zero", 8, False, False, None),
    ("v128.load8_lane", 1, False, True, 15),
    ("v128.load16_lane", 2, False, True, 7),
    ("v128.load32_lane", 4, False, True, 3),
    ("v128.load64_lane", 8, False, True, 1),
    ("v128.store", 16, True, True, None),
    ("v128.store8_lane", 1, True, True, 15),
    ("v128.store16_lane", 2, True, True, 7),
    ("v128.store32_lane", 4, True, True, 3),
    ("v128.store64_lane", 8, True, True, 1),
]


def _access_module(name: str, store_op: bool, vec: bool, lane, offset: int) -> str:
    imm = f" offset={offset}" + (f" {lane}" if lane is not None else "")
    operand = " (v128.const i64x2 -1 -1)" if vec else ""
    body = f"({name}{imm} (local.get 0){operand})"
    if store_op:
        return f'(module (memory 1) (func (export "f") (param i32) {body}))'
    return f'(module (memory 1) (func (export "f") (param i32) (result v128) {body}))'


@pytest.mark.parametrize("fallback", [False, True], ids=["structured", "fallback"])
@pytest.mark.parametrize("offset", [0, 3])
@pytest.mark.parametrize("name,width,store_op,vec,lane", ACCESSES, ids=[a[0] for a in ACCESSES])
def test_exact_bounds(monkeypatch, name, width, store_op, vec, lane, offset, fallback) -> None:
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", fallback)
    store, inst = _instance(_access_module(name, store_op, vec, lane, offset))
    f = inst.get_func(store, "f")
    last_ok = PAGE - width - offset
    f.call(store, last_ok)  # the access ends exactly at the end of memory
    for bad in (last_ok + 1, PAGE - offset, 0xFFFFFFFF):
        with pytest.raises(wasmi.Trap) as ei:
            f.call(store, bad)
        assert ei.value.code is TrapCode.MemoryOutOfBounds


def test_a_trapping_store_writes_nothing() -> None:
    wat = ('(module (memory (export "m") 1) (func (export "f") (param i32)'
           ' (v128.store (local.get 0) (v128.const i64x2 -1 -1))))')
    store, inst = _instance(wat)
    with pytest.raises(wasmi.Trap):
        inst.get_func(store, "f").call(store, PAGE - 15)
    assert bytes(inst.get_memory(store, "m").data(store)[PAGE - 32:]) == bytes(32)


def test_locals_are_zero_and_values_flow_through_blocks_select_and_globals() -> None:
    wat = """(module
      (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
      (func (export "zero") (result v128) (local v128) (local.get 0))
      (func (export "mix") (param v128 v128 i32) (result v128)
        (block (result v128)
          (select (local.get 0) (local.get 1) (local.get 2))))
      (func (export "bump") (result v128)
        (global.set $g (i32x4.add (global.get $g) (v128.const i32x4 10 20 30 40)))
        (global.get $g)))"""
    store, inst = _instance(wat)
    assert inst.get_func(store, "zero").call(store) == 0
    a, b = _u128("4I", 1, 2, 3, 4), _u128("2Q", 2**64 - 1, 5)
    mix = inst.get_func(store, "mix")
    assert mix.call(store, a, b, 1) == a
    assert mix.call(store, a, b, 0) == b
    assert inst.get_func(store, "bump").call(store) == _u128("4I", 11, 22, 33, 44)
    assert inst.get_global(store, "g").get(store) == _u128("4I", 11, 22, 33, 44)


def test_simd_operators_cost_one_fuel_each() -> None:
    # 4 operators (2 consts, add, extract_lane) in one segment; the function's end costs 0
    wat = """(module (func (export "f") (result i32)
      (i32x4.extract_lane 0 (i32x4.add (v128.const i32x4 1 0 0 0) (v128.const i32x4 2 0 0 0)))))"""
    engine = wasmi.Engine(wasmi.Config(consume_fuel=True))
    store = wasmi.Store(engine)
    f = wasmi.Linker(engine).instantiate_and_start(store, wasmi.Module(engine, wat)).get_func(store, "f")
    store.set_fuel(3)
    with pytest.raises(wasmi.Trap) as ei:
        f.call(store)
    assert ei.value.code is TrapCode.OutOfFuel
    assert store.get_fuel() == 3
    store.set_fuel(4)
    assert f.call(store) == 3
    assert store.get_fuel() == 0


def test_deeply_nested_simd_goes_through_the_fallback() -> None:
    # every block is a br_table target, so each needs a Python loop: too many for CPython's 20
    depth = 30
    opens = "".join(f"(block $b{i} (result v128) " for i in range(depth))
    labels = " ".join(f"$b{i}" for i in range(depth))
    value = "(i8x16.add (local.get 0) (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1))"
    wat = (f'(module (func (export "f") (param v128 i32) (result v128) {opens}'
           f"(br_table {labels} {value} (local.get 1)){')' * depth}))")
    engine = wasmi.Engine()
    store = wasmi.Store(engine)
    module = wasmi.Module(engine, wat)
    f = wasmi.Linker(engine).instantiate_and_start(store, module).get_func(store, "f")
    for k in (0, 7, depth + 3):
        assert f.call(store, _u128("16B", *range(240, 256)), k) == _u128("16B", *range(241, 256), 0)
    assert "_pc" in module._compiled.sources[0]


def test_wasmi_run_reads_and_prints_v128(tmp_path, capsys) -> None:
    from wasmi._script.run import main_run

    p = tmp_path / "m.wat"
    p.write_text('(module (func (export "f") (param v128 i32) (result v128 i32)'
                 " (i32x4.add (local.get 0) (i32x4.splat (local.get 1)))"
                 " (i32x4.extract_lane 3 (local.get 0))))")
    ns = argparse.Namespace(module=str(p), invoke="f", args=["0x00000004000000030000000200000001", "10"],
                            fuel=None)
    assert main_run(ns) == 0
    out = capsys.readouterr().out.split()
    assert out == [f"0x{_u128('4I', 11, 12, 13, 14):032x}", "4"]
    ns.args = ["not-a-number", "1"]
    with pytest.raises(wasmi.WasmiError):
        main_run(ns)
    ns.args = [str(1 << 128), "1"]
    with pytest.raises(wasmi.WasmiError):
        main_run(ns)
