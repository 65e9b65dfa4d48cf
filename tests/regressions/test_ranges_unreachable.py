"""Regressions: (1) the range analysis took ``unreachable`` for a no-op (its signature is [] -> []), so in
a small loop-free function the walk went on into dead code and popped an empty stack; (2) that
IndexError, raised during lazy translation inside a guest call, was reported as the trap "out of bounds
memory access". Translator failures are now InternalError, never a trap."""

from __future__ import annotations

import pytest

from wasmi import Engine, Linker, Module, Store, Trap, TrapCode
from wasmi._binary.decode import decode_module
from wasmi._exec import compiled, ranges
from wasmi.errors import InternalError
from wasmi.wat import parse_str

DEAD = """(module
  (func (export "a") (block (unreachable) (br_if 0)))
  (func (export "b") (param i32) (result i32)
    (block (result i32) (unreachable) (i32.add) (br_if 0) (drop) (i32.const 1)))
  (func (export "c") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (unreachable) (i32.sub)) (else (i32.sub (local.get 0) (i32.const 1))))))"""


def test_analysis_stops_at_unreachable() -> None:
    m = decode_module(parse_str(DEAD))
    for f in m.funcs:
        ranges.analyze(m, f)  # must not raise


def test_dead_code_traps_as_unreachable() -> None:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, DEAD))
    for name, args in (("a", ()), ("b", (5,)), ("c", (1,))):
        with pytest.raises(Trap) as info:
            inst.get_func(store, name).call(store, *args)
        assert info.value.code is TrapCode.UnreachableCodeReached
    assert inst.get_func(store, "c").call(store, 0) == -1  # 0 - 1 wraps (the API gives i32 signed)


def test_a_translator_failure_is_an_internal_error_not_a_trap(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise IndexError("pop from empty list")

    monkeypatch.setattr(compiled, "translate_function", broken)
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(
        store, Module(engine, '(module (func (export "f") (result i32) (i32.const 7)))'))
    with pytest.raises(InternalError) as info:
        inst.get_func(store, "f").call(store)
    assert "translating function 0 failed: IndexError" in str(info.value)
