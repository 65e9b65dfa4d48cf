"""Shortcuts taken when an operand's bounds are known: a br_table whose index is provably below the
number of targets needs no default test (plain br_table and the C-switch nest), and a signed compare
against 0 is a test of the sign bit. Checked at the edges against values computed here, in both
translations."""

from __future__ import annotations

import itertools

import pytest
from _support import translator

from wasmi import Engine, Linker, Module, Store

EDGES = [0, 1, 2, 5, 7, 8, 9, 0x7F, 0xFF, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFF8, 0xFFFFFFFF]


def _switch(mask: int, ntargets: int) -> str:
    """A function returning the br_table target index taken (the default returns 99)."""
    labels = "".join(f"(block ${k} " for k in reversed(range(ntargets + 1)))  # innermost is $0
    table = " ".join(f"${k}" for k in range(ntargets))
    cases = "".join(f") (return (i32.const {k}))" for k in range(ntargets)) + ") (i32.const 99)"
    return (f'(func (export "sw_{mask}_{ntargets}") (param i32) (result i32) {labels}'
            f"(br_table {table} ${ntargets} (i32.and (local.get 0) (i32.const {mask}))){cases})")


SWITCHES = [(7, 8), (7, 9), (7, 7), (7, 5), (3, 4), (3, 3), (15, 8), (1, 2), (0xFF, 300)]
CMPS = ["lt_s", "ge_s", "le_s", "gt_s"]
WAT = "(module " + "".join(_switch(m, n) for m, n in SWITCHES) + "".join(
    f'(func (export "{op}_r") (param i32) (result i32) (i32.{op} (local.get 0) (i32.const 0)))'
    f'(func (export "{op}_l") (param i32) (result i32) (i32.{op} (i32.const 0) (local.get 0)))'
    f'(func (export "{op}_sum") (param i32 i32) (result i32)'
    f" (i32.{op} (i32.add (local.get 0) (local.get 1)) (i32.const 0)))"
    for op in CMPS) + ")"


@pytest.fixture(scope="module", params=["structured", "fallback"])
def inst(request):
    with translator(request.param == "fallback"):
        engine = Engine()
        store = Store(engine)
        yield store, Linker(engine).instantiate_and_start(store, Module(engine, WAT))


def _s(x: int) -> int:
    return x - (1 << 32) if x & 0x80000000 else x


@pytest.mark.parametrize("mask,n", SWITCHES)
def test_br_table_with_a_bounded_index(inst, mask: int, n: int) -> None:
    store, instance = inst
    f = instance.get_func(store, f"sw_{mask}_{n}")
    for x in EDGES + list(range(0, 300, 7)):
        i = x & mask
        assert f.call(store, x) == (i if i < n else 99), (mask, n, x)


@pytest.mark.parametrize("op", CMPS)
def test_signed_compares_with_zero(inst, op: str) -> None:
    store, instance = inst
    py = {"lt_s": lambda a, b: a < b, "ge_s": lambda a, b: a >= b, "le_s": lambda a, b: a <= b,
          "gt_s": lambda a, b: a > b}[op]
    for x in EDGES:
        assert instance.get_func(store, f"{op}_r").call(store, x) == int(py(_s(x), 0)), (op, x)
        assert instance.get_func(store, f"{op}_l").call(store, x) == int(py(0, _s(x))), (op, x)
    for a, b in itertools.product(EDGES, EDGES):
        want = int(py(_s((a + b) & 0xFFFFFFFF), 0))
        assert instance.get_func(store, f"{op}_sum").call(store, a, b) == want, (op, a, b)


def test_the_default_test_is_dropped_only_when_provable() -> None:
    from wasmi._binary.decode import decode_module
    from wasmi._exec.codegen import translate_function
    from wasmi.wat import parse_str

    m = decode_module(parse_str(WAT))
    for k, (mask, n) in enumerate(SWITCHES):
        src = translate_function(m, k, False)[0]
        assert (f">= {n}:" in src) == ((mask + 1) > n), (mask, n, src)
