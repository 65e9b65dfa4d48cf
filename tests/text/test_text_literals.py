"""Numeric literals against independent oracles: Python's float formatting/parsing for f64, exact
fractions for f32 rounding."""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from wasmi._text.literals import LiteralError, parse_float, parse_int


def f64_of(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def f32_of(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<I", bits))[0]


finite64 = st.integers(0, 2**64 - 1).filter(lambda b: (b >> 52) & 0x7FF != 0x7FF)
finite32 = st.integers(0, 2**32 - 1).filter(lambda b: (b >> 23) & 0xFF != 0xFF)


@settings(max_examples=300, deadline=None)
@given(finite64)
def test_f64_round_trips_through_repr_and_hex(bits: int) -> None:
    x = f64_of(bits)
    assert parse_float(repr(x), 64) == bits
    assert parse_float(x.hex(), 64) == bits


@settings(max_examples=300, deadline=None)
@given(finite32)
def test_f32_round_trips_through_repr_and_hex(bits: int) -> None:
    x = f32_of(bits)
    assert parse_float(x.hex(), 32) == bits
    assert parse_float(repr(x), 32) == bits


def _nearest_f32(q: Fraction) -> int:
    """Oracle: the f32 nearest to q (ties to even), by exact comparison of neighbouring candidates."""
    neg = q < 0
    a = abs(q)
    if a >= Fraction(2**128 - 2**103):
        raise OverflowError
    try:
        start = struct.unpack("<I", struct.pack("<f", float(a)))[0]
    except OverflowError:
        start = 0x7F7FFFFF
    best = None
    for c in range(max(start - 2, 0), min(start + 3, 0x7F800000)):
        d = abs(Fraction(f32_of(c)) - a)
        if best is None or d < best[0] or (d == best[0] and c % 2 == 0):
            best = (d, c)
    assert best is not None
    return best[1] | (0x80000000 if neg else 0)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 10**30), st.integers(-70, 40), st.booleans())
def test_f32_decimal_rounds_exactly(mant: int, exp: int, neg: bool) -> None:
    text = f"{'-' if neg else ''}{mant}e{exp}"
    q = Fraction(mant) * Fraction(10) ** exp * (-1 if neg else 1)
    try:
        expected = _nearest_f32(q)
    except OverflowError:
        with pytest.raises(LiteralError):
            parse_float(text, 32)
        return
    assert parse_float(text, 32) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(-(2**63), 2**64 - 1), st.booleans(), st.booleans())
def test_i64_literals(v: int, use_hex: bool, underscores: bool) -> None:
    digits = f"{abs(v):x}" if use_hex else str(abs(v))
    if underscores and len(digits) > 1:
        digits = digits[0] + "_" + digits[1:]
    text = ("-" if v < 0 else "") + ("0x" if use_hex else "") + digits
    assert parse_int(text, 64) == v % 2**64


@pytest.mark.parametrize(
    "text, bits",
    [("4294967296", 32), ("-2147483649", 32), ("+2147483648", 32), ("18446744073709551616", 64)],
)
def test_integers_out_of_range(text: str, bits: int) -> None:
    with pytest.raises(LiteralError):
        parse_int(text, bits)


@pytest.mark.parametrize("text", ["1__0", "_1", "1_", "0x", "0x_1", "1e", "1.0e+_1", "0x1p", "nan:0x", "infinity", "- 1"])
def test_malformed_literals_are_not_numbers(text: str) -> None:
    assert parse_float(text, 64) is None
    assert parse_int(text, 32) is None


def test_special_floats() -> None:
    assert parse_float("nan", 32) == 0x7FC00000
    assert parse_float("-nan:0x7fffff", 32) == 0xFFFFFFFF
    assert parse_float("+inf", 64) == 0x7FF0000000000000
    assert parse_float("-0.0", 64) == 0x8000000000000000
    assert parse_float("0x1p-1075", 64) == 0  # exactly half the smallest subnormal: ties to even
    assert parse_float("0x1.8p-1074", 64) == 2  # 1.5 ulp: ties to even (2)
    for bad in ("nan:0x0", "nan:0x800000"):
        with pytest.raises(LiteralError):
            parse_float(bad, 32)
    assert math.isinf(f64_of(parse_float("0x1.fffffffffffff7ffp1023", 64) or 0)) is False
    with pytest.raises(LiteralError):
        parse_float("0x1.fffffffffffff8p1023", 64)
