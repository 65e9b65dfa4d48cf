"""Unsigned i64 values inside a translated function (CPython only).

The engine's i64 is a signed int in [-2**63, 2**63) (docs/RATIONALE.md "Why these runtime value
representations?"): on PyPy that fits a machine word. On CPython every 64-bit value is a 3-digit int in
either form, but a signed result needs a sign fold after each wrapping add/sub/mul/shl, and bitwise
operators on negative ints emulate two's complement digit by digit. ``U64Translator`` therefore keeps
every i64 value of a function whose operators gain from it in [0, 2**64): a wrapping op is one
``& 0xFFFFFFFFFFFFFFFF``, shr_u and unsigned compares are plain Python operators, rotates are two shifts
and an ``|``. Values cross into and out of the signed form at the function's boundaries only: params on
entry, results at every return, call arguments and results, globals, i64 loads and stores, and the
operators that need the signed value (signed shifts, division, conversions…), which run their ordinary
signed translation between two conversions. Whether a function is worth it is a weighted count
(``_score``): docs/RATIONALE.md "Why unsigned i64 inside some functions on CPython?".
"""

from __future__ import annotations

import sys
from typing import Dict, List, Optional, Tuple, cast

from .._syntax import instructions as I
from .._syntax.ast import Module
from .._syntax.types import ValType
from .codegen import _CMP_CONST, _CMP_ZERO, _UNOBSERVABLE, FuncTranslator, _index_space_types, _literal_int
from .optable import PURE

ENABLED = sys.implementation.name == "cpython"  # PyPy: values >= 2**63 are big ints (GUIDE part 2)
MODE = "auto"  # "auto": by _score; tests set "always" / "never" to run one representation everywhere

M64 = "0xFFFFFFFFFFFFFFFF"
_TO_S = "(_nt - 0x10000000000000000 if (_nt := {0}) > 0x7FFFFFFFFFFFFFFF else _nt)"
_TO_U = "({0} & 0xFFFFFFFFFFFFFFFF)"
# for a plain name: a test and, for negative values only, an add (~12-18 ns) beat the mask (~25 ns)
_TO_U_NAME = "({0} + 0x10000000000000000 if {0} < 0 else {0})"
_I64 = ValType.I64

# pure operators with u64 operands: the template's result is already canonical (u64 or an i32 0/1)
_NATIVE: Dict[str, str] = {
    "i64.eqz": "({0} == 0)", "i64.eq": "({0} == {1})", "i64.ne": "({0} != {1})",
    "i64.lt_u": "({0} < {1})", "i64.gt_u": "({0} > {1})", "i64.le_u": "({0} <= {1})", "i64.ge_u": "({0} >= {1})",
    # xor with the sign bit maps the signed order onto the unsigned one; both sides stay below 2**64
    "i64.lt_s": "(({0} ^ 0x8000000000000000) < ({1} ^ 0x8000000000000000))",
    "i64.gt_s": "(({0} ^ 0x8000000000000000) > ({1} ^ 0x8000000000000000))",
    "i64.le_s": "(({0} ^ 0x8000000000000000) <= ({1} ^ 0x8000000000000000))",
    "i64.ge_s": "(({0} ^ 0x8000000000000000) >= ({1} ^ 0x8000000000000000))",
    "i64.and": "({0} & {1})", "i64.or": "({0} | {1})", "i64.xor": "({0} ^ {1})",
    "i64.shr_u": "({0} >> ({1} & 63))",
    "i64.clz": "(64 - ({0}).bit_length())",
    "i64.extend_i32_u": "({0})",
    "f64.convert_i64_u": "float({0})",
}
_COMPARES = frozenset(n for n in _NATIVE if n[4:6] in ("eq", "ne", "lt", "gt", "le", "ge"))
# wrapping operators: the unreduced form, reduced by one mask (which a later add/sub/mask may absorb)
_WRAPPING: Dict[str, str] = {
    "i64.add": "({0} + {1})", "i64.sub": "({0} - {1})", "i64.mul": "({0} * {1})",
    "i64.shl": "({0} << ({1} & 63))",
}
_FUSING = frozenset(("i64.add", "i64.sub"))
_BITWISE = {"i64.and": "({0} & {1})", "i64.or": "({0} | {1})", "i64.xor": "({0} ^ {1})"}
# operators that mask their i64 operand before using it: a u64 operand gives the same result
_MASKING_OPERAND = frozenset(("i64.store8", "i64.store16", "i64.store32", "i64.extend8_s", "i64.extend16_s",
                              "i64.extend32_s"))
# i64 results that are never negative: already canonical u64
_NONNEG_RESULT = frozenset(("i64.load8_u", "i64.load16_u", "i64.load32_u", "i64.popcnt", "i64.ctz"))
# signed compares against a literal: the i32 templates with the sign bit of 64 bits
_CMP_CONST64 = {k: tuple(t.replace("0x7FFFFFFF", "0x7FFFFFFFFFFFFFFF") for t in v) for k, v in _CMP_CONST.items()}
_CMP_ZERO64 = {k: t.replace("0x7FFFFFFF", "0x7FFFFFFFFFFFFFFF") for k, t in _CMP_ZERO.items()}
_MIRROR = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}

# _score weights: ns saved per execution / 8 (CPython 3.11, timeit in a function, random 64-bit operands;
# one conversion between the forms costs 15-25 ns, so -2)
_CONVERSION = -2
_GAIN = {"i64.add": 3, "i64.sub": 3, "i64.mul": 3, "i64.shl": 3, "i64.and": 1, "i64.or": 1, "i64.xor": 1,
         "i64.shr_u": 3, "i64.lt_u": 5, "i64.gt_u": 5, "i64.le_u": 5, "i64.ge_u": 5, "i64.extend_i32_s": 2,
         # with a variable last operand (the next table: with a literal one)
         "i64.rotl": -4, "i64.rotr": -4, "i64.div_u": -4, "i64.rem_u": -4, "i64.shr_s": -4,
         "i64.lt_s": -4, "i64.gt_s": -4, "i64.le_s": -4, "i64.ge_s": -4}
_LITERAL_GAIN = {"i64.rotl": 5, "i64.rotr": 5, "i64.div_u": 1, "i64.rem_u": 1, "i64.shr_s": -2,
                 "i64.lt_s": 0, "i64.gt_s": 0, "i64.le_s": 0, "i64.ge_s": 0, "i64.store": 0}


def _static_sig(op: I.Op) -> Optional[Tuple[Tuple[bool, ...], Tuple[bool, ...]]]:
    """Which of an operator's operands (bottom first) and results are i64 and need converting around
    its signed translation; None when none does."""
    ps, rs = op.params or (), op.results or ()
    pi = tuple(p is _I64 and op.name not in _MASKING_OPERAND for p in ps)
    ri = tuple(r is _I64 and op.name not in _NONNEG_RESULT for r in rs)
    return (pi, ri) if any(pi) or any(ri) else None


def _dynamic_sig(t: FuncTranslator, op: I.Op, ins: tuple) -> Optional[Tuple[Tuple[bool, ...], Tuple[bool, ...]]]:
    """_static_sig for calls and globals, whose types come from the module."""
    if op is I.CALL:
        ft = t.all_func_types[ins[1]]
        ps, rs = ft.params, ft.results
    elif op is I.CALL_INDIRECT:
        ft = t.module.types[ins[1]]
        ps, rs = ft.params + (ValType.I32,), ft.results
    elif op is I.GLOBAL_GET:
        ps, rs = (), (t.global_types[ins[1]].valtype,)
    else:
        ps, rs = (t.global_types[ins[1]].valtype,), ()
    pi = tuple(p is _I64 for p in ps)
    ri = tuple(r is _I64 for r in rs)
    return (pi, ri) if any(pi) or any(ri) else None


_NATIVE_KIND = object()  # first try U64Translator.native, then convert around the signed translation
_DYNAMIC_KIND = object()  # types from the module (_dynamic_sig)
_DYNAMIC = frozenset((I.CALL, I.CALL_INDIRECT, I.GLOBAL_GET, I.GLOBAL_SET))


def _kind(op: I.Op) -> object:
    if op in _DYNAMIC:
        return _DYNAMIC_KIND
    if op.name.startswith("i64.") or op.name in ("i32.wrap_i64", "f64.convert_i64_u"):
        return _NATIVE_KIND
    return _static_sig(op) if op.params is not None else None


_KIND = [_kind(op) for op in I.OPS]  # by Op.index
_STATIC_SIGS = [_static_sig(op) if op.params is not None else None for op in I.OPS]


def _signed_literal(v: int) -> str:
    v = v - 0x10000000000000000 if v > 0x7FFFFFFFFFFFFFFF else v
    return str(v) if v >= 0 else f"({v})"


class U64Translator(FuncTranslator):
    """FuncTranslator with every i64 value of the function held as an unsigned int."""

    plain_steps = FuncTranslator.plain_steps - {I.I64_CONST}  # its literals are written unsigned here

    def __init__(self, module: Module, func_index: int, fuel: bool) -> None:
        super().__init__(module, func_index, fuel)
        self.un64: Dict[str, str] = {}  # pending reduced u64 expression -> its unreduced form
        self.was_signed: Dict[str, str] = {}  # pending conversion to u64 -> the signed value it converts
        self.entered = False

    # --- boundaries --------------------------------------------------------------------------
    def run_range(self, lo: int, hi: int) -> None:
        if not self.entered:
            self.entered = True  # the function's entry: its i64 params become unsigned
            for i, p in enumerate(self.ftype.params):
                if p is _I64:
                    self.emit(f"if l{i} < 0: l{i} += 0x10000000000000000")
        super().run_range(lo, hi)

    def emit_return(self, vals: List[list]) -> None:
        out = [self.to_signed(v) if r is _I64 else v for v, r in zip(vals, self.ftype.results)]
        super().emit_return(out)

    def to_signed(self, e: list) -> list:
        c = _literal_int(e)
        if c is not None:
            return [_signed_literal(c), None]
        if e[1] is not None and e[0] in self.was_signed:
            return [self.was_signed[e[0]], e[1]]  # a pending conversion of a signed value: that value
        return [_TO_S.format(e[0]), e[1] if e[1] is not None else frozenset((e[0],)) if e[0][0] == "s" else frozenset()]

    # --- operators ---------------------------------------------------------------------------
    def step(self, op: I.Op, ins: tuple, targeted: bool) -> None:
        kind = _KIND[op.index]
        if kind is None:  # no i64 operand or result
            super().step(op, ins, targeted)
            return
        if kind is _NATIVE_KIND:
            if self.native(op, op.name, ins):
                return
            kind = _STATIC_SIGS[op.index]
        sig = kind if kind is not _DYNAMIC_KIND else _dynamic_sig(self, op, ins)
        if sig is None:
            super().step(op, ins, targeted)
            return
        pi, ri = cast(Tuple[Tuple[bool, ...], Tuple[bool, ...]], sig)
        base = len(self.stack) - len(pi)
        for j, is64 in enumerate(pi):
            if is64:
                self.stack[base + j] = self.to_signed(self.stack[base + j])
        super().step(op, ins, targeted)
        top = len(self.stack) - len(ri)
        for j, is64 in enumerate(ri):
            if is64:
                e = self.stack[top + j]
                deps = e[1] if e[1] is not None else frozenset((e[0],)) if e[0][0] == "s" else frozenset()
                tpl = _TO_U_NAME if e[0].isidentifier() else _TO_U
                self.stack[top + j] = [tpl.format(e[0]), deps]
                self.was_signed[self.stack[top + j][0]] = e[0]

    def count(self, op: I.Op) -> None:
        self.fuel_count += self.op_fuel(op)
        if self.seg_pure and op not in _UNOBSERVABLE and op.name not in PURE:
            self.seg_pure = False

    def native(self, op: I.Op, name: str, ins: tuple) -> bool:  # noqa: C901 - one dispatch
        """Translate an i64 operator in u64 form; False when it needs the signed translation."""
        if name in _MASKING_OPERAND:
            # it keeps at most 32 low bits of its operand (the stack top): an unreduced form has them too
            e = self.stack[-1]
            if e[1] is not None and e[0] in self.un64:
                self.stack[-1] = [self.un64[e[0]], e[1]]
            return False
        if op is I.I64_CONST:
            self.count(op)
            self.push(str(ins[1] & 0xFFFFFFFFFFFFFFFF), None)
            return True
        k = _literal_int(self.stack[-1]) if name in ("i64.shl", "i64.shr_u", "i64.rotl", "i64.rotr") else None
        if k is not None:
            self.count(op)
            self.const_shift64(name, k & 63)
            return True
        if name in _COMPARES and name[-2:] == "_s" and self.signed_const_compare(name):
            self.count(op)
            return True
        tpl = _NATIVE.get(name)
        if tpl is not None:
            self.count(op)
            args = self.popn(len(op.params or ()))
            if name in _BITWISE and self.bitwise_unreduced(name, args):
                return True
            self.push_pure(tpl, args)
            if name in _COMPARES:
                self.stack[-1].append(1)
            return True
        un = _WRAPPING.get(name)
        if un is not None:
            self.count(op)
            args = self.popn(2)
            if name in _FUSING:
                args = [[self.un64.get(a[0], a[0]), a[1]] if a[1] is not None else a for a in args]
            self.push_wrapped(un, args)
            return True
        if name == "i32.wrap_i64":
            self.count(op)
            e = self.pop()
            if e[1] is not None and e[0] in self.un64:
                e = [self.un64[e[0]], e[1]]
            self.push_pure("({0} & 0xFFFFFFFF)", [e])
            return True
        if name == "i64.extend_i32_s":
            # negative i32 values (above 2**31 - 1 as u32) get the 32 high bits set
            self.count(op)
            x = self.named(-1)
            self.pop()
            self.push_pure("({0} | 0xFFFFFFFF00000000 if {0} > 0x7FFFFFFF else {0})", [x])
            return True
        c = _literal_int(self.stack[-1]) if name == "i64.shr_s" else None
        if c is not None:
            # shifting the u64 value, then setting the k high bits of a negative one
            self.count(op)
            k = c & 63
            x = self.named(-2)
            self.popn(2)
            if not k:
                self.push(x[0], x[1])
                return True
            high = 0xFFFFFFFFFFFFFFFF ^ ((1 << (64 - k)) - 1)
            self.push_pure(f"(({{0}} >> {k}) | {high:#x} if {{0}} > 0x7FFFFFFFFFFFFFFF else ({{0}} >> {k}))", [x])
            return True
        if name in ("i64.div_u", "i64.rem_u"):
            d = _literal_int(self.stack[-1])
            if d is not None and d >= 1:
                # a literal divisor: no trap; the unsigned quotient is Python's floor division
                self.count(op)
                x = self.popn(2)[0]
                self.push_pure(f"({{0}} {'//' if name == 'i64.div_u' else '%'} {d})", [x])
                return True
            # a zero divisor raises ZeroDivisionError: the IntegerDivisionByZero trap (guest._trap_for)
            self.count(op)
            x, y = self.popn(2)
            self.push_result(f"({x[0]} {'//' if name == 'i64.div_u' else '%'} {y[0]})")
            return True
        return False

    def named(self, j: int) -> list:
        """Stack entry ``j`` (negative: from the top) as a plain name or literal, for a template that
        reads it more than once."""
        i = len(self.stack) + j
        e = self.stack[i]
        if e[1] is not None and not e[0].isidentifier():
            self.materialize(i)
        return self.stack[i]

    def push_wrapped(self, un: str, args: List[list]) -> None:
        self.push_pure("(" + un + " & 0xFFFFFFFFFFFFFFFF)", args)
        top = self.stack[-1]
        if top[1] is not None:
            self.un64[top[0]] = un.format(*[a[0] for a in args])

    def bitwise_unreduced(self, name: str, args: List[list]) -> bool:
        """and/or/xor of pending wrapping results: bitwise operators commute with reduction mod 2**64.
        ``and`` with one canonical side (below 2**64) is canonical whatever the other side; or/xor
        reduce once (a hash's rotate ^ rotate ^ rotate: one mask instead of three). False when no
        operand is an unreduced result."""
        un = [self.un64.get(a[0]) if a[1] is not None else None for a in args]
        if un[0] is None and un[1] is None:
            return False
        if name == "i64.and":
            if un[0] is not None and un[1] is not None:
                return False
            self.push_pure("({0} & {1})", [[u, a[1]] if u is not None else a for u, a in zip(un, args)])
            return True
        self.push_wrapped(_BITWISE[name], [[u, a[1]] if u is not None else a for u, a in zip(un, args)])
        return True

    def const_shift64(self, name: str, k: int) -> None:
        if name == "i64.shr_u" or name == "i64.shl":
            x = self.popn(2)[0]
            if not k:
                self.push(x[0], x[1])
            elif name == "i64.shl":
                self.push_wrapped(f"({{0}} << {k})", [x])
            else:
                self.push_pure(f"({{0}} >> {k})", [x])
            return
        if name == "i64.rotr":
            k = (64 - k) & 63
        x = self.named(-2)  # read twice
        self.popn(2)
        if k == 0:
            self.push(x[0], x[1])
            return
        self.push_pure(f"((({{0}} << {k}) & {M64}) | ({{0}} >> {64 - k}))", [x])
        top = self.stack[-1]
        if top[1] is not None:  # the unreduced form, for a consumer that reduces anyway
            self.un64[top[0]] = f"(({x[0]} << {k}) | ({x[0]} >> {64 - k}))"

    def signed_const_compare(self, name: str) -> bool:
        """A signed compare with a literal: one or two unsigned compares (``x <s 0`` is ``x > 2**63-1``)."""
        cmp = name[4:6]
        cb, ca = _literal_int(self.stack[-1]), _literal_int(self.stack[-2])
        if cb is not None:
            var_idx, c = len(self.stack) - 2, cb
        elif ca is not None:
            var_idx, c, cmp = len(self.stack) - 1, ca, _MIRROR[cmp]
        else:
            return False
        tpl = _CMP_ZERO64.get(cmp) if c == 0 else None
        if tpl is None:
            tpl = _CMP_CONST64[cmp][c > 0x7FFFFFFFFFFFFFFF].format(a="{0}", c=c)
        e = self.stack[var_idx]
        if e[1] is not None and not e[0].isidentifier() and tpl.count("{0}") > 1:
            self.materialize(var_idx)
        var = self.stack[var_idx]
        self.popn(2)
        self.push_pure(tpl, [var])
        self.stack[-1].append(1)
        return True


def _static_gain(op: I.Op) -> int:
    name = op.name
    g = _GAIN.get(name)
    if g is not None:
        return g
    if (op.params is None or op is I.I64_CONST or name in _NATIVE or name in _MASKING_OPERAND
            or name in _NONNEG_RESULT or name == "i32.wrap_i64"):
        return 0
    return _CONVERSION if _I64 in op.params or _I64 in (op.results or ()) else 0


_STATIC_GAIN = {op: g for op in I.OPS if (g := _static_gain(op))}
_AFTER_LITERAL = {op: _LITERAL_GAIN[op.name] for op in I.OPS if op.name in _LITERAL_GAIN}
_POSITIVE = frozenset(op for table in (_STATIC_GAIN, _AFTER_LITERAL) for op, g in table.items() if g > 0)
# _score's dispatch: 0 a static gain, 1 a block opens, 2 one ends, 3 a call, 4 a global access
_CODES: Dict[I.Op, int] = {op: 0 for op in _STATIC_GAIN}
_CODES.update({I.BLOCK: 1, I.IF: 1, I.LOOP: 1, I.END: 2, I.CALL: 3, I.CALL_INDIRECT: 3, I.GLOBAL_GET: 4,
               I.GLOBAL_SET: 4})


def _score(module: Module, func_index: int) -> int:
    """Estimated gain of the u64 form for a function (negative: conversions cost more), operators in
    loops weighted by their nesting (8 per level, up to 3 levels)."""
    nimp = sum(1 for i in module.imports if i.kind == 0)
    func = module.funcs[func_index - nimp]
    if _POSITIVE.isdisjoint([ins[0] for ins in func.body]):
        return 0  # nothing can gain (a quick test: most functions of a big module use no i64 at all)
    ft = module.types[func.type_index]
    fts, gts = _index_space_types(module)
    score = _CONVERSION * sum(1 for t in ft.params + ft.results if t is _I64)
    loops: List[bool] = []  # per open block: is it a loop
    depth = 0
    prev = None
    gains = _STATIC_GAIN
    codes = _CODES
    after_literal = _AFTER_LITERAL
    for ins in func.body:
        op = ins[0]
        c = codes.get(op)
        if c is not None:
            g = 0
            if c == 0:
                g = gains[op]
                if prev is I.I64_CONST and op in after_literal:
                    g = after_literal[op]  # e.g. a rotate by a constant; a literal converted at translation
            elif c == 1:
                loops.append(op is I.LOOP)
                depth += op is I.LOOP
            elif c == 2:
                if loops and loops.pop():
                    depth -= 1
            elif c == 3:
                f2 = fts[ins[1]] if op is I.CALL else module.types[ins[1]]
                g = _CONVERSION * sum(1 for t in f2.params + f2.results if t is _I64)
            elif gts[ins[1]].valtype is _I64:  # global.get/set
                g = _CONVERSION
            if g:
                score += g * 8 ** (depth if depth < 3 else 3)
        prev = op
    return score


def translator_class(module: Module, func_index: int) -> type:
    """U64Translator where the u64 form pays (or is forced), else FuncTranslator."""
    if MODE == "never" or not (ENABLED or MODE == "always"):
        return FuncTranslator
    if MODE == "always" or _score(module, func_index) > 0:
        return U64Translator
    return FuncTranslator
