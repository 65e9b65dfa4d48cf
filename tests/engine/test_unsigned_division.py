"""Unsigned division and remainder run as Python's ``//`` and ``%`` in generated code: a zero divisor
raises ZeroDivisionError, which the call boundary reports as the IntegerDivisionByZero trap. Checked in
every translation (structured, state machine, unsigned-i64 form), fuel off and on, against the value
Python computes; and a host function's own ZeroDivisionError stays a HostError."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import pytest

import wasmi
from wasmi import Config, Engine, Linker, Module, Store, Trap, TrapCode
from wasmi._exec import codegen_u64, compiled
from wasmi._syntax.types import ValType

WAT = """(module
  (import "env" "host_div" (func $host_div (param i32) (result i32)))
  (memory 1)
  (func (export "div32") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem32") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "div64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "rem64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  ;; the trap comes before the store, which would be out of bounds
  (func (export "store_div") (param i32 i32)
    (i32.store (i32.const 70000) (i32.div_u (local.get 0) (local.get 1))))
  ;; the dividend's out-of-bounds load traps first
  (func (export "load_then_div") (param i32) (result i32)
    (i32.div_u (i32.load (i32.const 70000)) (local.get 0)))
  (func (export "via_host") (param i32) (result i32) (call $host_div (local.get 0))))
"""

U32 = [0, 1, 2, 3, 7, 10, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]
U64 = [0, 1, 3, 10, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 0x123456789]


@contextlib.contextmanager
def _mode(fallback: bool, u64: str) -> Iterator[None]:
    saved = compiled.FORCE_FALLBACK, codegen_u64.MODE
    compiled.FORCE_FALLBACK, codegen_u64.MODE = fallback, u64
    try:
        yield
    finally:
        compiled.FORCE_FALLBACK, codegen_u64.MODE = saved


def _host_div(x: ValType.I32) -> ValType.I32:
    return 100 // x


def _instance(fuel: bool) -> Any:
    engine = Engine(Config(consume_fuel=fuel))
    store = Store(engine)
    if fuel:
        store.set_fuel(10**9)
    linker = Linker(engine)
    linker.func_wrap("env", "host_div", _host_div)
    return store, linker.instantiate_and_start(store, Module(engine, WAT))


def _signed(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) else v


@pytest.mark.parametrize("fuel", [False, True])
@pytest.mark.parametrize("fallback,u64", [(False, "auto"), (True, "auto"), (False, "always")])
def test_unsigned_division(fuel: bool, fallback: bool, u64: str) -> None:
    with _mode(fallback, u64):
        store, inst = _instance(fuel)
        for bits, values, names in ((32, U32, ("div32", "rem32")), (64, U64, ("div64", "rem64"))):
            div, rem = (inst.get_func(store, n) for n in names)
            for a in values:
                for b in values:
                    if b == 0:
                        for f in (div, rem):
                            with pytest.raises(Trap) as e:
                                f.call(store, _signed(a, bits), 0)
                            assert e.value.code is TrapCode.IntegerDivisionByZero
                        continue
                    assert div.call(store, _signed(a, bits), _signed(b, bits)) == _signed(a // b, bits)
                    assert rem.call(store, _signed(a, bits), _signed(b, bits)) == _signed(a % b, bits)


@pytest.mark.parametrize("fallback", [False, True])
def test_division_trap_order(fallback: bool) -> None:
    with _mode(fallback, "auto"):
        store, inst = _instance(False)
        with pytest.raises(Trap) as e:
            inst.get_func(store, "store_div").call(store, 5, 0)
        assert e.value.code is TrapCode.IntegerDivisionByZero
        with pytest.raises(Trap) as e:
            inst.get_func(store, "store_div").call(store, 5, 1)
        assert e.value.code is TrapCode.MemoryOutOfBounds
        with pytest.raises(Trap) as e:
            inst.get_func(store, "load_then_div").call(store, 0)
        assert e.value.code is TrapCode.MemoryOutOfBounds


def test_host_zero_division_is_a_host_error() -> None:
    store, inst = _instance(False)
    with pytest.raises(wasmi.HostError) as e:
        inst.get_func(store, "via_host").call(store, 0)
    assert "ZeroDivisionError" in str(e.value)
    assert inst.get_func(store, "via_host").call(store, 7) == 14
