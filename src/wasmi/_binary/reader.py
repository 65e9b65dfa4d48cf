"""Primitive readers of the binary format: LEB128 integers, names, value types.

Every reader takes the whole module ``data`` (a ``bytes``) and a position and returns
``(value, new_position)``. Positions are absolute byte offsets in the module, so error offsets need no
translation. Readers index ``data`` directly and let an ``IndexError`` escape when the input ends; the
module decoder turns that into ``DecodeError("unexpected end …")`` in one place instead of testing the
length before every byte (the common case never runs out of input).

Callers on hot paths inline the one-byte case of :func:`read_u32` (``b < 0x80``) and call it only for
longer encodings.
"""

from __future__ import annotations

from typing import Tuple

from .._syntax.types import VALTYPE_BY_CODE, ValType
from ..errors import DecodeError

END_OF_SECTION = "unexpected end of section or function"


def read_u32(data: bytes, pos: int) -> Tuple[int, int]:
    """Read an unsigned 32-bit LEB128 (at most 5 bytes).

    Raises DecodeError ("integer representation too long", "integer too large"); IndexError at the end
    of the input.
    """
    start = pos
    result = 0
    shift = 0
    while True:
        b = data[pos]
        pos += 1
        if shift == 28:
            if b & 0x80:
                raise DecodeError("integer representation too long", start)
            if b & 0x70:
                raise DecodeError("integer too large", pos - 1)
            return result | (b << 28), pos
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def read_s32(data: bytes, pos: int) -> Tuple[int, int]:
    """Read a signed 32-bit LEB128; the result is in [-2**31, 2**31).

    Raises DecodeError ("integer representation too long", "integer too large"); IndexError at the end.
    """
    start = pos
    result = 0
    shift = 0
    while True:
        b = data[pos]
        pos += 1
        if shift == 28:
            if b & 0x80:
                raise DecodeError("integer representation too long", start)
            # Bits 32..34 do not exist: they must repeat the sign bit (bit 3 of this byte).
            high = b & 0x78
            if high != 0 and high != 0x78:
                raise DecodeError("integer too large", pos - 1)
            result |= (b & 0x0F) << 28
            return (result - (1 << 32) if b & 0x08 else result), pos
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos


def read_s33(data: bytes, pos: int) -> Tuple[int, int]:
    """Read a signed 33-bit LEB128 (block type indices). Raises like :func:`read_s32`."""
    start = pos
    result = 0
    shift = 0
    while True:
        b = data[pos]
        pos += 1
        if shift == 28:
            if b & 0x80:
                raise DecodeError("integer representation too long", start)
            high = b & 0x70
            if high != 0 and high != 0x70:
                raise DecodeError("integer too large", pos - 1)
            result |= (b & 0x1F) << 28
            return (result - (1 << 33) if b & 0x10 else result), pos
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos


def read_s64(data: bytes, pos: int) -> Tuple[int, int]:
    """Read a signed 64-bit LEB128 (at most 10 bytes). Raises like :func:`read_s32`."""
    start = pos
    result = 0
    shift = 0
    while True:
        b = data[pos]
        pos += 1
        if shift == 63:
            if b & 0x80:
                raise DecodeError("integer representation too long", start)
            # Only bit 63 exists in this byte; the other six bits must repeat it.
            low = b & 0x7F
            if low != 0 and low != 0x7F:
                raise DecodeError("integer too large", pos - 1)
            return (result - (1 << 63) if b & 1 else result), pos
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos


def read_len(data: bytes, pos: int) -> Tuple[int, int]:
    """Read a u32 count or byte length and check that it can fit in what is left of the input.

    Checking against the remaining input (every element takes at least one byte) stops a forged count
    from making the decoder allocate or loop far beyond the input size. Raises DecodeError
    ("length out of bounds" and the LEB errors); IndexError at the end.
    """
    b = data[pos]
    if b < 0x80:
        n = b
        pos += 1
    else:
        n, pos = read_u32(data, pos)
    if n > len(data) - pos:
        raise DecodeError("length out of bounds", pos)
    return n, pos


def read_bytes(data: bytes, pos: int) -> Tuple[bytes, int]:
    """Read a length-prefixed byte string. Raises DecodeError ("length out of bounds", LEB errors)."""
    n, pos = read_len(data, pos)
    return data[pos:pos + n], pos + n


def read_name(data: bytes, pos: int) -> Tuple[str, int]:
    """Read a length-prefixed UTF-8 name. Raises DecodeError ("malformed UTF-8 encoding", "length out
    of bounds", LEB errors)."""
    n, pos = read_len(data, pos)
    raw = data[pos:pos + n]
    try:
        # Python's strict decoder rejects overlong forms, surrogates and code points above U+10FFFF,
        # exactly the encodings the spec's `name` grammar excludes.
        return raw.decode("utf-8"), pos + n
    except UnicodeDecodeError as e:
        raise DecodeError("malformed UTF-8 encoding", pos + e.start) from None


def read_valtype(data: bytes, pos: int) -> Tuple[ValType, int]:
    """Read a value type byte. Raises DecodeError ("malformed value type"); IndexError at the end."""
    t = VALTYPE_BY_CODE.get(data[pos])
    if t is None:
        raise DecodeError("malformed value type", pos)
    return t, pos + 1


def read_reftype(data: bytes, pos: int) -> Tuple[ValType, int]:
    """Read a reference type byte. Raises DecodeError ("malformed reference type"); IndexError."""
    b = data[pos]
    if b == 0x70:
        return ValType.FUNCREF, pos + 1
    if b == 0x6F:
        return ValType.EXTERNREF, pos + 1
    raise DecodeError("malformed reference type", pos)
