"""Run-time helpers the generated code calls for the numeric operators that are not one Python
expression: f32 rounding and bit conversions (NaN payloads exact), float→int truncation (trapping and
saturating), min/max/nearest/ceil/floor/trunc with the spec's ±0 and NaN rules, integer division.

f32 values are Python floats holding an exact single-precision value. A NaN f32 with payload ``m`` is
the double NaN with the same sign and payload ``m << 29`` (the double's top mantissa bits), which is
what a hardware single→double conversion does for quiet NaNs — but done by hand, because C conversions
quiet signalling NaNs.
"""

from __future__ import annotations

import math
import struct

from ..errors import Trap, TrapCode

_F = struct.Struct("<f")
_D = struct.Struct("<d")
_I = struct.Struct("<I")
_Q = struct.Struct("<Q")
_q = struct.Struct("<q")
_pf, _uf = _F.pack, _F.unpack
_pd, _ud = _D.pack, _D.unpack
_pI, _uI = _I.pack, _I.unpack
_pQ, _uQ = _Q.pack, _Q.unpack
_pq, _uq = _q.pack, _q.unpack
INF = math.inf
NAN = math.nan
_copysign = math.copysign
_floor = math.floor
_ceil = math.ceil
_isfinite = math.isfinite


def f32r(x: float) -> float:
    """Round a double to the nearest single (ties to even); NaNs stay NaN (quieted)."""
    try:
        return _uf(_pf(x))[0]
    except OverflowError:
        return INF if x > 0 else -INF


def f32_from_bits(b: int) -> float:
    if (b & 0x7F800000) == 0x7F800000 and (b & 0x7FFFFF):
        return _ud(_pQ(((b & 0x80000000) << 32) | 0x7FF0000000000000 | ((b & 0x7FFFFF) << 29)))[0]
    return _uf(_pI(b))[0]


def f32_bits(x: float) -> int:
    if x != x:
        d = _uQ(_pd(x))[0]
        return ((d >> 32) & 0x80000000) | 0x7F800000 | ((d >> 29) & 0x7FFFFF)
    return _uI(_pf(x))[0]


def f64_from_bits(b: int) -> float:
    """``b`` is an i64 (signed) or u64."""
    return _ud(_pQ(b & 0xFFFFFFFFFFFFFFFF))[0]


def f64_bits_s(x: float) -> int:
    """The bits of a double as a signed i64."""
    return _uq(_pd(x))[0]


def f64_bits_u(x: float) -> int:
    return _uQ(_pd(x))[0]


def load_f32(mem: bytearray, a: int) -> float:
    x = _F.unpack_from(mem, a)[0]
    if x != x:
        return f32_from_bits(_I.unpack_from(mem, a)[0])
    return x


def store_f32(mem: bytearray, a: int, x: float) -> None:
    if x != x:
        _I.pack_into(mem, a, f32_bits(x))
    else:
        _F.pack_into(mem, a, x)


def fdiv(a: float, b: float) -> float:
    """a / b for b == ±0 (Python raises instead of giving inf/NaN)."""
    if a != a:
        return a + 0.0
    if a == 0.0 or b != b:
        return NAN if b == b else b + 0.0
    return INF if (_copysign(1.0, a) * _copysign(1.0, b)) > 0 else -INF


def fsqrt(x: float) -> float:
    if x >= 0.0 or x != x:
        return math.sqrt(x)
    return NAN


def fmin(a: float, b: float) -> float:
    if a != a or b != b:
        return a + b
    if a == b:
        # -0 is smaller than +0
        return a if _copysign(1.0, a) < 0 else b
    return a if a < b else b


def fmax(a: float, b: float) -> float:
    if a != a or b != b:
        return a + b
    if a == b:
        return b if _copysign(1.0, a) < 0 else a
    return a if a > b else b


def fceil(x: float) -> float:
    if not _isfinite(x):
        return x + 0.0 if x != x else x
    return _copysign(float(_ceil(x)), x)


def ffloor(x: float) -> float:
    if not _isfinite(x):
        return x + 0.0 if x != x else x
    return _copysign(float(_floor(x)), x)


def ftrunc(x: float) -> float:
    if not _isfinite(x):
        return x + 0.0 if x != x else x
    return _copysign(float(math.trunc(x)), x)


def fnearest(x: float) -> float:
    if not _isfinite(x):
        return x + 0.0 if x != x else x
    if abs(x) >= 4503599627370496.0:
        return x
    return _copysign(float(round(x)), x)


def _trunc_checked(x: float, lo: int, hi: int) -> int:
    """Truncate toward zero; trap unless the result is in [lo, hi]."""
    if x != x:
        raise Trap(TrapCode.BadConversionToInteger)
    if x == INF or x == -INF:
        raise Trap(TrapCode.IntegerOverflow)
    r = math.trunc(x)
    if r < lo or r > hi:
        raise Trap(TrapCode.IntegerOverflow)
    return r


def i32_trunc_s(x: float) -> int:
    return _trunc_checked(x, -0x80000000, 0x7FFFFFFF) & 0xFFFFFFFF


def i32_trunc_u(x: float) -> int:
    return _trunc_checked(x, 0, 0xFFFFFFFF)


def i64_trunc_s(x: float) -> int:
    return _trunc_checked(x, -0x8000000000000000, 0x7FFFFFFFFFFFFFFF)


def i64_trunc_u(x: float) -> int:
    r = _trunc_checked(x, 0, 0xFFFFFFFFFFFFFFFF)
    return r - 0x10000000000000000 if r >= 0x8000000000000000 else r


def _sat(x: float, lo: int, hi: int) -> int:
    if x != x:
        return 0
    if x >= hi:
        return hi
    if x <= lo:
        return lo
    r = math.trunc(x)
    return hi if r > hi else lo if r < lo else r


def i32_trunc_sat_s(x: float) -> int:
    return _sat(x, -0x80000000, 0x7FFFFFFF) & 0xFFFFFFFF


def i32_trunc_sat_u(x: float) -> int:
    return _sat(x, 0, 0xFFFFFFFF)


def i64_trunc_sat_s(x: float) -> int:
    return _sat(x, -0x8000000000000000, 0x7FFFFFFFFFFFFFFF)


def i64_trunc_sat_u(x: float) -> int:
    r = _sat(x, 0, 0xFFFFFFFFFFFFFFFF)
    return r - 0x10000000000000000 if r >= 0x8000000000000000 else r


def f32_convert_int(v: int) -> float:
    """Int → nearest single, correctly rounded (a double conversion first would round twice)."""
    if v == 0:
        return 0.0
    a = -v if v < 0 else v
    n = a.bit_length()
    if n > 24:
        shift = n - 24
        q = a >> shift
        rem = a - (q << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and (q & 1)):
            q += 1
        f = math.ldexp(float(q), shift)
    else:
        f = float(a)
    return -f if v < 0 else f


def f64_convert_int(v: int) -> float:
    # Python's int → float conversion rounds to nearest, ties to even.
    return float(v)


def i32_div_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    if a == 0x80000000 and b == 0xFFFFFFFF:
        raise Trap(TrapCode.IntegerOverflow)
    sa = a - 0x100000000 if a & 0x80000000 else a
    sb = b - 0x100000000 if b & 0x80000000 else b
    q = abs(sa) // abs(sb)
    return (q if (sa < 0) == (sb < 0) else -q) & 0xFFFFFFFF


def i32_rem_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    sa = a - 0x100000000 if a & 0x80000000 else a
    sb = b - 0x100000000 if b & 0x80000000 else b
    r = abs(sa) % abs(sb)
    return (-r if sa < 0 else r) & 0xFFFFFFFF


def i32_div_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    return a // b


def i32_rem_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    return a % b


def i64_div_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    if a == -0x8000000000000000 and b == -1:
        raise Trap(TrapCode.IntegerOverflow)
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def i64_rem_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def i64_div_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    r = (a & 0xFFFFFFFFFFFFFFFF) // (b & 0xFFFFFFFFFFFFFFFF)
    return r - 0x10000000000000000 if r >= 0x8000000000000000 else r


def i64_rem_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(TrapCode.IntegerDivisionByZero)
    r = (a & 0xFFFFFFFFFFFFFFFF) % (b & 0xFFFFFFFFFFFFFFFF)
    return r - 0x10000000000000000 if r >= 0x8000000000000000 else r


def popcnt(a: int) -> int:
    return bin(a & 0xFFFFFFFFFFFFFFFF).count("1")


def i32_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 32


def i64_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 64


def i64_clz(a: int) -> int:
    return 64 - (a & 0xFFFFFFFFFFFFFFFF).bit_length()
