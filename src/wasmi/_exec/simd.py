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

The code lives in ``simd_lanes`` (lane access, bitwise), ``simd_int`` (SWAR integer arithmetic),
``simd_widen`` (multiplies, narrowing, widening), ``simd_float`` and ``simd_mem``. None of the
non-memory functions raises for valid operands.
"""

from __future__ import annotations

from typing import Callable, Dict

from .._syntax.instructions import OPS, Imm
from . import simd_float, simd_int, simd_lanes, simd_mem, simd_widen
from .simd_bits import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits, round_f32

_MODULES = (simd_lanes, simd_int, simd_widen, simd_float, simd_mem)


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

__all__ = sorted(name.replace(".", "_") for name in SIMD_FUNCS) + [
    "SIMD_FUNCS",
    "f32_from_bits",
    "f32_to_bits",
    "f64_from_bits",
    "f64_to_bits",
    "round_f32",
]
