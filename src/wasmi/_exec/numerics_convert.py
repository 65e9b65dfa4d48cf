"""Conversion instructions between integers and floats, and between f32 and f64.

Range tests are written on the real value before truncation: a float converts to a W-bit integer exactly
when ``MIN - 1 < x < MAX + 1``; NaN fails every comparison, so it falls to the slow path, which decides
between the two trap kinds.
"""

from __future__ import annotations

from ..errors import Trap, TrapCode
from .numerics_bits import f32_pack, f32_round, f32_unpack
from .numerics_int import I64_MAX, M32, M64, S32

_BAD = TrapCode.BadConversionToInteger
_OVERFLOW = TrapCode.IntegerOverflow

_TWO31 = 2147483648.0
_TWO32 = 4294967296.0
_TWO63 = 9223372036854775808.0
_TWO64 = 18446744073709551616.0


def _trunc_trap(x: float) -> Trap:
    return Trap(_BAD if x != x else _OVERFLOW)


# --- trapping truncation (the same bounds serve f32 operands, which are exact doubles) ------------


def i32_trunc_f64_s(x: float) -> int:
    """Truncate toward zero to a signed i32. Raises Trap(BadConversionToInteger) for NaN,
    Trap(IntegerOverflow) when out of range."""
    if -2147483649.0 < x < _TWO31:
        return int(x) & M32
    raise _trunc_trap(x)


def i32_trunc_f64_u(x: float) -> int:
    """Truncate toward zero to an unsigned i32. Raises Trap(BadConversionToInteger) for NaN,
    Trap(IntegerOverflow) when out of range."""
    if -1.0 < x < _TWO32:
        return int(x)
    raise _trunc_trap(x)


def i64_trunc_f64_s(x: float) -> int:
    """Truncate toward zero to a signed i64. Raises Trap(BadConversionToInteger) for NaN,
    Trap(IntegerOverflow) when out of range."""
    # No double lies strictly between -2**63 - 1 and -2**63, so >= is the exact lower bound.
    if -_TWO63 <= x < _TWO63:
        return int(x)
    raise _trunc_trap(x)


def i64_trunc_f64_u(x: float) -> int:
    """Truncate toward zero to an unsigned i64 (returned as a signed i64). Raises
    Trap(BadConversionToInteger) for NaN, Trap(IntegerOverflow) when out of range."""
    if -1.0 < x < _TWO64:
        n = int(x)
        return n - 0x10000000000000000 if n > I64_MAX else n
    raise _trunc_trap(x)


i32_trunc_f32_s = i32_trunc_f64_s
i32_trunc_f32_u = i32_trunc_f64_u
i64_trunc_f32_s = i64_trunc_f64_s
i64_trunc_f32_u = i64_trunc_f64_u


# --- saturating truncation (NaN gives 0) -----------------------------------------------------------


def i32_trunc_sat_f64_s(x: float) -> int:
    if -2147483649.0 < x < _TWO31:
        return int(x) & M32
    if x > 0.0:
        return 0x7FFFFFFF
    return S32 if x < 0.0 else 0


def i32_trunc_sat_f64_u(x: float) -> int:
    if -1.0 < x < _TWO32:
        return int(x)
    return M32 if x > 0.0 else 0


def i64_trunc_sat_f64_s(x: float) -> int:
    if -_TWO63 <= x < _TWO63:
        return int(x)
    if x > 0.0:
        return I64_MAX
    return -0x8000000000000000 if x < 0.0 else 0


def i64_trunc_sat_f64_u(x: float) -> int:
    if -1.0 < x < _TWO64:
        n = int(x)
        return n - 0x10000000000000000 if n > I64_MAX else n
    return -1 if x > 0.0 else 0


i32_trunc_sat_f32_s = i32_trunc_sat_f64_s
i32_trunc_sat_f32_u = i32_trunc_sat_f64_u
i64_trunc_sat_f32_s = i64_trunc_sat_f64_s
i64_trunc_sat_f32_u = i64_trunc_sat_f64_u


# --- integer to float --------------------------------------------------------------------------------


def f64_convert_i32_s(a: int) -> float:
    return float((a ^ S32) - S32)


def f64_convert_i32_u(a: int) -> float:
    return float(a)


def f64_convert_i64_s(a: int) -> float:
    return float(a)  # int -> float conversion rounds to nearest, ties to even


def f64_convert_i64_u(a: int) -> float:
    return float(a & M64) if a < 0 else float(a)


def f32_convert_i32_s(a: int) -> float:
    return f32_unpack(f32_pack(float((a ^ S32) - S32)))[0]  # the double is exact: one rounding


def f32_convert_i32_u(a: int) -> float:
    return f32_unpack(f32_pack(float(a)))[0]


def _int_to_f32(n: int) -> float:
    """Round an int of any size to the nearest single directly (ties to even); rounding through a
    double first could round twice. Raises nothing for |n| < 2**128."""
    m = -n if n < 0 else n
    shift = m.bit_length() - 24
    if shift <= 29:  # m < 2**53: float(m) is exact, so struct rounds only once
        return f32_unpack(f32_pack(float(n)))[0]
    q = m >> shift
    rest = m - (q << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and q & 1):
        q += 1
    r = float(q << shift)
    return -r if n < 0 else r


def f32_convert_i64_s(a: int) -> float:
    if -0x20000000000000 < a < 0x20000000000000:
        return f32_unpack(f32_pack(float(a)))[0]
    return _int_to_f32(a)


def f32_convert_i64_u(a: int) -> float:
    if 0 <= a < 0x20000000000000:
        return f32_unpack(f32_pack(float(a)))[0]
    return _int_to_f32(a & M64)


# --- f32 <-> f64 ----------------------------------------------------------------------------------------


f32_demote_f64 = f32_round


def f64_promote_f32(x: float) -> float:
    # The f32 form of a NaN is already a double NaN with the same payload; only a signalling one
    # must be quieted, which any arithmetic does (x + 0.0 keeps payload and sign).
    return x if x == x else x + 0.0


__all__ = [n for n in dir() if n[:4] in ("i32_", "i64_", "f32_", "f64_")]
