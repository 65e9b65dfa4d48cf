"""Float lane ops (f32x4, f64x2): arithmetic, min/max/pmin/pmax, comparisons, rounding, sqrt and
abs/neg (the conversions are in simd_convert).

Lanes are split with ``struct`` into Python floats (doubles). f32 lanes are computed in double and
rounded back to single when packed; for +, -, *, / and sqrt that double rounding is exact (53 >= 2*24+2
bits). ``struct``'s ``'<f'`` widening quiets signalling NaNs, and the C arithmetic returns a quieted
operand NaN or the (canonical) default NaN, which is exactly the freedom the spec's ``nans`` rule
gives arithmetic ops. Ops that must keep bits (abs, neg, pmin, pmax) work on the raw lane bits.

Python raises where IEEE returns a special value (``x / 0.0``, ``math.sqrt(-1.0)``, ``math.ceil(inf)``,
``struct.pack('<f', 1e39)``); the fast paths catch those and redo the vector on a lane-safe path, so
nothing here raises for any operand.
"""

from __future__ import annotations

import math
import sys
from typing import Callable

from .simd_bits import CANONICAL_NAN, M32, M64, F32x4, F64x2, H, pack_f32x4

_from_bytes = int.from_bytes  # bound once: the attribute look-up on `int` costs ~40 ns a call

_copysign = math.copysign
_ceil = math.ceil
_floor = math.floor
_sqrt: Callable[[float], float] = math.sqrt
if sys.implementation.name == "pypy":
    # PyPy's math.sqrt returns a signalling NaN operand as it is; the spec wants an arithmetic NaN.
    def _sqrt(x: float) -> float:  # noqa: F811
        return math.sqrt(x) if x == x else x + 0.0


_INF = math.inf
_BIG = 4503599627370496.0  # 2**52: every double at least this large is an integer
_S32 = H[32]
_S64 = H[64]
_NS32 = _S32 ^ ((1 << 128) - 1)
_NS64 = _S64 ^ ((1 << 128) - 1)
_L1, _L2, _L3 = M32 << 32, M32 << 64, M32 << 96
_Q1 = M64 << 64
_f32x4_pack = F32x4.pack
_f4_unpack = F32x4.unpack
_d2_pack = F64x2.pack
_d2_unpack = F64x2.unpack


# ---- lane helpers (the slow, always-defined paths) ---------------------------------------------


def _div(x: float, y: float) -> float:
    if y == 0.0:
        if x != x:
            return x + y
        if x == 0.0:
            return CANONICAL_NAN
        return _copysign(_INF, x) * _copysign(1.0, y)
    return x / y


def _sqrt_lane(x: float) -> float:
    if x < 0.0:
        return CANONICAL_NAN
    return _sqrt(x)


def _min(x: float, y: float) -> float:
    if x < y:
        return x
    if y < x:
        return y
    if x == y:
        # Equal: only the zeros differ, and min(-0, +0) is -0.
        return x if x != 0.0 or _copysign(1.0, x) < 0.0 else y
    return x + y  # a NaN operand: its quieted payload (canonical stays canonical)


def _max(x: float, y: float) -> float:
    if x > y:
        return x
    if y > x:
        return y
    if x == y:
        return x if x != 0.0 or _copysign(1.0, x) > 0.0 else y
    return x + y


# The rounding helpers: below 2**52 math gives the integer, copysign restores -0 for results that round
# to zero from a negative operand; everything else is already integral, infinite, or a NaN (quieted
# by the addition). The vector ops inline the faster float floor division instead for ceil/floor
# (`x // 1.0` is exact and keeps zero signs; only ±inf and NaN need the `x + 0.0` branch), and
# trunc_sat inlines int() for in-range lanes. nearest inlines the classic (x + 2**52) - 2**52, which
# the FPU rounds to the nearest integer, ties to even, exactly (zeros and the rest go to the helper).


def _ceil_lane(x: float) -> float:
    if -_BIG < x < _BIG:
        return _copysign(float(_ceil(x)), x)
    return x + 0.0


def _floor_lane(x: float) -> float:
    if -_BIG < x < _BIG:
        return _copysign(float(_floor(x)), x)
    return x + 0.0


def _trunc_lane(x: float) -> float:
    if -_BIG < x < _BIG:
        return _copysign(float(int(x)), x)
    return x + 0.0


def _nearest_lane(x: float) -> float:
    if -_BIG < x < _BIG:
        return _copysign(float(round(x)), x)  # round() on a float ties to even
    return x + 0.0


# ---- f32x4 arithmetic --------------------------------------------------------------------------
# The pack is inlined in the hot ops; struct raises OverflowError for a lane that rounds to infinity,
# and pack_f32x4 then rounds lane by lane.


def f32x4_add(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_f32x4_pack(x0 + y0, x1 + y1, x2 + y2, x3 + y3), "little")
    except OverflowError:
        return pack_f32x4(x0 + y0, x1 + y1, x2 + y2, x3 + y3)


def f32x4_sub(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_f32x4_pack(x0 - y0, x1 - y1, x2 - y2, x3 - y3), "little")
    except OverflowError:
        return pack_f32x4(x0 - y0, x1 - y1, x2 - y2, x3 - y3)


def f32x4_mul(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_f32x4_pack(x0 * y0, x1 * y1, x2 * y2, x3 * y3), "little")
    except OverflowError:
        return pack_f32x4(x0 * y0, x1 * y1, x2 * y2, x3 * y3)


def f32x4_div(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    try:
        return pack_f32x4(x0 / y0, x1 / y1, x2 / y2, x3 / y3)
    except ZeroDivisionError:
        return pack_f32x4(_div(x0, y0), _div(x1, y1), _div(x2, y2), _div(x3, y3))


def f32x4_sqrt(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    try:
        return pack_f32x4(_sqrt(x0), _sqrt(x1), _sqrt(x2), _sqrt(x3))
    except ValueError:
        return pack_f32x4(_sqrt_lane(x0), _sqrt_lane(x1), _sqrt_lane(x2), _sqrt_lane(x3))


def f32x4_min(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    # Ordered unequal lanes inline; equal lanes (±0) and NaNs go to the helper.
    return _from_bytes(
        _f32x4_pack(
            x0 if x0 < y0 else y0 if y0 < x0 else _min(x0, y0),
            x1 if x1 < y1 else y1 if y1 < x1 else _min(x1, y1),
            x2 if x2 < y2 else y2 if y2 < x2 else _min(x2, y2),
            x3 if x3 < y3 else y3 if y3 < x3 else _min(x3, y3),
        ),
        "little",
    )


def f32x4_max(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return _from_bytes(
        _f32x4_pack(
            x0 if x0 > y0 else y0 if y0 > x0 else _max(x0, y0),
            x1 if x1 > y1 else y1 if y1 > x1 else _max(x1, y1),
            x2 if x2 > y2 else y2 if y2 > x2 else _max(x2, y2),
            x3 if x3 > y3 else y3 if y3 > x3 else _max(x3, y3),
        ),
        "little",
    )


def f32x4_pmin(a: int, b: int) -> int:
    # b < a ? b : a, lane bits untouched (no NaN quieting): select on the raw ints.
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return a ^ (
        (a ^ b)
        & (
            (M32 if y0 < x0 else 0)
            | (_L1 if y1 < x1 else 0)
            | (_L2 if y2 < x2 else 0)
            | (_L3 if y3 < x3 else 0)
        )
    )


def f32x4_pmax(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return a ^ (
        (a ^ b)
        & (
            (M32 if x0 < y0 else 0)
            | (_L1 if x1 < y1 else 0)
            | (_L2 if x2 < y2 else 0)
            | (_L3 if x3 < y3 else 0)
        )
    )


def f32x4_abs(a: int) -> int:
    return a & _NS32


def f32x4_neg(a: int) -> int:
    return a ^ _S32


def f32x4_ceil(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _f32x4_pack(
            (-((-x0) // 1.0) if -_INF < x0 < _INF else x0 + 0.0),
            (-((-x1) // 1.0) if -_INF < x1 < _INF else x1 + 0.0),
            (-((-x2) // 1.0) if -_INF < x2 < _INF else x2 + 0.0),
            (-((-x3) // 1.0) if -_INF < x3 < _INF else x3 + 0.0),
        ),
        "little",
    )


def f32x4_floor(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _f32x4_pack(
            (x0 // 1.0 if -_INF < x0 < _INF else x0 + 0.0),
            (x1 // 1.0 if -_INF < x1 < _INF else x1 + 0.0),
            (x2 // 1.0 if -_INF < x2 < _INF else x2 + 0.0),
            (x3 // 1.0 if -_INF < x3 < _INF else x3 + 0.0),
        ),
        "little",
    )


def f32x4_trunc(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _f32x4_pack(_trunc_lane(x0), _trunc_lane(x1), _trunc_lane(x2), _trunc_lane(x3)), "little"
    )


def f32x4_nearest(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _f32x4_pack(
            (
                (x0 + _BIG) - _BIG
                if 0.0 < x0 < _BIG
                else -((_BIG - x0) - _BIG)
                if -_BIG < x0 < 0.0
                else _nearest_lane(x0)
            ),
            (
                (x1 + _BIG) - _BIG
                if 0.0 < x1 < _BIG
                else -((_BIG - x1) - _BIG)
                if -_BIG < x1 < 0.0
                else _nearest_lane(x1)
            ),
            (
                (x2 + _BIG) - _BIG
                if 0.0 < x2 < _BIG
                else -((_BIG - x2) - _BIG)
                if -_BIG < x2 < 0.0
                else _nearest_lane(x2)
            ),
            (
                (x3 + _BIG) - _BIG
                if 0.0 < x3 < _BIG
                else -((_BIG - x3) - _BIG)
                if -_BIG < x3 < 0.0
                else _nearest_lane(x3)
            ),
        ),
        "little",
    )


# ---- f32x4 comparisons -------------------------------------------------------------------------


def f32x4_eq(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return (
        (M32 if x0 == y0 else 0)
        | (_L1 if x1 == y1 else 0)
        | (_L2 if x2 == y2 else 0)
        | (_L3 if x3 == y3 else 0)
    )


def f32x4_ne(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return (
        (M32 if x0 != y0 else 0)
        | (_L1 if x1 != y1 else 0)
        | (_L2 if x2 != y2 else 0)
        | (_L3 if x3 != y3 else 0)
    )


def f32x4_lt(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return (
        (M32 if x0 < y0 else 0) | (_L1 if x1 < y1 else 0) | (_L2 if x2 < y2 else 0) | (_L3 if x3 < y3 else 0)
    )


def f32x4_gt(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return (
        (M32 if x0 > y0 else 0) | (_L1 if x1 > y1 else 0) | (_L2 if x2 > y2 else 0) | (_L3 if x3 > y3 else 0)
    )


def f32x4_le(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return (
        (M32 if x0 <= y0 else 0)
        | (_L1 if x1 <= y1 else 0)
        | (_L2 if x2 <= y2 else 0)
        | (_L3 if x3 <= y3 else 0)
    )


def f32x4_ge(a: int, b: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3 = _f4_unpack(b.to_bytes(16, "little"))
    return (
        (M32 if x0 >= y0 else 0)
        | (_L1 if x1 >= y1 else 0)
        | (_L2 if x2 >= y2 else 0)
        | (_L3 if x3 >= y3 else 0)
    )


# ---- f64x2 -------------------------------------------------------------------------------------


def f64x2_add(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return _from_bytes(_d2_pack(x0 + y0, x1 + y1), "little")


def f64x2_sub(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return _from_bytes(_d2_pack(x0 - y0, x1 - y1), "little")


def f64x2_mul(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return _from_bytes(_d2_pack(x0 * y0, x1 * y1), "little")


def f64x2_div(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_d2_pack(x0 / y0, x1 / y1), "little")
    except ZeroDivisionError:
        return _from_bytes(_d2_pack(_div(x0, y0), _div(x1, y1)), "little")


def f64x2_sqrt(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    try:
        return _from_bytes(_d2_pack(_sqrt(x0), _sqrt(x1)), "little")
    except ValueError:
        return _from_bytes(_d2_pack(_sqrt_lane(x0), _sqrt_lane(x1)), "little")


def f64x2_min(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return _from_bytes(
        _d2_pack(
            x0 if x0 < y0 else y0 if y0 < x0 else _min(x0, y0),
            x1 if x1 < y1 else y1 if y1 < x1 else _min(x1, y1),
        ),
        "little",
    )


def f64x2_max(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return _from_bytes(
        _d2_pack(
            x0 if x0 > y0 else y0 if y0 > x0 else _max(x0, y0),
            x1 if x1 > y1 else y1 if y1 > x1 else _max(x1, y1),
        ),
        "little",
    )


def f64x2_pmin(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return a ^ ((a ^ b) & ((M64 if y0 < x0 else 0) | (_Q1 if y1 < x1 else 0)))


def f64x2_pmax(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return a ^ ((a ^ b) & ((M64 if x0 < y0 else 0) | (_Q1 if x1 < y1 else 0)))


def f64x2_abs(a: int) -> int:
    return a & _NS64


def f64x2_neg(a: int) -> int:
    return a ^ _S64


def f64x2_ceil(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _d2_pack(
            (-((-x0) // 1.0) if -_INF < x0 < _INF else x0 + 0.0),
            (-((-x1) // 1.0) if -_INF < x1 < _INF else x1 + 0.0),
        ),
        "little",
    )


def f64x2_floor(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _d2_pack(
            (x0 // 1.0 if -_INF < x0 < _INF else x0 + 0.0), (x1 // 1.0 if -_INF < x1 < _INF else x1 + 0.0)
        ),
        "little",
    )


def f64x2_trunc(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    return _from_bytes(_d2_pack(_trunc_lane(x0), _trunc_lane(x1)), "little")


def f64x2_nearest(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _d2_pack(
            (
                (x0 + _BIG) - _BIG
                if 0.0 < x0 < _BIG
                else -((_BIG - x0) - _BIG)
                if -_BIG < x0 < 0.0
                else _nearest_lane(x0)
            ),
            (
                (x1 + _BIG) - _BIG
                if 0.0 < x1 < _BIG
                else -((_BIG - x1) - _BIG)
                if -_BIG < x1 < 0.0
                else _nearest_lane(x1)
            ),
        ),
        "little",
    )


def f64x2_eq(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return (M64 if x0 == y0 else 0) | (_Q1 if x1 == y1 else 0)


def f64x2_ne(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return (M64 if x0 != y0 else 0) | (_Q1 if x1 != y1 else 0)


def f64x2_lt(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return (M64 if x0 < y0 else 0) | (_Q1 if x1 < y1 else 0)


def f64x2_gt(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return (M64 if x0 > y0 else 0) | (_Q1 if x1 > y1 else 0)


def f64x2_le(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return (M64 if x0 <= y0 else 0) | (_Q1 if x1 <= y1 else 0)


def f64x2_ge(a: int, b: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    y0, y1 = _d2_unpack(b.to_bytes(16, "little"))
    return (M64 if x0 >= y0 else 0) | (_Q1 if x1 >= y1 else 0)
