"""Numeric literals of the text format: integers and floats (decimal, hex, inf, nan, nan:0x...).

Floats are returned as raw IEEE bits. Rounding is exact round-to-nearest-even from the literal's
rational value (no detour through a double for f32, which would round twice).

Functions raise :class:`LiteralError` with the spec's wording; the parser attaches the position.
``None`` means "not a numeric literal of this kind at all".
"""

from __future__ import annotations

import math
import re
import struct
from typing import Optional

__all__ = ["LiteralError", "parse_int", "parse_float", "is_number"]


class LiteralError(Exception):
    """A well-formed literal whose value does not fit ("constant out of range")."""


_DIGITS = r"[0-9](?:_?[0-9])*"
_HEXDIGITS = r"[0-9a-fA-F](?:_?[0-9a-fA-F])*"
_INT = re.compile(rf"([+-]?)(?:0x({_HEXDIGITS})|({_DIGITS}))\Z")
_DEC_FLOAT = re.compile(rf"([+-]?)({_DIGITS})(?:\.({_DIGITS})?)?(?:[eE]([+-]?{_DIGITS}))?\Z")
_HEX_FLOAT = re.compile(rf"([+-]?)0x({_HEXDIGITS})(?:\.({_HEXDIGITS})?)?(?:[pP]([+-]?{_DIGITS}))?\Z")
_NAN = re.compile(rf"([+-]?)nan(?::0x({_HEXDIGITS}))?\Z")
_INF = re.compile(r"([+-]?)inf\Z")
_ANY_NUM = re.compile(
    rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?(?:[eE][+-]?{_DIGITS})?"
    rf"|0x{_HEXDIGITS}(?:\.(?:{_HEXDIGITS})?)?(?:[pP][+-]?{_DIGITS})?"
    rf"|inf|nan(?::0x{_HEXDIGITS})?)\Z"
)


def is_number(text: str) -> bool:
    """Whether ``text`` is lexically a number (integer or float literal)."""
    return _ANY_NUM.match(text) is not None


def parse_int(text: str, bits: int, signed_ok: bool = True) -> Optional[int]:
    """The value of an integer literal as an unsigned ``bits``-wide int, or None if ``text`` is not one.

    Unsigned literals must be below ``2**bits``; signed ones (with ``+``/``-``) in the signed range.
    ``signed_ok=False`` accepts only unsigned literals (indices, alignments, lanes).
    Raises LiteralError when out of range.
    """
    if text.isdigit() and text.isascii() and len(text) < 30:  # the common case: a plain decimal
        v = int(text)
        if v >> bits:
            raise LiteralError("constant out of range")
        return v
    m = _INT.match(text)
    if m is None:
        return None
    sign, hx, dec = m.groups()
    if sign and not signed_ok:
        return None
    if hx is not None:
        v = int(hx.replace("_", ""), 16)
    else:
        dec = dec.replace("_", "").lstrip("0") or "0"
        if len(dec) > 40:  # far beyond 64 bits, and beyond Python's int-from-str digit limit
            raise LiteralError("constant out of range")
        v = int(dec)
    if not sign:
        if v >> bits:
            raise LiteralError("constant out of range")
        return v
    if sign == "-":
        if v > 1 << (bits - 1):
            raise LiteralError("constant out of range")
        return (-v) & ((1 << bits) - 1)
    if v >= 1 << (bits - 1):
        raise LiteralError("constant out of range")
    return v


def _small_int(ex: Optional[str]) -> int:
    """A signed exponent, clamped so that absurd exponents stay cheap (they over/underflow anyway)."""
    if not ex:
        return 0
    ex = ex.replace("_", "")
    if len(ex) > 12:
        return -(10 ** 12) if ex[0] == "-" else 10 ** 12
    return int(ex)


# (fraction bits, exponent bits) per width
_FORMATS = {32: (23, 8), 64: (52, 11)}


def _round(p: int, q: int, neg: bool, bits: int) -> int:
    """Bits of the float nearest to p/q (p >= 0, q > 0), ties to even. Raises LiteralError on overflow."""
    mbits, ebits = _FORMATS[bits]
    sign = (1 << (bits - 1)) if neg else 0
    if p == 0:
        return sign
    bias = (1 << (ebits - 1)) - 1
    e = p.bit_length() - q.bit_length()
    # Make 2**e <= p/q < 2**(e+1).
    if e >= 0:
        if p < (q << e):
            e -= 1
    elif (p << -e) < q:
        e -= 1
    emin = 1 - bias
    if e < emin:
        e = emin
    shift = e - mbits
    if shift >= 0:
        num, den = p, q << shift
    else:
        num, den = p << -shift, q
    m, r = divmod(num, den)
    r2 = r * 2
    if r2 > den or (r2 == den and m & 1):
        m += 1
    if m >> (mbits + 1):
        m >>= 1
        e += 1
    biased = e + bias if m >> mbits else 0
    if biased >= 2 * bias + 1:
        raise LiteralError("constant out of range")
    return sign | (biased << mbits) | (m & ((1 << mbits) - 1))


def parse_float(text: str, bits: int) -> Optional[int]:
    """The IEEE bits (width ``bits``) of a float literal, or None if ``text`` is not a number.

    Raises LiteralError ("constant out of range") when the value rounds to infinity or a NaN payload
    does not fit.
    """
    mbits, ebits = _FORMATS[bits]
    m = _DEC_FLOAT.match(text)
    if m is not None:
        sign, ip, fp, ex = m.groups()
        neg = sign == "-"
        if bits == 64:
            v = float(text.replace("_", ""))
            if math.isinf(v):
                raise LiteralError("constant out of range")
            return struct.unpack("<Q", struct.pack("<d", v))[0] | ((1 << 63) if neg and v == 0 else 0)
        ip = ip.replace("_", "")
        fp = fp.replace("_", "") if fp else ""
        e10 = _small_int(ex)
        digits = (ip + fp).lstrip("0")
        if not digits:
            return (1 << (bits - 1)) if neg else 0
        e10 -= len(fp)
        if len(digits) > 1000:
            # Keep 1000 digits and a sticky digit: enough to decide the rounding, and within
            # Python's int-from-str digit limit.
            tail = digits[1000:].strip("0")
            e10 += len(digits) - 1001
            digits = digits[:1000] + ("1" if tail else "0")
        magnitude = len(digits) + e10  # the value is below 10**magnitude
        if magnitude > 400:
            raise LiteralError("constant out of range")
        if magnitude < -400:
            return (1 << (bits - 1)) if neg else 0
        d = int(digits)
        if e10 >= 0:
            return _round(d * 10 ** e10, 1, neg, bits)
        return _round(d, 10 ** -e10, neg, bits)
    m = _HEX_FLOAT.match(text)
    if m is not None:
        sign, ip, fp, ex = m.groups()
        neg = sign == "-"
        ip = ip.replace("_", "")
        fp = fp.replace("_", "") if fp else ""
        e2 = _small_int(ex)
        mant = int(ip + fp, 16)
        e2 -= 4 * len(fp)
        if mant == 0:
            return (1 << (bits - 1)) if neg else 0
        magnitude = mant.bit_length() + e2
        if magnitude > 2000:
            raise LiteralError("constant out of range")
        if magnitude < -2000:
            return (1 << (bits - 1)) if neg else 0
        if e2 >= 0:
            return _round(mant << e2, 1, neg, bits)
        return _round(mant, 1 << -e2, neg, bits)
    sign_bit = 1 << (bits - 1)
    exp_all = ((1 << ebits) - 1) << mbits
    m = _INF.match(text)
    if m is not None:
        return exp_all | (sign_bit if m.group(1) == "-" else 0)
    m = _NAN.match(text)
    if m is not None:
        sign, payload = m.groups()
        if payload is None:
            p = 1 << (mbits - 1)
        else:
            p = int(payload.replace("_", ""), 16)
            if p == 0 or p >> mbits:
                raise LiteralError("constant out of range")
        return exp_all | p | (sign_bit if sign == "-" else 0)
    return None
