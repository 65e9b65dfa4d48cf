"""Integer lane arithmetic on a v128 held as one int: add/sub/neg/abs, saturating add/sub, min/max,
avgr_u, comparisons, shifts and popcnt.

Most ops work on all lanes at once with masks (SWAR): lane carries are kept from crossing lane
borders by clearing the lanes' high bits before the add and restoring them with a xor. A comparison
first computes, per lane, its answer in the lane's high bit and then widens that bit to an all-ones
lane with ``(t << 1) - (t >> (w - 1))``. i64x2 order comparisons unpack their two lanes instead, and
byte-wise unary ops use ``bytes.translate``; each choice was measured (benchmarks/simd_kernel).
Functions are built per lane width by factories so the per-width constants are closure cells (cheaper
to load than globals). Nothing here raises for valid operands; shift counts are taken modulo the lane
width as the spec says.
"""

from __future__ import annotations

import struct
from typing import Callable

from .simd_bits import ALL, M64, SHL_MASK, SHR_MASK, H, L

_from_bytes = int.from_bytes  # bound once: the attribute look-up on `int` costs ~40 ns a call

_Fn = Callable[..., int]


def _named(shape: str, op: str, fn: _Fn) -> _Fn:
    fn.__name__ = fn.__qualname__ = f"{shape}_{op}"
    return fn


def _make_add(shape: str, w: int) -> _Fn:
    h, lo = H[w], L[w]

    def add(a: int, b: int) -> int:
        return ((a & lo) + (b & lo)) ^ ((a ^ b) & h)

    return _named(shape, "add", add)


def _make_sub(shape: str, w: int) -> _Fn:
    h, lo = H[w], L[w]

    def sub(a: int, b: int) -> int:
        # Setting each lane's high bit in `a` means no lane borrows from its neighbour; the xor then
        # fixes the high bits. Written without `~` (negative ints are slower in CPython).
        return ((a | h) - (b & lo)) ^ (((a ^ b) & h) ^ h)

    return _named(shape, "sub", sub)


def _make_neg(shape: str, w: int) -> _Fn:
    h, lo = H[w], L[w]

    def neg(a: int) -> int:
        return (h - (a & lo)) ^ ((a & h) ^ h)

    return _named(shape, "neg", neg)


def _make_abs(shape: str, w: int) -> _Fn:
    h, lo, top = H[w], L[w], w - 1

    def abs_(a: int) -> int:
        s = a & h
        m = (s << 1) - (s >> top)
        return a ^ ((a ^ ((h - (a & lo)) ^ (s ^ h))) & m)

    return _named(shape, "abs", abs_)


def _make_eq_ne(shape: str, w: int):
    h, lo, top = H[w], L[w], w - 1

    def eq(a: int, b: int) -> int:
        x = a ^ b
        t = (((x & lo) + lo) | x) & h  # high bit set in every lane that differs
        return ALL ^ ((t << 1) - (t >> top))

    def ne(a: int, b: int) -> int:
        x = a ^ b
        t = (((x & lo) + lo) | x) & h
        return (t << 1) - (t >> top)

    return _named(shape, "eq", eq), _named(shape, "ne", ne)


# Lane order a < b without a full subtraction: where the high bits differ, the lane with the high bit
# set is the larger (unsigned) or the smaller (signed); where they agree, a < b iff the low bits borrow,
# i.e. iff the high bit of (a | H) - (b & L) is clear. `t` collects that answer in each lane's high bit.


def _make_compares_u(shape: str, w: int):
    h, lo, top = H[w], L[w], w - 1

    def lt_u(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & b) | (c ^ (c & x))) & h
        return (t << 1) - (t >> top)

    def gt_u(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((b | h) - (a & lo)) & h)
        t = ((x & a) | (c ^ (c & x))) & h
        return (t << 1) - (t >> top)

    def le_u(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((b | h) - (a & lo)) & h)
        t = ((x & a) | (c ^ (c & x))) & h
        return ALL ^ ((t << 1) - (t >> top))

    def ge_u(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & b) | (c ^ (c & x))) & h
        return ALL ^ ((t << 1) - (t >> top))

    def min_u(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & b) | (c ^ (c & x))) & h
        return b ^ (x & ((t << 1) - (t >> top)))

    def max_u(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & b) | (c ^ (c & x))) & h
        return a ^ (x & ((t << 1) - (t >> top)))

    return tuple(_named(shape, fn.__name__, fn) for fn in (lt_u, gt_u, le_u, ge_u, min_u, max_u))


def _make_compares_s(shape: str, w: int):
    h, lo, top = H[w], L[w], w - 1

    def lt_s(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & a) | (c ^ (c & x))) & h
        return (t << 1) - (t >> top)

    def gt_s(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((b | h) - (a & lo)) & h)
        t = ((x & b) | (c ^ (c & x))) & h
        return (t << 1) - (t >> top)

    def le_s(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((b | h) - (a & lo)) & h)
        t = ((x & b) | (c ^ (c & x))) & h
        return ALL ^ ((t << 1) - (t >> top))

    def ge_s(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & a) | (c ^ (c & x))) & h
        return ALL ^ ((t << 1) - (t >> top))

    def min_s(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & a) | (c ^ (c & x))) & h
        return b ^ (x & ((t << 1) - (t >> top)))

    def max_s(a: int, b: int) -> int:
        x = a ^ b
        c = h ^ (((a | h) - (b & lo)) & h)
        t = ((x & a) | (c ^ (c & x))) & h
        return a ^ (x & ((t << 1) - (t >> top)))

    return tuple(_named(shape, fn.__name__, fn) for fn in (lt_s, gt_s, le_s, ge_s, min_s, max_s))


def _make_sat(shape: str, w: int):
    h, lo, top = H[w], L[w], w - 1

    def add_sat_u(a: int, b: int) -> int:
        s = ((a & lo) + (b & lo)) ^ ((a ^ b) & h)
        u = a | b
        t = ((a & b) | (u ^ (u & s))) & h  # carry out of each lane
        return s | ((t << 1) - (t >> top))

    def sub_sat_u(a: int, b: int) -> int:
        x = a ^ b
        d = ((a | h) - (b & lo)) ^ ((x & h) ^ h)
        t = ((x & b) | (d ^ (d & x))) & h  # borrow out of each lane
        m = (t << 1) - (t >> top)
        return d ^ (d & m)

    def add_sat_s(a: int, b: int) -> int:
        s = ((a & lo) + (b & lo)) ^ ((a ^ b) & h)
        t = (a ^ s) & (b ^ s) & h  # signed overflow: the sum's sign differs from both operands'
        m = (t << 1) - (t >> top)
        sat = lo + ((a & h) >> top)  # 0x7F… for positive a, 0x80… for negative (no carry: lo+1 == h)
        return s ^ ((s ^ sat) & m)

    def sub_sat_s(a: int, b: int) -> int:
        x = a ^ b
        d = ((a | h) - (b & lo)) ^ ((x & h) ^ h)
        t = x & (a ^ d) & h
        m = (t << 1) - (t >> top)
        sat = lo + ((a & h) >> top)
        return d ^ ((d ^ sat) & m)

    def avgr_u(a: int, b: int) -> int:
        # (a + b + 1) >> 1 == (a | b) - ((a ^ b) >> 1) per lane, and that subtraction never borrows.
        return (a | b) - (((a ^ b) >> 1) & lo)

    return (
        _named(shape, "add_sat_u", add_sat_u),
        _named(shape, "sub_sat_u", sub_sat_u),
        _named(shape, "add_sat_s", add_sat_s),
        _named(shape, "sub_sat_s", sub_sat_s),
        _named(shape, "avgr_u", avgr_u),
    )


def _make_shifts(shape: str, w: int):
    shl_masks, shr_masks = SHL_MASK[w], SHR_MASK[w]
    fill_masks = [ALL ^ m for m in shr_masks]  # the top k bits of every lane
    h, top, wm = H[w], w - 1, w - 1

    def shl(a: int, k: int) -> int:
        k &= wm
        return (a << k) & shl_masks[k]

    def shr_u(a: int, k: int) -> int:
        k &= wm
        return (a >> k) & shr_masks[k]

    def shr_s(a: int, k: int) -> int:
        k &= wm
        s = a & h
        return ((a >> k) & shr_masks[k]) | (((s << 1) - (s >> top)) & fill_masks[k])

    return _named(shape, "shl", shl), _named(shape, "shr_s", shr_s), _named(shape, "shr_u", shr_u)


i8x16_add = _make_add("i8x16", 8)
i16x8_add = _make_add("i16x8", 16)
i32x4_add = _make_add("i32x4", 32)
i64x2_add = _make_add("i64x2", 64)
i8x16_sub = _make_sub("i8x16", 8)
i16x8_sub = _make_sub("i16x8", 16)
i32x4_sub = _make_sub("i32x4", 32)
i64x2_sub = _make_sub("i64x2", 64)
i16x8_neg = _make_neg("i16x8", 16)
i32x4_neg = _make_neg("i32x4", 32)
i64x2_neg = _make_neg("i64x2", 64)
i16x8_abs = _make_abs("i16x8", 16)
i32x4_abs = _make_abs("i32x4", 32)
i64x2_abs = _make_abs("i64x2", 64)

i8x16_eq, i8x16_ne = _make_eq_ne("i8x16", 8)
i16x8_eq, i16x8_ne = _make_eq_ne("i16x8", 16)
i32x4_eq, i32x4_ne = _make_eq_ne("i32x4", 32)
i64x2_eq, i64x2_ne = _make_eq_ne("i64x2", 64)

i8x16_lt_s, i8x16_gt_s, i8x16_le_s, i8x16_ge_s, i8x16_min_s, i8x16_max_s = _make_compares_s("i8x16", 8)
i8x16_lt_u, i8x16_gt_u, i8x16_le_u, i8x16_ge_u, i8x16_min_u, i8x16_max_u = _make_compares_u("i8x16", 8)
i16x8_lt_s, i16x8_gt_s, i16x8_le_s, i16x8_ge_s, i16x8_min_s, i16x8_max_s = _make_compares_s("i16x8", 16)
i16x8_lt_u, i16x8_gt_u, i16x8_le_u, i16x8_ge_u, i16x8_min_u, i16x8_max_u = _make_compares_u("i16x8", 16)
i32x4_lt_s, i32x4_gt_s, i32x4_le_s, i32x4_ge_s, i32x4_min_s, i32x4_max_s = _make_compares_s("i32x4", 32)
i32x4_lt_u, i32x4_gt_u, i32x4_le_u, i32x4_ge_u, i32x4_min_u, i32x4_max_u = _make_compares_u("i32x4", 32)

i8x16_add_sat_u, i8x16_sub_sat_u, i8x16_add_sat_s, i8x16_sub_sat_s, i8x16_avgr_u = _make_sat("i8x16", 8)
i16x8_add_sat_u, i16x8_sub_sat_u, i16x8_add_sat_s, i16x8_sub_sat_s, i16x8_avgr_u = _make_sat("i16x8", 16)

i8x16_shl, i8x16_shr_s, i8x16_shr_u = _make_shifts("i8x16", 8)
i16x8_shl, i16x8_shr_s, i16x8_shr_u = _make_shifts("i16x8", 16)
i32x4_shl, i32x4_shr_s, i32x4_shr_u = _make_shifts("i32x4", 32)
i64x2_shl, i64x2_shr_s, i64x2_shr_u = _make_shifts("i64x2", 64)


# ---- byte-wise unary ops: one bytes.translate through a 256-entry table ------------------------

_NEG8 = bytes((-i) & 0xFF for i in range(256))
_ABS8 = bytes(i if i < 128 else (256 - i) & 0xFF for i in range(256))
_POPCNT8 = bytes(bin(i).count("1") for i in range(256))


def i8x16_neg(a: int) -> int:
    return _from_bytes(a.to_bytes(16, "little").translate(_NEG8), "little")


def i8x16_abs(a: int) -> int:
    return _from_bytes(a.to_bytes(16, "little").translate(_ABS8), "little")


def i8x16_popcnt(a: int) -> int:
    return _from_bytes(a.to_bytes(16, "little").translate(_POPCNT8), "little")


# ---- i64x2 order: with two lanes, comparing the unpacked lanes beats the SWAR borrow trick
# (measured 270 vs 320 ns for i64x2.lt_s; for i32x4 SWAR wins, 313 vs 379 ns) -----------------------

_Q0, _Q1 = M64, M64 << 64
_q2 = struct.Struct("<2q").unpack


def i64x2_lt_s(a: int, b: int) -> int:
    x0, x1 = _q2(a.to_bytes(16, "little"))
    y0, y1 = _q2(b.to_bytes(16, "little"))
    return (_Q0 if x0 < y0 else 0) | (_Q1 if x1 < y1 else 0)


def i64x2_gt_s(a: int, b: int) -> int:
    x0, x1 = _q2(a.to_bytes(16, "little"))
    y0, y1 = _q2(b.to_bytes(16, "little"))
    return (_Q0 if x0 > y0 else 0) | (_Q1 if x1 > y1 else 0)


def i64x2_le_s(a: int, b: int) -> int:
    x0, x1 = _q2(a.to_bytes(16, "little"))
    y0, y1 = _q2(b.to_bytes(16, "little"))
    return (_Q0 if x0 <= y0 else 0) | (_Q1 if x1 <= y1 else 0)


def i64x2_ge_s(a: int, b: int) -> int:
    x0, x1 = _q2(a.to_bytes(16, "little"))
    y0, y1 = _q2(b.to_bytes(16, "little"))
    return (_Q0 if x0 >= y0 else 0) | (_Q1 if x1 >= y1 else 0)
