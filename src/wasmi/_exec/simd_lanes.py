"""SIMD lane access and whole-vector bit operations: splat, extract/replace lane, shuffle, swizzle,
the v128 bitwise ops, any_true/all_true and bitmask.

Lane indices are the validated immediates (``0 <= lane < lanes``); scalars follow the engine's value
representation (see simd_bits). No function here raises for valid operands.
"""

from __future__ import annotations

from typing import Sequence

from .simd_bits import ALL, F32, F64, KEEP, LSB, M32, M64, U32, U64, H, L, f32_from_bits, f32_to_bits

_from_bytes = int.from_bytes  # bound once: the attribute look-up on `int` costs ~40 ns a call
# Bound struct methods: one global load per call instead of a global plus an attribute look-up.
_F64_pack = F64.pack
_F64_unpack = F64.unpack
_U64_pack = U64.pack
_U64_unpack = U64.unpack

_LSB8, _LSB16, _LSB32, _LSB64 = LSB[8], LSB[16], LSB[32], LSB[64]
_f32_pack, _f32_unpack, _u32_pack, _u32_unpack = F32.pack, F32.unpack, U32.pack, U32.unpack
_KEEP8, _KEEP16, _KEEP32, _KEEP64 = KEEP[8], KEEP[16], KEEP[32], KEEP[64]
_PAD224 = bytes(224)
_PAD240 = bytes(240)


# ---- splat -------------------------------------------------------------------------------------


def i8x16_splat(x: int) -> int:
    return (x & 0xFF) * _LSB8


def i16x8_splat(x: int) -> int:
    return (x & 0xFFFF) * _LSB16


def i32x4_splat(x: int) -> int:
    return (x & M32) * _LSB32


def i64x2_splat(x: int) -> int:
    return (x & M64) * _LSB64


def f32x4_splat(x: float) -> int:
    if x == x:
        return _u32_unpack(_f32_pack(x))[0] * _LSB32
    return f32_to_bits(x) * _LSB32


def f64x2_splat(x: float) -> int:
    return _U64_unpack(_F64_pack(x))[0] * _LSB64


# ---- extract_lane / replace_lane ---------------------------------------------------------------


def i8x16_extract_lane_s(v: int, lane: int) -> int:
    x = (v >> (lane << 3)) & 0xFF
    return x | 0xFFFFFF00 if x & 0x80 else x


def i8x16_extract_lane_u(v: int, lane: int) -> int:
    return (v >> (lane << 3)) & 0xFF


def i16x8_extract_lane_s(v: int, lane: int) -> int:
    x = (v >> (lane << 4)) & 0xFFFF
    return x | 0xFFFF0000 if x & 0x8000 else x


def i16x8_extract_lane_u(v: int, lane: int) -> int:
    return (v >> (lane << 4)) & 0xFFFF


def i32x4_extract_lane(v: int, lane: int) -> int:
    return (v >> (lane << 5)) & M32


def i64x2_extract_lane(v: int, lane: int) -> int:
    x = (v >> (lane << 6)) & M64
    return x - 0x10000000000000000 if x >> 63 else x


def f32x4_extract_lane(v: int, lane: int) -> float:
    b = (v >> (lane << 5)) & M32
    if b & 0x7F800000 != 0x7F800000:  # not inf/NaN: struct widens it exactly
        return _f32_unpack(_u32_pack(b))[0]
    return f32_from_bits(b)


def f64x2_extract_lane(v: int, lane: int) -> float:
    return _F64_unpack(_U64_pack((v >> (lane << 6)) & M64))[0]


def i8x16_replace_lane(v: int, lane: int, x: int) -> int:
    s = lane << 3
    return (v & _KEEP8[lane]) | ((x & 0xFF) << s)


def i16x8_replace_lane(v: int, lane: int, x: int) -> int:
    s = lane << 4
    return (v & _KEEP16[lane]) | ((x & 0xFFFF) << s)


def i32x4_replace_lane(v: int, lane: int, x: int) -> int:
    s = lane << 5
    return (v & _KEEP32[lane]) | ((x & M32) << s)


def i64x2_replace_lane(v: int, lane: int, x: int) -> int:
    s = lane << 6
    return (v & _KEEP64[lane]) | ((x & M64) << s)


def f32x4_replace_lane(v: int, lane: int, x: float) -> int:
    s = lane << 5
    return (v & _KEEP32[lane]) | ((_u32_unpack(_f32_pack(x))[0] if x == x else f32_to_bits(x)) << s)


def f64x2_replace_lane(v: int, lane: int, x: float) -> int:
    s = lane << 6
    return (v & _KEEP64[lane]) | (_U64_unpack(_F64_pack(x))[0] << s)


# ---- shuffle / swizzle: bytes.translate is a 16-lane table look-up in C ------------------------


def i8x16_shuffle(a: int, b: int, lanes: Sequence[int]) -> int:
    """Lanes 0-15 pick from ``a``, 16-31 from ``b``. ``lanes`` may be bytes (fastest) or 16 ints < 32.

    Raises ValueError if ``lanes`` holds ints outside 0..255 (validation rules out anything >= 32).
    """
    table = a.to_bytes(16, "little") + b.to_bytes(16, "little") + _PAD224
    return _from_bytes(bytes(lanes).translate(table), "little")


def i8x16_swizzle(a: int, s: int) -> int:
    # Indices >= 16 select zero: the table's tail is zeros.
    return _from_bytes(s.to_bytes(16, "little").translate(a.to_bytes(16, "little") + _PAD240), "little")


# ---- bitwise -----------------------------------------------------------------------------------


def v128_not(a: int) -> int:
    return a ^ ALL


def v128_and(a: int, b: int) -> int:
    return a & b


def v128_andnot(a: int, b: int) -> int:
    return a ^ (a & b)


def v128_or(a: int, b: int) -> int:
    return a | b


def v128_xor(a: int, b: int) -> int:
    return a ^ b


def v128_bitselect(a: int, b: int, c: int) -> int:
    return b ^ ((a ^ b) & c)


def v128_any_true(a: int) -> int:
    return 1 if a else 0


# ---- all_true: a lane is non-zero iff adding L to its low bits carries into, or it has, the H bit --


def _make_all_true(shape: str, w: int):
    h, lo = H[w], L[w]

    def all_true(a: int) -> int:
        return 1 if (((a & lo) + lo) | a) & h == h else 0

    all_true.__name__ = all_true.__qualname__ = shape + "_all_true"
    return all_true


i8x16_all_true = _make_all_true("i8x16", 8)
i16x8_all_true = _make_all_true("i16x8", 16)
i32x4_all_true = _make_all_true("i32x4", 32)
i64x2_all_true = _make_all_true("i64x2", 64)


# ---- bitmask: one multiply gathers the sign bits (the partial products never collide, so no carry
# reaches the gathered window) ---------------------------------------------------------------------

_GATHER8 = 0x0102040810204080  # bits at 8i (i < 8) -> bits 56 + i
_GATHER16 = sum(1 << (105 - 15 * k) for k in range(8))  # bits at 16i (i < 8) -> bits 105 + i


def i8x16_bitmask(a: int) -> int:
    x = (a >> 7) & _LSB8
    return (((x & M64) * _GATHER8 >> 56) & 0xFF) | ((((x >> 64) * _GATHER8) >> 48) & 0xFF00)


def i16x8_bitmask(a: int) -> int:
    return (((a >> 15) & _LSB16) * _GATHER16 >> 105) & 0xFF


def i32x4_bitmask(a: int) -> int:
    return ((a >> 31) & 1) | ((a >> 62) & 2) | ((a >> 93) & 4) | ((a >> 124) & 8)


def i64x2_bitmask(a: int) -> int:
    return ((a >> 63) & 1) | ((a >> 126) & 2)
