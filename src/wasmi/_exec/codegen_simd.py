"""Code generation for the fixed-width SIMD instructions (prefix 0xFD), called by the scalar generator.

A v128 is a Python ``int`` in ``[0, 2**128)``, lane 0 in the low bits (the convention of ``simd.py``),
so v128 values flow through the generator's stack slots, locals, blocks, ``select`` and globals like
any scalar. Per instruction:

* lane operators are pure (``simd.py``: none raises for valid operands): they stay pending
  expressions, either ``simd.EXPR``/``LANE_EXPR`` templates inlined or a call of the op's function;
* loads are materialised at once in Wasm order; stores are emitted as statements. The memory
  functions raise ``struct.error`` for any byte past the end, which the call boundary turns into the
  out-of-bounds trap (as for scalar loads), so no separate bounds test is emitted;
* ``i8x16.shuffle``'s lane list is passed as a ``bytes`` constant by reference (a namespace name).

Every namespace name the emitted code needs (op functions, ``V128_`` masks) is added to the
function's constants, which the instance namespace receives with the code: the scalar namespace is
not touched and instances of modules without SIMD copy nothing more.
"""

from __future__ import annotations

import re
import struct
import sys
from typing import Any, Dict, List, Tuple

from .._syntax import instructions as I
from ..errors import InternalError
from . import simd

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# names whose value the generated code reads from its globals
_NS: Dict[str, Any] = simd.NAMESPACE


# v128.load/v128.store inline: one C call chain instead of a Python frame (CPython 3.11: 98 vs 123 ns
# a load, 78 vs 108 ns a store). PyPy keeps simd_mem's store, whose two-'<Q' form is faster there.
_S16 = struct.Struct("16s")
_INLINE_MEM: Dict[str, Any] = {"_vld16": _S16.unpack_from, "_vst16": _S16.pack_into, "_vfb": int.from_bytes}
_INLINE_STORE = sys.implementation.name == "cpython"


def _needs(template: str) -> Dict[str, Any]:
    return {n: _NS[n] for n in _IDENT.findall(template) if n in _NS}


def _literal_masks(template: str) -> str:
    """The template with its ``V128_`` mask names written as hex literals: a constant load instead of
    a global look-up (CPython 3.11: i32x4.add's template 125 vs 133 ns). The masks are our own numbers."""
    def lit(m: Any) -> str:
        v = _NS.get(m.group(0))
        return hex(v) if m.group(0).startswith("V128_") and isinstance(v, int) else m.group(0)

    return _IDENT.sub(lit, template)


# op name -> (template, names it needs, number of operands)
_PURE: Dict[str, Tuple[str, Dict[str, Any], int]] = {}
_LANE: Dict[str, Tuple[str, Dict[str, Any], int]] = {}
_LOADS: Dict[str, Tuple[str, Any]] = {}
_STORES: Dict[str, Tuple[str, Any]] = {}
_LANE_MEM: Dict[str, Tuple[str, Any, bool]] = {}


def _build() -> None:
    for op in I.OPS:
        if op.prefix != 0xFD or op.imm == I.Imm.V128:
            continue
        attr = op.name.replace(".", "_")
        fn = simd.SIMD_FUNCS.get(op.name)
        if fn is None:
            raise InternalError(f"simd.py has no function for {op.name}")
        nparams = len(op.params or ())
        if op.imm == I.Imm.MEMARG:
            if op.name == "v128.store":
                _STORES[op.name] = (attr, fn)
            else:
                _LOADS[op.name] = (attr, fn)
        elif op.imm == I.Imm.MEMARG_LANE:
            _LANE_MEM[op.name] = (attr, fn, "store" in op.name)
        elif op.imm == I.Imm.LANE:
            tpl = simd.LANE_EXPR.get(op.name)
            if tpl is not None:
                tpl = _literal_masks(tpl)
            else:
                # the lane index goes between the vector and the scalar: (v, lane[, x])
                tpl = f"{attr}({{0}}, {{lane}}" + (", {1})" if nparams == 2 else ")")
            _LANE[op.name] = (tpl, _needs(tpl), nparams)
        elif op.imm == I.Imm.SHUFFLE:
            tpl = f"{attr}({{0}}, {{1}}, {{lanes}})"
            _PURE[op.name] = (tpl, _needs(tpl), 2)
        else:
            tpl = simd.EXPR.get(op.name)
            if tpl is not None:
                tpl = _literal_masks(tpl)
            else:
                tpl = f"{attr}(" + ", ".join("{%d}" % k for k in range(nparams)) + ")"
            _PURE[op.name] = (tpl, _needs(tpl), nparams)


_build()


def _ensure_names(t: Any, names: Dict[str, Any]) -> None:
    vals = t.consts.values
    for n, v in names.items():
        if n not in vals:
            vals[n] = v


def _plain_operands(t: Any, tpl: str, n: int) -> None:
    """A template operand read more than once must be a plain name (else it would be recomputed)."""
    top = len(t.stack)
    for k in range(n):
        j = top - n + k
        e = t.stack[j]
        if e[1] is not None and not e[0].isidentifier() and tpl.count("{%d}" % k) > 1:
            t.materialize(j)


def _addr(a: List[Any], offset: int) -> str:
    return a[0] if offset == 0 else f"{a[0]} + {offset}"


def simd_step(t: Any, op: I.Op, ins: tuple) -> None:
    """Translate one SIMD instruction on translator ``t`` (a codegen.FuncTranslator; fuel is
    already counted by the caller). Raises InternalError for an instruction the table lacks."""
    name = op.name
    if op is I.V128_CONST:
        t.push(str(ins[1] & ((1 << 128) - 1)), None)
        return
    pure = _PURE.get(name)
    if pure is not None:
        tpl, names, n = pure
        _ensure_names(t, names)
        if op.imm == I.Imm.SHUFFLE:
            lanes = bytes(ins[1])
            tpl = tpl.replace("{lanes}", t.consts.name(("shuffle", lanes), lanes))
        _plain_operands(t, tpl, n)
        t.push_pure(tpl, t.popn(n))
        return
    lane = _LANE.get(name)
    if lane is not None:
        tpl, names, n = lane
        _ensure_names(t, names)
        idx = ins[1]
        if name in simd.LANE_EXPR:
            tpl = tpl.format("{0}", "{1}", **simd.lane_fields(name, idx))
        else:
            tpl = tpl.replace("{lane}", str(idx))
        _plain_operands(t, tpl, n)
        t.push_pure(tpl, t.popn(n))
        return
    mem_op = _LOADS.get(name)
    if mem_op is not None:
        attr, fn = mem_op
        a = t.pop()
        if name == "v128.load":
            _ensure_names(t, _INLINE_MEM)
            t.push_result(f"_vfb(_vld16(M{ins[3]}, {_addr(a, ins[2])})[0], 'little')")
        else:
            _ensure_names(t, {attr: fn})
            t.push_result(f"{attr}(M{ins[3]}, {_addr(a, ins[2])})")
        return
    mem_op = _STORES.get(name)
    if mem_op is not None:
        attr, fn = mem_op
        v, a = t.pop(), t.pop()
        if _INLINE_STORE:
            _ensure_names(t, _INLINE_MEM)
            t.emit(f"_vst16(M{ins[3]}, {_addr(a, ins[2])}, ({v[0]}).to_bytes(16, 'little'))")
        else:
            _ensure_names(t, {attr: fn})
            t.emit(f"{attr}(M{ins[3]}, {_addr(a, ins[2])}, {v[0]})")
        return
    lm = _LANE_MEM.get(name)
    if lm is not None:
        attr, fn, is_store = lm
        _ensure_names(t, {attr: fn})
        v, a = t.pop(), t.pop()
        call = f"{attr}(M{ins[3]}, {_addr(a, ins[2])}, {v[0]}, {ins[4]})"
        if is_store:
            t.emit(call)
        else:
            t.push_result(call)
        return
    raise InternalError(f"no SIMD code generation for {name}")
