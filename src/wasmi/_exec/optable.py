"""Python expression templates for the pure numeric operators, keyed by instruction name.

``{0}``, ``{1}`` are the operands (identifiers, literals or parenthesised expressions). A template is
*pure*: it cannot trap and reads no store state, so the code generator may leave its result as a
pending expression. Operators that can trap (division, trapping truncation) are in ``TRAPPING`` and
are always materialised in Wasm order. Names starting with ``_`` are run-time helpers placed in every
instance namespace (``helpers.HELPERS``); ``_n_<op>`` is the exact function of ``numerics.py`` for the
instruction ``<op>``.

Value representation: i32 unsigned in [0, 2**32); i64 signed in [-2**63, 2**63); floats as Python
floats (f32 exact single values). Comparisons give Python bools, which are the ints 0 and 1.
"""

from __future__ import annotations

from typing import Any, Dict

from .numerics import COND

M32 = "0xFFFFFFFF"


def _w64m(e: str) -> str:
    # for results usually out of range (products, left shifts): mask, then fix the sign
    return ("(_nt - 0x10000000000000000 if (_nt := (" + e + ") & 0xFFFFFFFFFFFFFFFF)"
            " > 0x7FFFFFFFFFFFFFFF else _nt)")


def _w64(e: str) -> str:
    # In-range results (the common case) skip the big-int wrap arithmetic. ``_nt`` is a scratch local:
    # assigned and read back inside this one expression, so nesting these is safe.
    return ("(_nt if -0x8000000000000000 <= (_nt := " + e + ") <= 0x7FFFFFFFFFFFFFFF"
            " else ((_nt + 0x8000000000000000) & 0xFFFFFFFFFFFFFFFF) - 0x8000000000000000)")


PURE: Dict[str, str] = {
    # i32
    "i32.eqz": "({0} == 0)",
    "i32.eq": "({0} == {1})",
    "i32.ne": "({0} != {1})",
    "i32.lt_u": "({0} < {1})",
    "i32.gt_u": "({0} > {1})",
    "i32.le_u": "({0} <= {1})",
    "i32.ge_u": "({0} >= {1})",
    "i32.lt_s": "(({0} ^ 0x80000000) < ({1} ^ 0x80000000))",
    "i32.gt_s": "(({0} ^ 0x80000000) > ({1} ^ 0x80000000))",
    "i32.le_s": "(({0} ^ 0x80000000) <= ({1} ^ 0x80000000))",
    "i32.ge_s": "(({0} ^ 0x80000000) >= ({1} ^ 0x80000000))",
    "i32.clz": "(32 - ({0}).bit_length())",
    "i32.ctz": "_n_i32_ctz({0})",
    "i32.popcnt": "_n_i32_popcnt({0})",
    "i32.add": "(({0} + {1}) & 0xFFFFFFFF)",
    "i32.sub": "(({0} - {1}) & 0xFFFFFFFF)",
    "i32.mul": "(({0} * {1}) & 0xFFFFFFFF)",
    "i32.and": "({0} & {1})",
    "i32.or": "({0} | {1})",
    "i32.xor": "({0} ^ {1})",
    "i32.shl": "(({0} << ({1} & 31)) & 0xFFFFFFFF)",
    "i32.shr_u": "({0} >> ({1} & 31))",
    "i32.shr_s": "(((({0} ^ 0x80000000) - 0x80000000) >> ({1} & 31)) & 0xFFFFFFFF)",
    "i32.rotl": "_n_i32_rotl({0}, {1})",
    "i32.rotr": "_n_i32_rotr({0}, {1})",
    "i32.extend8_s": "((((({0}) & 0xFF) ^ 0x80) - 0x80) & 0xFFFFFFFF)",
    "i32.extend16_s": "((((({0}) & 0xFFFF) ^ 0x8000) - 0x8000) & 0xFFFFFFFF)",
    "i32.wrap_i64": "({0} & 0xFFFFFFFF)",
    # i64
    "i64.eqz": "({0} == 0)",
    "i64.eq": "({0} == {1})",
    "i64.ne": "({0} != {1})",
    "i64.lt_s": "({0} < {1})",
    "i64.gt_s": "({0} > {1})",
    "i64.le_s": "({0} <= {1})",
    "i64.ge_s": "({0} >= {1})",
    "i64.lt_u": "(({0} & 0xFFFFFFFFFFFFFFFF) < ({1} & 0xFFFFFFFFFFFFFFFF))",
    "i64.gt_u": "(({0} & 0xFFFFFFFFFFFFFFFF) > ({1} & 0xFFFFFFFFFFFFFFFF))",
    "i64.le_u": "(({0} & 0xFFFFFFFFFFFFFFFF) <= ({1} & 0xFFFFFFFFFFFFFFFF))",
    "i64.ge_u": "(({0} & 0xFFFFFFFFFFFFFFFF) >= ({1} & 0xFFFFFFFFFFFFFFFF))",
    "i64.clz": "_n_i64_clz({0})",
    "i64.ctz": "_n_i64_ctz({0})",
    "i64.popcnt": "_n_i64_popcnt({0})",
    "i64.add": _w64("{0} + {1}"),
    "i64.sub": _w64("{0} - {1}"),
    "i64.mul": _w64m("{0} * {1}"),
    "i64.and": "({0} & {1})",
    "i64.or": "({0} | {1})",
    "i64.xor": "({0} ^ {1})",
    "i64.shl": _w64m("{0} << ({1} & 63)"),
    "i64.shr_s": "({0} >> ({1} & 63))",
    "i64.shr_u": _w64("({0} & 0xFFFFFFFFFFFFFFFF) >> ({1} & 63)"),
    "i64.rotl": "_n_i64_rotl({0}, {1})",
    "i64.rotr": "_n_i64_rotr({0}, {1})",
    "i64.extend8_s": "(((({0}) & 0xFF) ^ 0x80) - 0x80)",
    "i64.extend16_s": "(((({0}) & 0xFFFF) ^ 0x8000) - 0x8000)",
    "i64.extend32_s": "(((({0}) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000)",
    "i64.extend_i32_s": "(({0} ^ 0x80000000) - 0x80000000)",
    "i64.extend_i32_u": "({0})",
    # floats: comparisons
    "f32.eq": "({0} == {1})",
    "f32.ne": "({0} != {1})",
    "f32.lt": "({0} < {1})",
    "f32.gt": "({0} > {1})",
    "f32.le": "({0} <= {1})",
    "f32.ge": "({0} >= {1})",
    "f64.eq": "({0} == {1})",
    "f64.ne": "({0} != {1})",
    "f64.lt": "({0} < {1})",
    "f64.gt": "({0} > {1})",
    "f64.le": "({0} <= {1})",
    "f64.ge": "({0} >= {1})",
    # f32 arithmetic: computed in double (exact for one op), rounded to single
    "f32.add": "_f32r({0} + {1})",
    "f32.sub": "_f32r({0} - {1})",
    "f32.mul": "_f32r({0} * {1})",
    "f32.div": "_n_f32_div({0}, {1})",
    "f32.sqrt": "_n_f32_sqrt({0})",
    "f32.min": "_n_f32_min({0}, {1})",
    "f32.max": "_n_f32_max({0}, {1})",
    "f32.ceil": "_n_f32_ceil({0})",
    "f32.floor": "_n_f32_floor({0})",
    "f32.trunc": "_n_f32_trunc({0})",
    "f32.nearest": "_n_f32_nearest({0})",
    "f32.abs": "abs({0})",
    "f32.neg": "(-{0})",
    "f32.copysign": "_copysign({0}, {1})",
    "f64.add": "({0} + {1})",
    "f64.sub": "({0} - {1})",
    "f64.mul": "({0} * {1})",
    "f64.div": "_n_f64_div({0}, {1})",
    "f64.sqrt": "_n_f64_sqrt({0})",
    "f64.min": "_n_f64_min({0}, {1})",
    "f64.max": "_n_f64_max({0}, {1})",
    "f64.ceil": "_n_f64_ceil({0})",
    "f64.floor": "_n_f64_floor({0})",
    "f64.trunc": "_n_f64_trunc({0})",
    "f64.nearest": "_n_f64_nearest({0})",
    "f64.abs": "abs({0})",
    "f64.neg": "(-{0})",
    "f64.copysign": "_copysign({0}, {1})",
    # conversions
    "f32.convert_i32_s": "_f32r(float(({0} ^ 0x80000000) - 0x80000000))",
    "f32.convert_i32_u": "_f32r(float({0}))",
    "f32.convert_i64_s": "_n_f32_convert_i64_s({0})",
    "f32.convert_i64_u": "_n_f32_convert_i64_u({0})",
    "f64.convert_i32_s": "float(({0} ^ 0x80000000) - 0x80000000)",
    "f64.convert_i32_u": "float({0})",
    "f64.convert_i64_s": "float({0})",
    "f64.convert_i64_u": "float({0} & 0xFFFFFFFFFFFFFFFF)",
    "f32.demote_f64": "_f32r({0})",
    # multiplying by 1.0 keeps every value and quiets a signalling NaN, as promotion must
    "f64.promote_f32": "({0} * 1.0)",
    "i32.reinterpret_f32": "_n_i32_reinterpret_f32({0})",
    "f32.reinterpret_i32": "_n_f32_reinterpret_i32({0})",
    "i64.reinterpret_f64": "_n_i64_reinterpret_f64({0})",
    "f64.reinterpret_i64": "_n_f64_reinterpret_i64({0})",
    "i32.trunc_sat_f32_s": "_n_i32_trunc_sat_f32_s({0})",
    "i32.trunc_sat_f32_u": "_n_i32_trunc_sat_f32_u({0})",
    "i32.trunc_sat_f64_s": "_n_i32_trunc_sat_f64_s({0})",
    "i32.trunc_sat_f64_u": "_n_i32_trunc_sat_f64_u({0})",
    "i64.trunc_sat_f32_s": "_n_i64_trunc_sat_f32_s({0})",
    "i64.trunc_sat_f32_u": "_n_i64_trunc_sat_f32_u({0})",
    "i64.trunc_sat_f64_s": "_n_i64_trunc_sat_f64_s({0})",
    "i64.trunc_sat_f64_u": "_n_i64_trunc_sat_f64_u({0})",
}

TRAPPING: Dict[str, str] = {
    "i32.div_s": "_n_i32_div_s({0}, {1})",
    # Python's own operators: a zero divisor raises ZeroDivisionError, which the call boundary turns
    # into the IntegerDivisionByZero trap (guest._trap_for); half the cost of the helper call
    "i32.div_u": "({0} // {1})",
    "i32.rem_s": "_n_i32_rem_s({0}, {1})",
    "i32.rem_u": "({0} % {1})",
    "i64.div_s": "_n_i64_div_s({0}, {1})",
    "i64.div_u": "_n_i64_div_u({0}, {1})",
    "i64.rem_s": "_n_i64_rem_s({0}, {1})",
    "i64.rem_u": "_n_i64_rem_u({0}, {1})",
    "i32.trunc_f32_s": "_n_i32_trunc_f32_s({0})",
    "i32.trunc_f32_u": "_n_i32_trunc_f32_u({0})",
    "i32.trunc_f64_s": "_n_i32_trunc_f64_s({0})",
    "i32.trunc_f64_u": "_n_i32_trunc_f64_u({0})",
    "i64.trunc_f32_s": "_n_i64_trunc_f32_s({0})",
    "i64.trunc_f32_u": "_n_i64_trunc_f32_u({0})",
    "i64.trunc_f64_s": "_n_i64_trunc_f64_s({0})",
    "i64.trunc_f64_u": "_n_i64_trunc_f64_u({0})",
}

# PyPy: an int beyond 64 bits leaves the JIT's machine words for a big-int object (a 32x32-bit product
# overflowing took ~25 ns instead of ~1.5). ``__pypy__.intop`` has the wrapping machine operations,
# which the JIT compiles to single instructions: i64 arithmetic, i32 products and logical shifts stay in
# machine words, and the unsigned i64 compares take numerics' PyPy form (flipping the sign bit instead
# of masking) (docs/RATIONALE.md "Why __pypy__.intop on PyPy?"). helpers.HELPERS binds MACHINE_OPS.
MACHINE_OPS: Dict[str, Any] = {}
try:
    from __pypy__ import intop as _intop  # type: ignore[import-not-found]

    MACHINE_OPS = {"_iadd": _intop.int_add, "_isub": _intop.int_sub, "_imul": _intop.int_mul,
                   "_ilsh": _intop.int_lshift, "_ursh": _intop.uint_rshift}
except ImportError:
    pass
MACHINE_INTS = bool(MACHINE_OPS)

if MACHINE_INTS:
    PURE.update({
        "i32.mul": "(_imul({0}, {1}) & 0xFFFFFFFF)",
        "i64.add": "_iadd({0}, {1})",
        "i64.sub": "_isub({0}, {1})",
        "i64.mul": "_imul({0}, {1})",
        "i64.shl": "_ilsh({0}, {1} & 63)",
        "i64.shr_u": "_ursh({0}, {1} & 63)",
    })
    for _name in ("i64.lt_u", "i64.gt_u", "i64.le_u", "i64.ge_u"):
        PURE[_name] = f"({COND[_name]})"

# (struct format, post-processing template) per load; "" means the raw unpacked value
#: bit-length bounds of the i32 results of narrow loads (codegen tracks bit lengths to skip reductions)
LOAD_BITS: Dict[str, int] = {"i32.load8_u": 8, "i32.load16_u": 16, "i32.load": 32}
#: the mask a narrowing store applies to its value -> how many bits it keeps
MASK_BITS: Dict[str, int] = {" & 0xFF": 8, " & 0xFFFF": 16, " & 0xFFFFFFFF": 32}

LOADS: Dict[str, tuple] = {
    "i32.load": ("<I", ""),
    "i64.load": ("<q", ""),
    "f32.load": (None, ""),
    "f64.load": ("<d", ""),
    "i32.load8_s": ("<b", " & 0xFFFFFFFF"),
    "i32.load8_u": (None, ""),
    "i32.load16_s": ("<h", " & 0xFFFFFFFF"),
    "i32.load16_u": ("<H", ""),
    "i64.load8_s": ("<b", ""),
    "i64.load8_u": (None, ""),
    "i64.load16_s": ("<h", ""),
    "i64.load16_u": ("<H", ""),
    "i64.load32_s": ("<i", ""),
    "i64.load32_u": ("<I", ""),
}

# (struct format, mask applied to the value first)
STORES: Dict[str, tuple] = {
    "i32.store": ("<I", ""),
    "i64.store": ("<q", ""),
    "f32.store": (None, ""),
    "f64.store": ("<d", ""),
    "i32.store8": (None, " & 0xFF"),
    "i32.store16": ("<H", " & 0xFFFF"),
    "i64.store8": (None, " & 0xFF"),
    "i64.store16": ("<H", " & 0xFFFF"),
    "i64.store32": ("<I", " & 0xFFFFFFFF"),
}
