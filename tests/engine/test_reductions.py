"""The translator's reduction shortcuts (docs/RATIONALE.md "Why reduce under masks, and flip large
constant adds?") against the exact per-instruction functions of ``numerics``, at the edges where a
missing reduction or a wrong sign would show: 0, 1, 2**31 - 1, 2**31, 2**32 - 1 and values near them."""

from __future__ import annotations

import itertools

import pytest
from _support import translator

from wasmi import Engine, Linker, Module, Store
from wasmi._exec import numerics as N

EDGES = [0, 1, 2, 0x7F, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFA0, 0xFFFFFFFF,
         12345678, 0xDEADBEEF]
E64 = [0, 1, -1, 0x7FFFFFFFFFFFFFFF, -0x8000000000000000, 0xFFFFFFFF, -0x100000000, 0x123456789ABCDEF,
       -0x123456789ABCDEF, 0x4000000000000000]

WAT = """(module
  (memory 1)
  (func (export "add_neg") (param i32) (result i32) (i32.add (local.get 0) (i32.const -96)))
  (func (export "neg_add") (param i32) (result i32) (i32.add (i32.const -1) (local.get 0)))
  (func (export "sub_big") (param i32) (result i32) (i32.sub (local.get 0) (i32.const -7)))
  (func (export "sum_and_lit") (param i32 i32) (result i32)
    (i32.and (i32.add (local.get 0) (local.get 1)) (i32.const 255)))
  (func (export "sum_and_var") (param i32 i32) (result i32)
    (i32.and (i32.mul (local.get 0) (local.get 1)) (local.get 1)))
  (func (export "sum_and_sum") (param i32 i32) (result i32)
    (i32.and (i32.add (local.get 0) (local.get 1)) (i32.sub (local.get 0) (local.get 1))))
  (func (export "wrap_mul") (param i64 i64) (result i32) (i32.wrap_i64 (i64.mul (local.get 0) (local.get 1))))
  (func (export "and64_mul") (param i64 i64) (result i64)
    (i64.and (i64.mul (local.get 0) (local.get 1)) (i64.const 0xFFFFFFFFFF)))
  (func (export "and64_neg") (param i64 i64) (result i64)
    (i64.and (i64.mul (local.get 0) (local.get 1)) (i64.const -2)))
  (func (export "store8_sum") (param i32 i32) (result i32)
    (i32.store8 (i32.const 8) (i32.sub (local.get 0) (local.get 1)))
    (i32.load (i32.const 8)))
  (func (export "store16_mul") (param i32 i32) (result i32)
    (i32.store16 (i32.const 16) (i32.mul (local.get 0) (local.get 1)))
    (i32.load (i32.const 16)))
  (func (export "store32_i64") (param i64 i64) (result i64)
    (i64.store32 (i32.const 24) (i64.add (local.get 0) (local.get 1)))
    (i64.load (i32.const 24)))
  (func (export "copy_byte") (param i32) (result i32)
    (i32.store8 (i32.const 32) (local.get 0))
    (i32.store8 (i32.const 40) (i32.load8_u (i32.const 32)))
    (i32.load (i32.const 40)))
  (func (export "sigma") (param i32 i32) (result i32)
    (i32.add
      (i32.xor (i32.xor (i32.rotr (local.get 0) (i32.const 6)) (i32.rotl (local.get 0) (i32.const 21)))
               (i32.rotr (local.get 0) (i32.const 25)))
      (local.get 1)))
  (func (export "or_rot") (param i32 i32) (result i32)
    (i32.or (i32.rotl (local.get 0) (i32.const 8)) (i32.rotr (local.get 1) (i32.const 8))))
  (func $put (param i32 i32)
    (i32.store (i32.const 64) (local.get 0)) (i32.store (i32.const 68) (local.get 1)))
  (func (export "dot") (param i32 i32) (result i32)
    (call $put (local.get 0) (local.get 1))
    (i32.add (i32.mul (i32.load (i32.const 64)) (i32.load (i32.const 68)))
             (i32.mul (i32.load (i32.const 68)) (i32.load (i32.const 68)))))
  (func (export "sq_eq") (param i32 i32) (result i32)
    (call $put (local.get 0) (local.get 1))
    (i32.eq (i32.mul (i32.load (i32.const 64)) (i32.load (i32.const 64)))
            (i32.mul (i32.load (i32.const 68)) (i32.load (i32.const 68)))))
  (func (export "sq_ret") (param i32 i32) (result i32)
    (call $put (local.get 0) (local.get 1))
    (i32.mul (i32.load (i32.const 64)) (i32.load (i32.const 64)))
    (i32.mul (i32.load (i32.const 68)) (i32.load (i32.const 68)))
    (drop))
  (func (export "rotl64") (param i64 i64) (result i64)
    (i64.xor (i64.rotl (local.get 0) (i64.const 13)) (i64.rotr (local.get 1) (i64.const 7))))
  (func (export "rot_sum") (param i32 i32) (result i32)
    (i32.rotl (i32.add (local.get 0) (local.get 1)) (i32.const 3))))"""


def _expected(name: str, a: int, b: int) -> int:
    n = N.FUNCS
    add, sub, mul, and_ = n["i32.add"], n["i32.sub"], n["i32.mul"], n["i32.and"]
    rotl, rotr, xor = n["i32.rotl"], n["i32.rotr"], n["i32.xor"]
    if name == "add_neg":
        return add(a, 0xFFFFFFA0)
    if name == "neg_add":
        return add(0xFFFFFFFF, a)
    if name == "sub_big":
        return sub(a, 0xFFFFFFF9)
    if name == "sum_and_lit":
        return and_(add(a, b), 255)
    if name == "sum_and_var":
        return and_(mul(a, b), b)
    if name == "sum_and_sum":
        return and_(add(a, b), sub(a, b))
    if name == "store8_sum":
        return sub(a, b) & 0xFF
    if name == "store16_mul":
        return mul(a, b) & 0xFFFF
    if name == "copy_byte":
        return a & 0xFF
    if name == "sigma":
        return add(xor(xor(rotr(a, 6), rotl(a, 21)), rotr(a, 25)), b)
    if name == "or_rot":
        return n["i32.or"](rotl(a, 8), rotr(b, 8))
    if name == "dot":
        return add(mul(a, b), mul(b, b))
    if name == "sq_eq":
        return int(mul(a, a) == mul(b, b))
    if name == "sq_ret":
        return mul(a, a)
    if name == "rot_sum":
        return rotl(add(a, b), 3)
    raise KeyError(name)


def _expected64(name: str, a: int, b: int) -> int:
    mul = N.FUNCS["i64.mul"](a, b)
    if name == "wrap_mul":
        return N.FUNCS["i32.wrap_i64"](mul)
    if name == "and64_mul":
        return mul & 0xFFFFFFFFFF
    if name == "and64_neg":
        return N.FUNCS["i64.and"](mul, -2)
    if name == "rotl64":
        n = N.FUNCS
        return n["i64.xor"](n["i64.rotl"](a, 13), n["i64.rotr"](b, 7))
    if name == "store32_i64":
        return N.FUNCS["i64.add"](a, b) & 0xFFFFFFFF
    raise KeyError(name)


@pytest.fixture(scope="module", params=["structured", "fallback"])
def inst(request):
    with translator(request.param == "fallback"):
        engine = Engine()
        store = Store(engine)
        # functions are translated on their first call, while the flag is set
        instance = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
        yield store, instance


I32_NAMES = ["add_neg", "neg_add", "sub_big", "sum_and_lit", "sum_and_var", "sum_and_sum", "store8_sum",
             "store16_mul", "copy_byte", "sigma", "or_rot", "rot_sum", "dot", "sq_eq", "sq_ret"]
ONE_ARG = {"add_neg", "neg_add", "sub_big", "copy_byte"}


@pytest.mark.parametrize("name", I32_NAMES)
def test_i32_shortcuts_match_the_exact_functions(inst, name: str) -> None:
    store, instance = inst
    f = instance.get_func(store, name)
    pairs = [(a, 0) for a in EDGES] if name in ONE_ARG else list(itertools.product(EDGES, EDGES))
    for a, b in pairs:
        args = (a,) if name in ONE_ARG else (a, b)
        got = f.call(store, *args) & 0xFFFFFFFF
        assert got == _expected(name, a, b), (name, a, b)


@pytest.mark.parametrize("name", ["wrap_mul", "and64_mul", "and64_neg", "store32_i64", "rotl64"])
def test_i64_shortcuts_match_the_exact_functions(inst, name: str) -> None:
    store, instance = inst
    f = instance.get_func(store, name)
    for a, b in itertools.product(E64, E64):
        got = f.call(store, a, b)
        want = _expected64(name, a, b)
        if name == "wrap_mul":
            got &= 0xFFFFFFFF
        assert got == want, (name, a, b)


@pytest.mark.parametrize("bits", [32, 64])
def test_rotates_by_every_constant_count(bits: int) -> None:
    """Constant rotates and unsigned right shifts are inlined with a count-specific template; every count (and counts >= bits,
    which wrap) against the exact functions, signed and unsigned edge values."""
    t = f"i{bits}"
    funcs = "".join(
        f'(func (export "l{k}") (param {t}) (result {t}) ({t}.rotl (local.get 0) ({t}.const {k})))'
        f'(func (export "r{k}") (param {t}) (result {t}) ({t}.rotr (local.get 0) ({t}.const {k})))'
        f'(func (export "u{k}") (param {t}) (result {t}) ({t}.shr_u (local.get 0) ({t}.const {k})))'
        for k in range(bits + 3))
    engine = Engine()
    store = Store(engine)
    instance = Linker(engine).instantiate_and_start(store, Module(engine, f"(module {funcs})"))
    values = EDGES if bits == 32 else E64 + [-0x7FFFFFFFFFFFFFFF, 0x5555555555555555, -0x5555555555555556]
    mask = 0xFFFFFFFF if bits == 32 else -1  # the API passes i32 results signed, numerics unsigned
    for k in range(bits + 3):
        fl, fr = instance.get_func(store, f"l{k}"), instance.get_func(store, f"r{k}")
        for v in values:
            assert fl.call(store, v) & mask == N.FUNCS[f"{t}.rotl"](v, k), (k, v)
            assert fr.call(store, v) & mask == N.FUNCS[f"{t}.rotr"](v, k), (k, v)
            assert instance.get_func(store, f"u{k}").call(store, v) & mask == N.FUNCS[f"{t}.shr_u"](v, k), (k, v)
