"""Semantics of every fixed-width SIMD instruction (WebAssembly 2.0, prefix 0xFD), for the engine.

One function per instruction, named ``op.name.replace(".", "_")`` (``i32x4_add``, ``v128_load8_lane`` …);
:data:`SIMD_FUNCS` maps the instruction's text name to it. ``v128.const`` needs none (the table already
holds the 128-bit value). Calling conventions:

* v128 operands and results: ``int`` in ``[0, 2**128)``, lane 0 in the low bits;
* scalars: i32 unsigned, i64 signed, f64 ``float``, f32 ``float`` (single value, NaN payload in the
  double's top mantissa bits — :func:`f32_from_bits`/:func:`f32_to_bits` convert exactly);
* immediates come after the operands: ``i8x16_shuffle(a, b, lanes)`` (``lanes`` best as ``bytes``),
  ``*_extract_lane(v, lane)``, ``*_replace_lane(v, lane, x)``;
* shifts take the i32 count and reduce it modulo the lane width themselves;
* memory ops take the buffer and the effective address first: ``v128_load(mem, addr)``,
  ``v128_store(mem, addr, v)``, ``v128_load8_lane(mem, addr, v, lane)``, ``v128_store8_lane(mem, addr,
  v, lane)``; they raise ``struct.error`` past the end of ``mem`` (the engine turns that into the trap
  or checks bounds first).

``EXPR[name]`` is a Python expression template for the ops cheap enough to inline (bitwise ops, lane-wise
add/sub, splats, float abs/neg …), with ``{0}``, ``{1}``, ``{2}`` for the operands, which must be simple
names (an operand may appear several times). ``LANE_EXPR[name]`` does the same for extract/replace_lane
with two more fields: ``{shift}`` (lane index times lane width) and ``{keep}`` (the v128 mask of every
other lane), both ints the generator computes from the validated lane immediate. Templates give exactly
the function's result, never raise, and refer only to names in :data:`NAMESPACE` (all ``V128_``
constants plus every op function), which the generated code's globals must include.

The code lives in ``simd_lanes`` (lane access, bitwise), ``simd_int`` (SWAR integer arithmetic),
``simd_widen`` (multiplies, narrowing, widening), ``simd_float``, ``simd_convert`` and ``simd_mem``.
None of the non-memory functions raises for valid operands.
"""

from __future__ import annotations

from typing import Callable, Dict

from .._syntax.instructions import OPS, Imm
from . import simd_convert, simd_float, simd_int, simd_lanes, simd_mem, simd_widen
from .simd_bits import ALL, LSB, H, L, f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits, round_f32

_MODULES = (simd_lanes, simd_int, simd_widen, simd_float, simd_convert, simd_mem)


def _collect() -> Dict[str, Callable]:
    funcs: Dict[str, Callable] = {}
    for op in OPS:
        if op.prefix != 0xFD or op.imm == Imm.V128:
            continue
        attr = op.name.replace(".", "_")
        for mod in _MODULES:
            fn = getattr(mod, attr, None)
            if fn is not None:
                funcs[op.name] = fn
                break
    return funcs


SIMD_FUNCS: Dict[str, Callable] = _collect()
# Re-export every op function under its own name, so `from .simd import i32x4_add` works.
globals().update({name.replace(".", "_"): fn for name, fn in SIMD_FUNCS.items()})


def _lane_add(w: int) -> str:
    return f"((({{0}} & V128_L{w}) + ({{1}} & V128_L{w})) ^ (({{0}} ^ {{1}}) & V128_H{w}))"


def _lane_sub(w: int) -> str:
    return f"((({{0}} | V128_H{w}) - ({{1}} & V128_L{w})) ^ ((({{0}} ^ {{1}}) & V128_H{w}) ^ V128_H{w}))"


EXPR: Dict[str, str] = {
    "v128.not": "({0} ^ V128_ALL)",
    "v128.and": "({0} & {1})",
    "v128.andnot": "({0} ^ ({0} & {1}))",
    "v128.or": "({0} | {1})",
    "v128.xor": "({0} ^ {1})",
    "v128.bitselect": "({1} ^ (({0} ^ {1}) & {2}))",
    "v128.any_true": "(1 if {0} else 0)",
    "i8x16.splat": "(({0} & 0xFF) * V128_LSB8)",
    "i16x8.splat": "(({0} & 0xFFFF) * V128_LSB16)",
    "i32x4.splat": "({0} * V128_LSB32)",
    "i64x2.splat": "(({0} & 0xFFFFFFFFFFFFFFFF) * V128_LSB64)",
    "f32x4.abs": "({0} & V128_NH32)",
    "f32x4.neg": "({0} ^ V128_H32)",
    "f64x2.abs": "({0} & V128_NH64)",
    "f64x2.neg": "({0} ^ V128_H64)",
    "i8x16.avgr_u": "(({0} | {1}) - ((({0} ^ {1}) >> 1) & V128_L8))",
    "i16x8.avgr_u": "(({0} | {1}) - ((({0} ^ {1}) >> 1) & V128_L16))",
}
for _shape, _w in (("i8x16", 8), ("i16x8", 16), ("i32x4", 32), ("i64x2", 64)):
    EXPR[_shape + ".add"] = _lane_add(_w)
    EXPR[_shape + ".sub"] = _lane_sub(_w)

LANE_EXPR: Dict[str, str] = {
    "i8x16.extract_lane_u": "(({0} >> {shift}) & 0xFF)",
    "i8x16.extract_lane_s": "((((({0} >> {shift}) & 0xFF) ^ 0x80) - 0x80) & 0xFFFFFFFF)",
    "i16x8.extract_lane_u": "(({0} >> {shift}) & 0xFFFF)",
    "i16x8.extract_lane_s": "((((({0} >> {shift}) & 0xFFFF) ^ 0x8000) - 0x8000) & 0xFFFFFFFF)",
    "i32x4.extract_lane": "(({0} >> {shift}) & 0xFFFFFFFF)",
    "i64x2.extract_lane": "(((({0} >> {shift}) & 0xFFFFFFFFFFFFFFFF) ^ 0x8000000000000000) - 0x8000000000000000)",
    "i8x16.replace_lane": "(({0} & {keep}) | (({1} & 0xFF) << {shift}))",
    "i16x8.replace_lane": "(({0} & {keep}) | (({1} & 0xFFFF) << {shift}))",
    "i32x4.replace_lane": "(({0} & {keep}) | ({1} << {shift}))",
    "i64x2.replace_lane": "(({0} & {keep}) | (({1} & 0xFFFFFFFFFFFFFFFF) << {shift}))",
}


def lane_fields(op_name: str, lane: int) -> Dict[str, int]:
    """The ``shift``/``keep`` fields of ``LANE_EXPR[op_name]`` for a lane immediate. Raises KeyError for
    an op without a lane template."""
    w = {"i8x16": 8, "i16x8": 16, "i32x4": 32, "i64x2": 64}[op_name.split(".")[0]]
    shift = lane * w
    return {"shift": shift, "keep": ALL ^ (((1 << w) - 1) << shift)}


NAMESPACE: Dict[str, object] = {name.replace(".", "_"): fn for name, fn in SIMD_FUNCS.items()}
"""Every name the templates need in the generated code's globals (the op functions included)."""
NAMESPACE["V128_ALL"] = ALL
for _w in (8, 16, 32, 64):
    NAMESPACE[f"V128_H{_w}"] = H[_w]
    NAMESPACE[f"V128_L{_w}"] = L[_w]
    NAMESPACE[f"V128_LSB{_w}"] = LSB[_w]
NAMESPACE["V128_NH32"] = ALL ^ H[32]
NAMESPACE["V128_NH64"] = ALL ^ H[64]
del _shape, _w

__all__ = sorted(name.replace(".", "_") for name in SIMD_FUNCS) + [
    "EXPR",
    "LANE_EXPR",
    "NAMESPACE",
    "lane_fields",
    "SIMD_FUNCS",
    "f32_from_bits",
    "f32_to_bits",
    "f64_from_bits",
    "f64_to_bits",
    "round_f32",
]
