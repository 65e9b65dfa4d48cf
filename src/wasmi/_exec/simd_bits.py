"""Lane constants and value conversions shared by the SIMD modules.

A v128 is one Python ``int`` in ``[0, 2**128)`` with lane 0 in the low bits (see docs/RATIONALE.md,
"Why v128 as one int?"). For a lane width ``w`` the patterns below let one big-int operation work on
all lanes at once:

* ``LSB[w]`` the lowest bit of every lane (``0x0101…01`` for bytes): ``x * LSB[w]`` splats ``x``,
* ``H[w]``   the highest bit of every lane (the sign bits),
* ``L[w]``   every lane's other bits (``H[w] ^ ALL``).

Scalar lane values follow the engine's representation: i32 unsigned, i64 signed, f64 ``float``, f32 a
``float`` holding a single-precision value whose NaN payload sits in the double's top mantissa bits
(converted by ``numerics_bits``, re-exported here).
"""

from __future__ import annotations

import struct
from typing import Dict, List

# The scalar engine's exact conversions (one definition of the f32 NaN-payload mapping).
from .numerics_bits import f32_from_bits, f32_round as round_f32, f32_to_bits, f64_from_bits, f64_to_bits  # noqa: F401

_from_bytes = int.from_bytes  # bound once: the attribute look-up on `int` costs ~40 ns a call

ALL = (1 << 128) - 1
M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


def _rep(pattern: int, w: int) -> int:
    return sum(pattern << (w * i) for i in range(128 // w))


WIDTHS = (8, 16, 32, 64)
LSB: Dict[int, int] = {w: _rep(1, w) for w in WIDTHS}
H: Dict[int, int] = {w: _rep(1 << (w - 1), w) for w in WIDTHS}
L: Dict[int, int] = {w: H[w] ^ ALL for w in WIDTHS}

# KEEP[w][lane]: every bit except that lane's (replace_lane/load_lane without a negative `~` mask).
KEEP: Dict[int, List[int]] = {w: [ALL ^ (((1 << w) - 1) << (w * i)) for i in range(128 // w)] for w in WIDTHS}

# SHL_MASK[w][k]: lanes with their low k bits clear (what survives `x << k` without crossing lanes);
# SHR_MASK[w][k]: lanes with their top k bits clear.
SHL_MASK: Dict[int, List[int]] = {w: [ALL ^ (LSB[w] * ((1 << k) - 1)) for k in range(w)] for w in WIDTHS}
SHR_MASK: Dict[int, List[int]] = {
    w: [ALL ^ ((LSB[w] * ((1 << k) - 1)) << (w - k)) for k in range(w)] for w in WIDTHS
}

# Python's float division raises on a zero divisor and math.sqrt on a negative operand; where the
# spec asks for a NaN without NaN operands it must be the canonical one, which float("nan") is.
CANONICAL_NAN = float("nan")

F32x4 = struct.Struct("<4f")
F32x2 = struct.Struct("<2f")
F64x2 = struct.Struct("<2d")
F32 = struct.Struct("<f")
F64 = struct.Struct("<d")
U32 = struct.Struct("<I")
U64 = struct.Struct("<Q")
# Integer lane layouts, signed (I) and unsigned (U), shared by the lane ops and the memory helpers.
I8x16 = struct.Struct("<16b")
U8x16 = struct.Struct("<16B")
I8x8 = struct.Struct("<8b")
U8x8 = struct.Struct("<8B")
I16x8 = struct.Struct("<8h")
U16x8 = struct.Struct("<8H")
I16x4 = struct.Struct("<4h")
U16x4 = struct.Struct("<4H")
I32x4 = struct.Struct("<4i")
U32x4 = struct.Struct("<4I")
I32x2 = struct.Struct("<2i")
U32x2 = struct.Struct("<2I")
I64x2 = struct.Struct("<2q")
U64x2 = struct.Struct("<2Q")


def pack_f32x4(x0: float, x1: float, x2: float, x3: float) -> int:
    """Four doubles rounded to single precision (overflow to ±inf) as one v128. Raises nothing."""
    try:
        return _from_bytes(F32x4.pack(x0, x1, x2, x3), "little")
    except OverflowError:
        return _from_bytes(F32x4.pack(round_f32(x0), round_f32(x1), round_f32(x2), round_f32(x3)), "little")
