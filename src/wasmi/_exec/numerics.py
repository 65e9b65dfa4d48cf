"""Exact scalar numerics of WebAssembly 2.0 for the engine: one function per numeric instruction, plus
inline templates for the cheap ones.

Every scalar numeric instruction ``x.y`` has a function ``x_y`` here (``i32.div_s`` -> :func:`i32_div_s`)
taking and returning the engine's value representation: i32 an int in [0, 2**32), i64 an int in
[-2**63, 2**63), f64 a float, f32 a float exactly representable in single precision whose NaNs carry the
f32 payload in the top mantissa bits (see :mod:`.numerics_bits`). Comparisons return the i32 0 or 1.
Integer division and remainder raise ``Trap(IntegerDivisionByZero)``/``Trap(IntegerOverflow)``, trapping
float-to-int truncations ``Trap(BadConversionToInteger)``/``Trap(IntegerOverflow)``; nothing else raises.

``EXPR[name]`` is a Python expression template for ops cheap enough to inline, with ``{0}``, ``{1}`` for
the operands (which must be simple names or literals: an operand may appear several times). It gives
exactly the function's result. ``COND[name]`` gives a comparison as a Python bool expression for ``if``
and ``br_if``. Templates never trap. They refer only to names in :data:`NAMESPACE`, which the generated
code's globals must include, and some assign the scratch local ``_nt`` (walrus) and read it back within
the same expression, so generated code must not use that name itself.

Templates are chosen per interpreter where measurement showed a difference (PyPy turns ints beyond a
machine word into slow big integers; CPython pays for negative-int bit operations).
"""

from __future__ import annotations

import sys
from typing import Callable, Dict, List

from .._syntax.instructions import OPS, Imm, Op
from .numerics_bits import *  # noqa: F401,F403  (bit conversions, f32 rounding, memory helpers)
from .numerics_bits import F32_ROUND_LIMIT, f32_pack, f32_round, f32_unpack
from .numerics_convert import *  # noqa: F401,F403  (the conversion instructions)
from .numerics_float import *  # noqa: F401,F403  (the float instructions)
from .numerics_float import copysign, sqrt
from .numerics_int import *  # noqa: F401,F403  (the integer instructions and representation helpers)
from .numerics_int import HAVE_BIT_COUNT, POPCNT16

PYPY = sys.implementation.name == "pypy"


def _is_scalar(op: Op) -> bool:
    if op.prefix not in (None, 0xFC) or op.imm != Imm.NONE or not op.params or not op.results:
        return False
    return all(t.text in ("i32", "i64", "f32", "f64") for t in op.params + op.results)


SCALAR_OPS: List[Op] = [op for op in OPS if _is_scalar(op)]
"""The scalar numeric instructions of the table, each with a function of ``op.name.replace('.', '_')``."""

FUNCS: Dict[str, Callable] = {op.name: globals()[op.name.replace(".", "_")] for op in SCALAR_OPS}
"""Instruction name -> its function."""


def _wrap64(e: str) -> str:
    # The in-range test keeps the common case free of big-int arithmetic (PyPy) and costs about the
    # same as masking on CPython.
    return (
        f"(_nt if -0x8000000000000000 <= (_nt := {e}) <= 0x7FFFFFFFFFFFFFFF"
        " else ((_nt + 0x8000000000000000) & 0xFFFFFFFFFFFFFFFF) - 0x8000000000000000)"
    )


def _f32(e: str) -> str:
    # Measured: an inline range test + struct round trip is no faster than the call on CPython and
    # twice as slow on PyPy, whose JIT inlines f32_round's try/except well.
    return f"f32_round({e})"


POPCNT32_TABLE_EXPR = "(POPCNT16[{0} & 0xFFFF] + POPCNT16[{0} >> 16])"  # i32.popcnt without int.bit_count


def _rot64(left: str, right: str) -> str:
    # A rotate of a constant count is common in hashes; inline, CPython folds the count arithmetic.
    return (
        f"(_nt - 0x10000000000000000 if (_nt := (({left}) | ({right})) & 0xFFFFFFFFFFFFFFFF)"
        " > 0x7FFFFFFFFFFFFFFF else _nt)"
    )


COND: Dict[str, str] = {
    "i32.eqz": "{0} == 0",
    "i32.eq": "{0} == {1}",
    "i32.ne": "{0} != {1}",
    "i32.lt_s": "({0} ^ 0x80000000) < ({1} ^ 0x80000000)",
    "i32.lt_u": "{0} < {1}",
    "i32.gt_s": "({0} ^ 0x80000000) > ({1} ^ 0x80000000)",
    "i32.gt_u": "{0} > {1}",
    "i32.le_s": "({0} ^ 0x80000000) <= ({1} ^ 0x80000000)",
    "i32.le_u": "{0} <= {1}",
    "i32.ge_s": "({0} ^ 0x80000000) >= ({1} ^ 0x80000000)",
    "i32.ge_u": "{0} >= {1}",
    "i64.eqz": "{0} == 0",
    "i64.eq": "{0} == {1}",
    "i64.ne": "{0} != {1}",
    "i64.lt_s": "{0} < {1}",
    "i64.gt_s": "{0} > {1}",
    "i64.le_s": "{0} <= {1}",
    "i64.ge_s": "{0} >= {1}",
}
# Unsigned i64 order: xor with the sign bit stays in a machine word (PyPy); masking builds 2-digit
# positive ints, which CPython handles faster than negative ones.
_U64 = "({{0}} ^ -0x8000000000000000) {} ({{1}} ^ -0x8000000000000000)" if PYPY else "({{0}} & 0xFFFFFFFFFFFFFFFF) {} ({{1}} & 0xFFFFFFFFFFFFFFFF)"
for _name, _cmp in (("lt_u", "<"), ("gt_u", ">"), ("le_u", "<="), ("ge_u", ">=")):
    COND["i64." + _name] = _U64.format(_cmp)
for _t in ("f32", "f64"):
    for _name, _cmp in (("eq", "=="), ("ne", "!="), ("lt", "<"), ("gt", ">"), ("le", "<="), ("ge", ">=")):
        COND[f"{_t}.{_name}"] = "{0} " + _cmp + " {1}"

EXPR: Dict[str, str] = {name: f"(1 if {cond} else 0)" for name, cond in COND.items()}
EXPR.update(
    {
        # i32
        "i32.clz": "(32 - ({0}).bit_length())",
        "i32.ctz": "((({0} & -{0}).bit_length() - 1) if {0} else 32)",
        "i32.popcnt": "({0}).bit_count()" if HAVE_BIT_COUNT else POPCNT32_TABLE_EXPR,
        "i32.add": "(({0} + {1}) & 0xFFFFFFFF)",
        "i32.sub": "(({0} - {1}) & 0xFFFFFFFF)",
        # On PyPy a full 32x32 product leaves the machine word; two 16-bit partial products do not.
        "i32.mul": (
            "((({0} * ({1} & 0xFFFF)) + ((({0} * ({1} >> 16)) & 0xFFFF) << 16)) & 0xFFFFFFFF)"
            if PYPY
            else "(({0} * {1}) & 0xFFFFFFFF)"
        ),
        "i32.and": "({0} & {1})",
        "i32.or": "({0} | {1})",
        "i32.xor": "({0} ^ {1})",
        "i32.shl": "(({0} << ({1} & 31)) & 0xFFFFFFFF)",
        "i32.shr_s": "(((({0} ^ 0x80000000) - 0x80000000) >> ({1} & 31)) & 0xFFFFFFFF)",
        "i32.shr_u": "({0} >> ({1} & 31))",
        "i32.rotl": "((({0} << ({1} & 31)) | ({0} >> (32 - ({1} & 31)))) & 0xFFFFFFFF)",
        "i32.rotr": "((({0} >> ({1} & 31)) | ({0} << (32 - ({1} & 31)))) & 0xFFFFFFFF)",
        "i32.wrap_i64": "({0} & 0xFFFFFFFF)",
        "i32.extend8_s": "(((({0} & 0xFF) ^ 0x80) - 0x80) & 0xFFFFFFFF)",
        "i32.extend16_s": "(((({0} & 0xFFFF) ^ 0x8000) - 0x8000) & 0xFFFFFFFF)",
        # i64
        "i64.add": _wrap64("{0} + {1}"),
        "i64.sub": _wrap64("{0} - {1}"),
        "i64.mul": _wrap64("{0} * {1}"),
        "i64.shl": _wrap64("{0} << ({1} & 63)"),
        "i64.and": "({0} & {1})",
        "i64.or": "({0} | {1})",
        "i64.xor": "({0} ^ {1})",
        "i64.shr_s": "({0} >> ({1} & 63))",
        "i64.shr_u": "({0} >> ({1} & 63) if {0} >= 0 else i64_shr_u({0}, {1}))",
        "i64.rotl": _rot64("({0} & 0xFFFFFFFFFFFFFFFF) << ({1} & 63)", "({0} & 0xFFFFFFFFFFFFFFFF) >> (64 - ({1} & 63))"),
        "i64.rotr": _rot64("({0} & 0xFFFFFFFFFFFFFFFF) >> ({1} & 63)", "({0} & 0xFFFFFFFFFFFFFFFF) << (64 - ({1} & 63))"),
        "i64.extend_i32_s": "(({0} ^ 0x80000000) - 0x80000000)",
        "i64.extend_i32_u": "({0})",
        "i64.extend8_s": "((({0} & 0xFF) ^ 0x80) - 0x80)",
        "i64.extend16_s": "((({0} & 0xFFFF) ^ 0x8000) - 0x8000)",
        "i64.extend32_s": "((({0} & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000)",
        # f64
        "f64.add": "({0} + {1})",
        "f64.sub": "({0} - {1})",
        "f64.mul": "({0} * {1})",
        "f64.neg": "(-{0})",
        "f64.abs": "abs({0})",
        "f64.copysign": "copysign({0}, {1})",
        "f64.min": "({0} if {0} < {1} else {1} if {1} < {0} else f64_min({0}, {1}))",
        "f64.max": "({0} if {0} > {1} else {1} if {1} > {0} else f64_max({0}, {1}))",
        "f64.sqrt": "(sqrt({0}) if {0} >= 0.0 else f64_sqrt({0}))",
        "f64.div": "({0} / {1} if {1} else f64_div({0}, {1}))",
        "f64.convert_i32_s": "float(({0} ^ 0x80000000) - 0x80000000)",
        "f64.convert_i64_s": "float({0})",
        "f64.convert_i64_u": "(float({0}) if {0} >= 0 else float({0} & 0xFFFFFFFFFFFFFFFF))",
        "f64.convert_i32_u": "float({0})",
        "f64.promote_f32": "({0} if {0} == {0} else {0} + 0.0)",
        # f32
        "f32.add": _f32("{0} + {1}"),
        "f32.sub": _f32("{0} - {1}"),
        "f32.mul": _f32("{0} * {1}"),
        "f32.div": "(" + _f32("{0} / {1}") + " if {1} else f64_div({0}, {1}))",
        "f32.demote_f64": _f32("{0}"),
        "f32.neg": "(-{0})",
        "f32.abs": "abs({0})",
        "f32.copysign": "copysign({0}, {1})",
        "f32.min": "({0} if {0} < {1} else {1} if {1} < {0} else f32_min({0}, {1}))",
        "f32.max": "({0} if {0} > {1} else {1} if {1} > {0} else f32_max({0}, {1}))",
        "f32.convert_i32_s": "f32_unpack(f32_pack(float(({0} ^ 0x80000000) - 0x80000000)))[0]",
        "f32.convert_i32_u": "f32_unpack(f32_pack(float({0})))[0]",
        # saturating truncations: the in-range case inline, the clamping in the function
        "i32.trunc_sat_f32_s": "(int({0}) & 0xFFFFFFFF if -2147483649.0 < {0} < 2147483648.0 else i32_trunc_sat_f32_s({0}))",
        "i32.trunc_sat_f64_s": "(int({0}) & 0xFFFFFFFF if -2147483649.0 < {0} < 2147483648.0 else i32_trunc_sat_f64_s({0}))",
        "i32.trunc_sat_f32_u": "(int({0}) if -1.0 < {0} < 4294967296.0 else i32_trunc_sat_f32_u({0}))",
        "i32.trunc_sat_f64_u": "(int({0}) if -1.0 < {0} < 4294967296.0 else i32_trunc_sat_f64_u({0}))",
        "i64.trunc_sat_f32_s": "(int({0}) if -9223372036854775808.0 <= {0} < 9223372036854775808.0 else i64_trunc_sat_f32_s({0}))",
        "i64.trunc_sat_f64_s": "(int({0}) if -9223372036854775808.0 <= {0} < 9223372036854775808.0 else i64_trunc_sat_f64_s({0}))",
        "i64.trunc_sat_f32_u": "(int({0}) if -1.0 < {0} < 9223372036854775808.0 else i64_trunc_sat_f32_u({0}))",
        "i64.trunc_sat_f64_u": "(int({0}) if -1.0 < {0} < 9223372036854775808.0 else i64_trunc_sat_f64_u({0}))",
    }
)
del _t, _name, _cmp

EXPR_CONST_DIVISOR: Dict[str, str] = {
    "i32.div_u": "({0} // {1})",
    "i32.rem_u": "({0} % {1})",
    "i32.div_s": "({0} // {1} if {0} < 0x80000000 else -((0x100000000 - {0}) // {1}) & 0xFFFFFFFF)",
    "i32.rem_s": "({0} % {1} if {0} < 0x80000000 else -((0x100000000 - {0}) % {1}) & 0xFFFFFFFF)",
    "i64.div_u": "({0} // {1} if {0} >= 0 else i64_div_u({0}, {1}))",
    "i64.rem_u": "({0} % {1} if {0} >= 0 else i64_rem_u({0}, {1}))",
    "i64.div_s": "({0} // {1} if {0} >= 0 else -(-{0} // {1}))",
    "i64.rem_s": "({0} % {1} if {0} >= 0 else -(-{0} % {1}))",
}
"""Division templates for a divisor that is a literal known to be positive as a signed value
(1 <= d < 2**31 for i32, 1 <= d < 2**63 for i64): such a division can neither trap nor overflow, and
compilers emit many (``x / 10``, ``x % 8``). Same results as the functions."""

NAMESPACE: Dict[str, object] = {name.replace(".", "_"): fn for name, fn in FUNCS.items()}
"""Every name the templates (and callers of FUNCS by name) need in the generated code's globals."""
NAMESPACE.update(
    f32_pack=f32_pack,
    f32_unpack=f32_unpack,
    f32_round=f32_round,
    F32_ROUND_LIMIT=F32_ROUND_LIMIT,
    copysign=copysign,
    sqrt=sqrt,
    POPCNT16=POPCNT16,
)

__all__ = sorted(
    {n for n in globals() if n[:4] in ("i32_", "i64_", "f32_", "f64_") or n.startswith("load_") or n.startswith("store_")}
    | set(NAMESPACE)
    | {"SCALAR_OPS", "FUNCS", "EXPR", "COND", "EXPR_CONST_DIVISOR", "NAMESPACE", "POPCNT32_TABLE_EXPR", "PYPY", "INF", "NAN", "M32", "M64", "u64_to_i64"}
)
