"""Bit-exact conversions between IEEE bit patterns and the engine's float values, and f32 rounding.

Representation (docs/RATIONALE.md, "Why f32 as a float with NaN payloads in the mantissa?"): an f64 is a
Python float with its exact bits; an f32 is a Python float holding a value that single precision can
represent exactly. An f32 NaN with bits ``s | 0x7F800000 | m`` is the double with bits
``s << 32 | 0x7FF0000000000000 | m << 29``; this is what the hardware's float→double conversion gives for a
quiet NaN, and it keeps signalling payloads too (the hardware conversion would quiet them). So only NaNs
need a slow path here; every other value goes through one struct call.
"""

from __future__ import annotations

import struct
from typing import Union

Buffer = Union[bytearray, memoryview]

_F = struct.Struct("<f")
_D = struct.Struct("<d")
_I = struct.Struct("<I")
_Q = struct.Struct("<Q")
_q = struct.Struct("<q")

# Bound methods as module globals: one global load per use instead of an attribute look-up.
f32_pack = _F.pack
f32_unpack = _F.unpack
_f32_unpack_from = _F.unpack_from
_f32_pack_into = _F.pack_into
_f64_pack = _D.pack
_f64_unpack = _D.unpack
_u32_pack = _I.pack
_u32_unpack = _I.unpack
_u32_unpack_from = _I.unpack_from
_u32_pack_into = _I.pack_into
_u64_pack = _Q.pack
_u64_unpack = _Q.unpack
_s64_pack = _q.pack
_s64_unpack = _q.unpack

# load_f64/store_f64 are plain struct calls: CPython and PyPy copy the 8 bytes, NaN payloads included.
f64_load_from = _D.unpack_from
f64_store_into = _D.pack_into

INF = float("inf")
NAN = float("nan")  # bits 0x7FF8000000000000: the canonical NaN of both f64 and (as 0x7FC00000) f32

# Doubles in (-F32_ROUND_LIMIT, F32_ROUND_LIMIT) round to a finite single; at and beyond it (the midpoint
# between FLT_MAX and 2**128, which ties to the even 2**128) they round to infinity.
F32_ROUND_LIMIT = 3.4028235677973366e38


def f32_round(x: float) -> float:
    """Round a double to the nearest single (ties to even), overflowing to ±inf.

    A NaN stays a NaN in f32 form (sign and the top 23 payload bits kept). Raises nothing.
    """
    try:
        return f32_unpack(f32_pack(x))[0]
    except OverflowError:
        # struct refuses finite doubles that round to infinity instead of rounding them.
        return INF if x > 0.0 else -INF


def f32_from_bits(u: int) -> float:
    """The f32 value with IEEE single bits ``u`` (an int in [0, 2**32)). Raises nothing for such ``u``."""
    x = f32_unpack(_u32_pack(u))[0]
    if x == x:
        return x
    return _f64_unpack(_u64_pack(((u & 0x80000000) << 32) | 0x7FF0000000000000 | ((u & 0x7FFFFF) << 29)))[0]


def f32_to_bits(x: float) -> int:
    """The IEEE single bits of an f32 value, in [0, 2**32). Raises nothing for an f32 value."""
    if x == x:
        return _u32_unpack(f32_pack(x))[0]
    b = _u64_unpack(_f64_pack(x))[0]
    m = (b >> 29) & 0x7FFFFF
    # A double NaN whose payload lies only in the low 29 bits is not in f32 form (it can only come
    # from outside the engine); keep it a NaN rather than turning it into an infinity.
    return ((b >> 32) & 0x80000000) | 0x7F800000 | (m if m else 0x400000)


def f64_from_bits(u: int) -> float:
    """The f64 value with IEEE double bits ``u`` (an int in [0, 2**64)). Raises nothing for such ``u``."""
    return _f64_unpack(_u64_pack(u))[0]


def f64_to_bits(x: float) -> int:
    """The IEEE double bits of a float, in [0, 2**64). Raises nothing."""
    return _u64_unpack(_f64_pack(x))[0]


def i64_reinterpret_f64(x: float) -> int:
    """Wasm ``i64.reinterpret_f64``: the double's bits as a signed i64. Raises nothing."""
    return _s64_unpack(_f64_pack(x))[0]


def f64_reinterpret_i64(n: int) -> float:
    """Wasm ``f64.reinterpret_i64`` of a signed i64. Raises nothing."""
    return _f64_unpack(_s64_pack(n))[0]


i32_reinterpret_f32 = f32_to_bits
f32_reinterpret_i32 = f32_from_bits


def load_f32(buf: Buffer, addr: int) -> float:
    """Read the f32 at ``buf[addr:addr+4]`` (little-endian), NaN payloads bit-exact.

    Raises struct.error when the 4 bytes are not all inside ``buf`` (or ``addr`` is negative but in range;
    the engine passes only non-negative addresses).
    """
    x = _f32_unpack_from(buf, addr)[0]
    if x == x:
        return x
    return f32_from_bits(_u32_unpack_from(buf, addr)[0])


def store_f32(buf: Buffer, addr: int, x: float) -> None:
    """Write the f32 value ``x`` at ``buf[addr:addr+4]``, NaN payloads bit-exact.

    Raises struct.error when the 4 bytes are not all inside ``buf``.
    """
    if x == x:
        _f32_pack_into(buf, addr, x)
    else:
        _u32_pack_into(buf, addr, f32_to_bits(x))


def load_f64(buf: Buffer, addr: int) -> float:
    """Read the f64 at ``buf[addr:addr+8]``, bit-exact. Raises struct.error when out of ``buf``."""
    return f64_load_from(buf, addr)[0]


def store_f64(buf: Buffer, addr: int, x: float) -> None:
    """Write the f64 ``x`` at ``buf[addr:addr+8]``, bit-exact. Raises struct.error when out of ``buf``."""
    f64_store_into(buf, addr, x)


__all__ = [
    "INF", "NAN", "F32_ROUND_LIMIT", "f32_round", "f32_from_bits", "f32_to_bits", "f64_from_bits", "f64_to_bits",
    "f32_pack", "f32_unpack", "i32_reinterpret_f32", "i64_reinterpret_f64", "f32_reinterpret_i32",
    "f64_reinterpret_i64", "load_f32", "store_f32", "load_f64", "store_f64", "f64_load_from", "f64_store_into",
]
