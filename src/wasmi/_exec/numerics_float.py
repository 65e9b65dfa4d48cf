"""Float instructions: f64 values are Python floats, f32 values floats exactly representable in single.

An f32 operation computes in double and rounds once to single (:func:`f32_round`): for + - * / and sqrt
of singles the double result is exact enough that this equals direct single rounding (53 >= 2*24 + 2).
A NaN produced from NaN operands is the hardware's quieted copy of an operand (an "arithmetic NaN" as the
spec allows; canonical in, canonical out), and a NaN made from non-NaNs is the canonical NaN.
``abs``/``neg``/``copysign`` touch only the sign bit, so every NaN payload survives them.

Python raises where IEEE 754 does not: ``x / 0.0`` (ZeroDivisionError), ``math.sqrt`` of a negative
(ValueError), ``math.floor``/``round`` of inf or NaN. The functions here never let those escape.
"""

from __future__ import annotations

import math
import sys

from .numerics_bits import INF, NAN, f32_pack, f32_round, f32_unpack

_floor = math.floor
_ceil = math.ceil
sqrt = math.sqrt
copysign = math.copysign

# From 2**52 on every double is an integer (and from 2**23 every single), so rounding is the identity.
_INTEGRAL = 4503599627370496.0


def f64_abs(x: float) -> float:
    return abs(x)


def f64_neg(x: float) -> float:
    return -x


f64_copysign = copysign
f32_abs = f64_abs
f32_neg = f64_neg
f32_copysign = copysign


if sys.implementation.name != "pypy":
    # CPython: float floor division is one operation with no int object in between, and it gives
    # floor's zero signs (-0.0 // 1.0 is -0.0, 0.5 // 1.0 is 0.0); x - fmod(x, 1.0) is exact.

    def f64_ceil(x: float) -> float:
        if -_INTEGRAL < x < _INTEGRAL:
            return -(-x // 1.0)
        return x if x == x else x + 0.0  # + 0.0 quiets a NaN; inf and huge values are already integral

    def f64_floor(x: float) -> float:
        if -_INTEGRAL < x < _INTEGRAL:
            return x // 1.0
        return x if x == x else x + 0.0

    def f64_trunc(x: float) -> float:
        if -_INTEGRAL < x < _INTEGRAL:
            return x // 1.0 if x >= 0.0 else -(-x // 1.0)
        return x if x == x else x + 0.0

else:
    # PyPy's JIT makes math.floor/ceil and int() cheaper than its float floor division.

    def f64_ceil(x: float) -> float:
        if -_INTEGRAL < x < _INTEGRAL:
            r = float(_ceil(x))
            return r if r else copysign(0.0, x)
        return x if x == x else x + 0.0

    def f64_floor(x: float) -> float:
        if -_INTEGRAL < x < _INTEGRAL:
            r = float(_floor(x))
            return r if r else copysign(0.0, x)
        return x if x == x else x + 0.0

    def f64_trunc(x: float) -> float:
        if -_INTEGRAL < x < _INTEGRAL:
            r = float(int(x))
            return r if r else copysign(0.0, x)
        return x if x == x else x + 0.0


# Adding and subtracting 1.5 * 2**52 rounds |x| < 2**51 to an integer in the current rounding mode
# (to nearest, ties to even: the constant is even); copysign restores the sign of a zero result.
_ROUNDER = 6755399441055744.0
_ROUNDER_RANGE = 2251799813685248.0


def f64_nearest(x: float) -> float:
    if -_ROUNDER_RANGE < x < _ROUNDER_RANGE:
        r = (x + _ROUNDER) - _ROUNDER
        return r if r else copysign(0.0, x)
    if -_INTEGRAL < x < _INTEGRAL:
        return float(round(x))  # round() of a float ties to even; |x| >= 2**51 here, so never zero
    return x if x == x else x + 0.0


# The results are integers of at most 24 bits or the operand itself, so f32 needs no extra rounding.
f32_ceil = f64_ceil
f32_floor = f64_floor
f32_trunc = f64_trunc
f32_nearest = f64_nearest


def f64_sqrt(x: float) -> float:
    if x >= 0.0:  # -0.0 included: sqrt(-0.0) is -0.0
        return sqrt(x)
    # PyPy's math.sqrt returns a NaN operand as is, so quiet it here (x + 0.0 keeps the payload).
    return x + 0.0 if x != x else NAN


def f64_add(a: float, b: float) -> float:
    return a + b


def f64_sub(a: float, b: float) -> float:
    return a - b


def f64_mul(a: float, b: float) -> float:
    return a * b


def f64_div(a: float, b: float) -> float:
    if b:  # also true for NaN
        return a / b
    if a != a:
        return a + 0.0
    if not a:
        return NAN
    return INF if (copysign(1.0, a) > 0.0) == (copysign(1.0, b) > 0.0) else -INF


def f64_min(a: float, b: float) -> float:
    if a < b:
        return a
    if b < a:
        return b
    if a == b:
        # Equal non-zeros are the same value; for zeros -(-a - b) is -0.0 unless both are +0.0.
        return a if a else -(-a - b)
    return a + b  # a NaN operand: the sum is a quiet NaN carrying its payload


def f64_max(a: float, b: float) -> float:
    if a > b:
        return a
    if b > a:
        return b
    if a == b:
        return a if a else a + b  # +0.0 unless both are -0.0
    return a + b


def f32_sqrt(x: float) -> float:
    if x >= 0.0:
        return f32_unpack(f32_pack(sqrt(x)))[0]  # cannot overflow: sqrt shrinks
    return x + 0.0 if x != x else NAN


def f32_add(a: float, b: float) -> float:
    return f32_round(a + b)


def f32_sub(a: float, b: float) -> float:
    return f32_round(a - b)


def f32_mul(a: float, b: float) -> float:
    return f32_round(a * b)


def f32_div(a: float, b: float) -> float:
    if b:
        return f32_round(a / b)
    return f64_div(a, b)  # ±inf, or a NaN in f32 form


f32_min = f64_min
f32_max = f64_max


# --- comparisons (Python's float comparisons are IEEE's: false with a NaN, except !=) -------------


def f64_eq(a: float, b: float) -> int:
    return 1 if a == b else 0


def f64_ne(a: float, b: float) -> int:
    return 1 if a != b else 0


def f64_lt(a: float, b: float) -> int:
    return 1 if a < b else 0


def f64_gt(a: float, b: float) -> int:
    return 1 if a > b else 0


def f64_le(a: float, b: float) -> int:
    return 1 if a <= b else 0


def f64_ge(a: float, b: float) -> int:
    return 1 if a >= b else 0


f32_eq = f64_eq
f32_ne = f64_ne
f32_lt = f64_lt
f32_gt = f64_gt
f32_le = f64_le
f32_ge = f64_ge


__all__ = [n for n in dir() if n[:4] in ("i32_", "i64_", "f32_", "f64_")]
