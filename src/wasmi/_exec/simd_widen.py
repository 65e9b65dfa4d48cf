"""Integer SIMD ops whose lanes change width or need a real multiply: mul, narrow, extend, extmul,
extadd_pairwise, dot and q15mulr_sat_s.

These cannot be done on the whole int with masks, so the vector is split with ``struct`` into
Python ints (one C call for all lanes) and joined the same way. Every product and sum is chosen so
that it fits the packing format without masking where the spec guarantees it (e.g. an i8*i8 product
always fits an i16). Nothing here raises for valid operands.
"""

from __future__ import annotations

import struct

from .simd_bits import (
    M32,
    M64,
    I8x8 as _b8,
    I8x16 as _b16,
    I16x4 as _h4,
    I16x8 as _h8,
    I32x2 as _i2,
    I32x4 as _i4,
    I64x2 as _q2,
    U8x8 as _B8,
    U8x16 as _B16,
    U16x4 as _H4,
    U16x8 as _H8,
    U32x2 as _I2,
    U32x4 as _I4,
    U64x2 as _Q2,
)

_from_bytes = int.from_bytes  # bound once: the attribute look-up on `int` costs ~40 ns a call

# Bound struct methods: one global load per call instead of a global plus an attribute look-up.
_B16_pack = _B16.pack
_B16_unpack = _B16.unpack
_B8_unpack_from = _B8.unpack_from
_H4_unpack_from = _H4.unpack_from
_H8_pack = _H8.pack
_H8_unpack = _H8.unpack
_I4_pack = _I4.pack
_b16_pack = _b16.pack
_b16_unpack = _b16.unpack
_b8_unpack_from = _b8.unpack_from
_h4_unpack_from = _h4.unpack_from
_h8_pack = _h8.pack
_h8_unpack = _h8.unpack
_i4_pack = _i4.pack
_i4_unpack = _i4.unpack


# ---- mul ---------------------------------------------------------------------------------------


# Lanes unpacked into named locals and packed back in one call: about half the cost of a comprehension.


def i16x8_mul(a: int, b: int) -> int:
    x0, x1, x2, x3, x4, x5, x6, x7 = _H8_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3, y4, y5, y6, y7 = _H8_unpack(b.to_bytes(16, "little"))
    return _from_bytes(
        _H8_pack(
            x0 * y0 & 0xFFFF,
            x1 * y1 & 0xFFFF,
            x2 * y2 & 0xFFFF,
            x3 * y3 & 0xFFFF,
            x4 * y4 & 0xFFFF,
            x5 * y5 & 0xFFFF,
            x6 * y6 & 0xFFFF,
            x7 * y7 & 0xFFFF,
        ),
        "little",
    )


def i32x4_mul(a: int, b: int) -> int:
    # Four explicit lanes beat struct round trips here (measured: about equal, and no temporaries).
    return (
        ((a & M32) * (b & M32) & M32)
        | (((a >> 32 & M32) * (b >> 32 & M32) & M32) << 32)
        | (((a >> 64 & M32) * (b >> 64 & M32) & M32) << 64)
        | (((a >> 96) * (b >> 96) & M32) << 96)
    )


def i64x2_mul(a: int, b: int) -> int:
    return ((a & M64) * (b & M64) & M64) | (((a >> 64) * (b >> 64) & M64) << 64)


# ---- narrow (signed saturation of both operands' lanes, a's lanes first) -----------------------
# struct refuses out-of-range lanes, so packing the unclamped lanes is the fast path for the common
# in-range case; only on struct.error are the lanes clamped one by one.


def i8x16_narrow_i16x8_s(a: int, b: int) -> int:
    lanes = _h8_unpack(a.to_bytes(16, "little")) + _h8_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_b16_pack(*lanes), "little")
    except struct.error:
        return _from_bytes(_b16_pack(*[-128 if x < -128 else 127 if x > 127 else x for x in lanes]), "little")


def i8x16_narrow_i16x8_u(a: int, b: int) -> int:
    lanes = _h8_unpack(a.to_bytes(16, "little")) + _h8_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_B16_pack(*lanes), "little")
    except struct.error:
        return _from_bytes(_B16_pack(*[0 if x < 0 else 255 if x > 255 else x for x in lanes]), "little")


def i16x8_narrow_i32x4_s(a: int, b: int) -> int:
    lanes = _i4_unpack(a.to_bytes(16, "little")) + _i4_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_h8_pack(*lanes), "little")
    except struct.error:
        return _from_bytes(
            _h8_pack(*[-32768 if x < -32768 else 32767 if x > 32767 else x for x in lanes]), "little"
        )


def i16x8_narrow_i32x4_u(a: int, b: int) -> int:
    lanes = _i4_unpack(a.to_bytes(16, "little")) + _i4_unpack(b.to_bytes(16, "little"))
    try:
        return _from_bytes(_H8_pack(*lanes), "little")
    except struct.error:
        return _from_bytes(_H8_pack(*[0 if x < 0 else 65535 if x > 65535 else x for x in lanes]), "little")


# ---- extend ------------------------------------------------------------------------------------


def i16x8_extend_low_i8x16_s(a: int) -> int:
    return _from_bytes(_h8_pack(*_b8_unpack_from(a.to_bytes(16, "little"), 0)), "little")


def i16x8_extend_high_i8x16_s(a: int) -> int:
    return _from_bytes(_h8_pack(*_b8_unpack_from(a.to_bytes(16, "little"), 8)), "little")


def i16x8_extend_low_i8x16_u(a: int) -> int:
    return _from_bytes(_H8_pack(*_B8_unpack_from(a.to_bytes(16, "little"), 0)), "little")


def i16x8_extend_high_i8x16_u(a: int) -> int:
    return _from_bytes(_H8_pack(*_B8_unpack_from(a.to_bytes(16, "little"), 8)), "little")


def i32x4_extend_low_i16x8_s(a: int) -> int:
    return _from_bytes(_i4_pack(*_h4_unpack_from(a.to_bytes(16, "little"), 0)), "little")


def i32x4_extend_high_i16x8_s(a: int) -> int:
    return _from_bytes(_i4_pack(*_h4_unpack_from(a.to_bytes(16, "little"), 8)), "little")


def i32x4_extend_low_i16x8_u(a: int) -> int:
    return _from_bytes(_I4_pack(*_H4_unpack_from(a.to_bytes(16, "little"), 0)), "little")


def i32x4_extend_high_i16x8_u(a: int) -> int:
    return _from_bytes(_I4_pack(*_H4_unpack_from(a.to_bytes(16, "little"), 8)), "little")


def i64x2_extend_low_i32x4_s(a: int) -> int:
    x = a & M32
    y = (a >> 32) & M32
    return (x | (0xFFFFFFFF00000000 if x >> 31 else 0)) | ((y | (0xFFFFFFFF00000000 if y >> 31 else 0)) << 64)


def i64x2_extend_high_i32x4_s(a: int) -> int:
    x = (a >> 64) & M32
    y = a >> 96
    return (x | (0xFFFFFFFF00000000 if x >> 31 else 0)) | ((y | (0xFFFFFFFF00000000 if y >> 31 else 0)) << 64)


def i64x2_extend_low_i32x4_u(a: int) -> int:
    return (a & M32) | (((a >> 32) & M32) << 64)


def i64x2_extend_high_i32x4_u(a: int) -> int:
    return ((a >> 64) & M32) | ((a >> 96) << 64)


# ---- extmul: products of the extended halves always fit the wide lane --------------------------


def _make_extmul(name: str, src: struct.Struct, dst: struct.Struct, offset: int):
    n = int(src.format[1:-1])  # lanes in one half: "<8b" -> 8
    unpack_from, pack = src.unpack_from, dst.pack

    if n == 8:

        def extmul(a: int, b: int) -> int:
            x0, x1, x2, x3, x4, x5, x6, x7 = unpack_from(a.to_bytes(16, "little"), offset)
            y0, y1, y2, y3, y4, y5, y6, y7 = unpack_from(b.to_bytes(16, "little"), offset)
            return _from_bytes(
                pack(x0 * y0, x1 * y1, x2 * y2, x3 * y3, x4 * y4, x5 * y5, x6 * y6, x7 * y7), "little"
            )

    elif n == 4:

        def extmul(a: int, b: int) -> int:
            x0, x1, x2, x3 = unpack_from(a.to_bytes(16, "little"), offset)
            y0, y1, y2, y3 = unpack_from(b.to_bytes(16, "little"), offset)
            return _from_bytes(pack(x0 * y0, x1 * y1, x2 * y2, x3 * y3), "little")

    else:

        def extmul(a: int, b: int) -> int:
            x0, x1 = unpack_from(a.to_bytes(16, "little"), offset)
            y0, y1 = unpack_from(b.to_bytes(16, "little"), offset)
            return _from_bytes(pack(x0 * y0, x1 * y1), "little")

    extmul.__name__ = extmul.__qualname__ = name
    return extmul


i16x8_extmul_low_i8x16_s = _make_extmul("i16x8_extmul_low_i8x16_s", _b8, _h8, 0)
i16x8_extmul_high_i8x16_s = _make_extmul("i16x8_extmul_high_i8x16_s", _b8, _h8, 8)
i16x8_extmul_low_i8x16_u = _make_extmul("i16x8_extmul_low_i8x16_u", _B8, _H8, 0)
i16x8_extmul_high_i8x16_u = _make_extmul("i16x8_extmul_high_i8x16_u", _B8, _H8, 8)
i32x4_extmul_low_i16x8_s = _make_extmul("i32x4_extmul_low_i16x8_s", _h4, _i4, 0)
i32x4_extmul_high_i16x8_s = _make_extmul("i32x4_extmul_high_i16x8_s", _h4, _i4, 8)
i32x4_extmul_low_i16x8_u = _make_extmul("i32x4_extmul_low_i16x8_u", _H4, _I4, 0)
i32x4_extmul_high_i16x8_u = _make_extmul("i32x4_extmul_high_i16x8_u", _H4, _I4, 8)
i64x2_extmul_low_i32x4_s = _make_extmul("i64x2_extmul_low_i32x4_s", _i2, _q2, 0)
i64x2_extmul_high_i32x4_s = _make_extmul("i64x2_extmul_high_i32x4_s", _i2, _q2, 8)
i64x2_extmul_low_i32x4_u = _make_extmul("i64x2_extmul_low_i32x4_u", _I2, _Q2, 0)
i64x2_extmul_high_i32x4_u = _make_extmul("i64x2_extmul_high_i32x4_u", _I2, _Q2, 8)


# ---- pairwise sums, dot product, q15 multiply --------------------------------------------------


def i16x8_extadd_pairwise_i8x16_s(a: int) -> int:
    x = _b16_unpack(a.to_bytes(16, "little"))
    return _from_bytes(_h8_pack(*[p + q for p, q in zip(x[0::2], x[1::2])]), "little")


def i16x8_extadd_pairwise_i8x16_u(a: int) -> int:
    x = _B16_unpack(a.to_bytes(16, "little"))
    return _from_bytes(_H8_pack(*[p + q for p, q in zip(x[0::2], x[1::2])]), "little")


def i32x4_extadd_pairwise_i16x8_s(a: int) -> int:
    x0, x1, x2, x3, x4, x5, x6, x7 = _h8_unpack(a.to_bytes(16, "little"))
    return _from_bytes(_i4_pack(x0 + x1, x2 + x3, x4 + x5, x6 + x7), "little")


def i32x4_extadd_pairwise_i16x8_u(a: int) -> int:
    x0, x1, x2, x3, x4, x5, x6, x7 = _H8_unpack(a.to_bytes(16, "little"))
    return _from_bytes(_I4_pack(x0 + x1, x2 + x3, x4 + x5, x6 + x7), "little")


def i32x4_dot_i16x8_s(a: int, b: int) -> int:
    x0, x1, x2, x3, x4, x5, x6, x7 = _h8_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3, y4, y5, y6, y7 = _h8_unpack(b.to_bytes(16, "little"))
    # Only (-32768 * -32768) * 2 overflows an i32; the spec wraps it.
    return _from_bytes(
        _I4_pack(
            (x0 * y0 + x1 * y1) & M32,
            (x2 * y2 + x3 * y3) & M32,
            (x4 * y4 + x5 * y5) & M32,
            (x6 * y6 + x7 * y7) & M32,
        ),
        "little",
    )


def i16x8_q15mulr_sat_s(a: int, b: int) -> int:
    x0, x1, x2, x3, x4, x5, x6, x7 = _h8_unpack(a.to_bytes(16, "little"))
    y0, y1, y2, y3, y4, y5, y6, y7 = _h8_unpack(b.to_bytes(16, "little"))
    # Only -32768 * -32768 rounds to 32768, one past the top; struct refuses it, and then the slow
    # path clamps.
    try:
        return _from_bytes(
            _h8_pack(
                (x0 * y0 + 0x4000) >> 15,
                (x1 * y1 + 0x4000) >> 15,
                (x2 * y2 + 0x4000) >> 15,
                (x3 * y3 + 0x4000) >> 15,
                (x4 * y4 + 0x4000) >> 15,
                (x5 * y5 + 0x4000) >> 15,
                (x6 * y6 + 0x4000) >> 15,
                (x7 * y7 + 0x4000) >> 15,
            ),
            "little",
        )
    except struct.error:  # a lane hit 32768
        xs = (x0, x1, x2, x3, x4, x5, x6, x7)
        ys = (y0, y1, y2, y3, y4, y5, y6, y7)
        return _from_bytes(_h8_pack(*[min((p * q + 0x4000) >> 15, 32767) for p, q in zip(xs, ys)]), "little")
