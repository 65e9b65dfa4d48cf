"""SIMD conversions between float and integer lanes: trunc_sat, convert, demote and promote.

Same technique as simd_float: lanes through ``struct``, in-range lanes inline, edge lanes (NaN,
out of range, overflow to infinity) through small helpers. Nothing here raises for any operand.
"""

from __future__ import annotations

import struct

from .simd_bits import F32x2, F32x4, F64x2, round_f32

_from_bytes = int.from_bytes  # bound once: the attribute look-up on `int` costs ~40 ns a call
_f32x4_pack = F32x4.pack
_f4_unpack = F32x4.unpack
_d2_pack = F64x2.pack
_d2_unpack = F64x2.unpack
_i4 = struct.Struct("<4i")
_I4 = struct.Struct("<4I")
_i2 = struct.Struct("<2i")
_I2 = struct.Struct("<2I")


def _trunc_sat_s32(x: float) -> int:
    if x != x:
        return 0
    if x >= 2147483647.0:
        return 2147483647
    if x <= -2147483648.0:
        return -2147483648
    return int(x)


def _trunc_sat_u32(x: float) -> int:
    if not x > 0.0:  # also NaN
        return 0
    if x >= 4294967295.0:
        return 4294967295
    return int(x)


# ---- conversions -------------------------------------------------------------------------------


def i32x4_trunc_sat_f32x4_s(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _i4.pack(
            (int(x0) if -2147483649.0 < x0 < 2147483648.0 else _trunc_sat_s32(x0)),
            (int(x1) if -2147483649.0 < x1 < 2147483648.0 else _trunc_sat_s32(x1)),
            (int(x2) if -2147483649.0 < x2 < 2147483648.0 else _trunc_sat_s32(x2)),
            (int(x3) if -2147483649.0 < x3 < 2147483648.0 else _trunc_sat_s32(x3)),
        ),
        "little",
    )


def i32x4_trunc_sat_f32x4_u(a: int) -> int:
    x0, x1, x2, x3 = _f4_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _I4.pack(
            (int(x0) if -1.0 < x0 < 4294967296.0 else _trunc_sat_u32(x0)),
            (int(x1) if -1.0 < x1 < 4294967296.0 else _trunc_sat_u32(x1)),
            (int(x2) if -1.0 < x2 < 4294967296.0 else _trunc_sat_u32(x2)),
            (int(x3) if -1.0 < x3 < 4294967296.0 else _trunc_sat_u32(x3)),
        ),
        "little",
    )


def i32x4_trunc_sat_f64x2_s_zero(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _i2.pack(
            (int(x0) if -2147483649.0 < x0 < 2147483648.0 else _trunc_sat_s32(x0)),
            (int(x1) if -2147483649.0 < x1 < 2147483648.0 else _trunc_sat_s32(x1)),
        ),
        "little",
    )


def i32x4_trunc_sat_f64x2_u_zero(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    return _from_bytes(
        _I2.pack(
            (int(x0) if -1.0 < x0 < 4294967296.0 else _trunc_sat_u32(x0)),
            (int(x1) if -1.0 < x1 < 4294967296.0 else _trunc_sat_u32(x1)),
        ),
        "little",
    )


def f32x4_convert_i32x4_s(a: int) -> int:
    # float(int) is exact for 32-bit ints; packing then rounds once to single.
    return _from_bytes(_f32x4_pack(*_i4.unpack(a.to_bytes(16, "little"))), "little")


def f32x4_convert_i32x4_u(a: int) -> int:
    return _from_bytes(_f32x4_pack(*_I4.unpack(a.to_bytes(16, "little"))), "little")


def f64x2_convert_low_i32x4_s(a: int) -> int:
    return _from_bytes(_d2_pack(*_i2.unpack_from(a.to_bytes(16, "little"))), "little")


def f64x2_convert_low_i32x4_u(a: int) -> int:
    return _from_bytes(_d2_pack(*_I2.unpack_from(a.to_bytes(16, "little"))), "little")


def f32x4_demote_f64x2_zero(a: int) -> int:
    x0, x1 = _d2_unpack(a.to_bytes(16, "little"))
    # CPython's C conversion quiets a signalling NaN, PyPy's struct keeps it: quiet it here (x + 0.0).
    if x0 != x0:
        x0 += 0.0
    if x1 != x1:
        x1 += 0.0
    try:
        return _from_bytes(F32x2.pack(x0, x1), "little")
    except OverflowError:
        return _from_bytes(F32x2.pack(round_f32(x0), round_f32(x1)), "little")


def f64x2_promote_low_f32x4(a: int) -> int:
    x0, x1 = F32x2.unpack_from(a.to_bytes(16, "little"))
    if x0 != x0:  # as in demote: PyPy's struct would keep a signalling NaN signalling
        x0 += 0.0
    if x1 != x1:
        x1 += 0.0
    return _from_bytes(_d2_pack(x0, x1), "little")
