"""Translate one Wasm function (a flat, validated instruction list) into Python source.

Scheme (see docs/RATIONALE.md "Why translate each function to Python source?"):

* The operand stack is resolved at translation time. Stack slot ``k`` is the Python local ``s{k}``;
  Wasm locals are ``l{i}``. Pure operators (no trap, no store access) stay *pending* expressions and
  are folded into their consumer; anything that can trap or reads the store is materialised at once,
  so Wasm's order of observable effects is kept.
* Structured control flow maps to Python: a block or ``if`` that is the target of a branch becomes a
  ``while True:`` loop left with ``break``; a Wasm ``loop`` is a ``while True:`` whose branches
  ``continue``. A branch that crosses several Python loops sets ``_b`` and breaks; each crossed loop
  re-dispatches after its end. Blocks that no branch targets emit no Python structure at all.
* ``br_table`` dispatches through a binary tree of ``if``s.
* Fuel (metered variant only): every straight-line segment charges its operator count at its start.

Nothing from the module's bytes is pasted into the source as text: only indices and numbers we
format ourselves; other constants (NaN payloads, infinities) are namespace names.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from .._syntax import instructions as I
from .._syntax.ast import Module
from .._syntax.types import FuncType, ValType
from ..errors import InternalError, WasmiError
from . import codegen_mem
from .dispatch import DispatchNeed, frozen_tables
from .fuelplan import Charge, hoist
from .numerics import EXPR, EXPR_CONST_DIVISOR
from .optable import LOAD_BITS, LOADS, MACHINE_INTS, MASK_BITS, PURE, STORES, TRAPPING, _w64m
from .ranges import analyze as analyze_ranges, raw_sum
from .structure import scan as scan_structure

MAX_LOOPS = 20  # CPython (and PyPy): at most 20 statically nested blocks (loops; a speculated access's try counts too)
MAX_INDENT = 90  # CPython: 100 indentation levels (metered code adds one)
_B_NONE = 1000  # "no branch pending" for ``_b``: above every 2 * loop index + 1
# a block whose end is followed by at most this many straight-line operators and a ``br`` to a loop
# gets that code copied to each branch to its end, instead of a Python loop (unmetered code; docs/
# RATIONALE.md "Why copy a short join into the branches that reach it?")
TAIL_DUP_MAX = 12
TAIL_DUP_SITES = 16
DEFER_PURE_SEGMENTS = True  # tests turn it off to compare with plain per-segment charging
MAX_EXPR = 240  # keeps paren nesting and operator chains far below CPython's limits
MAX_DEFER_CHAIN = 8  # deferred segments one charge may carry (their costs are written into its slow path)

_STRUCT_NAMES = {
    "<I": "_uI", "<q": "_uq", "<d": "_ud", "<b": "_ub", "<h": "_uh", "<H": "_uH", "<i": "_ui",
}
_PACK_NAMES = {"<I": "_pI", "<q": "_pq", "<d": "_pd", "<H": "_pH"}


# numerics' inline templates, used where they beat a helper call; they may read an operand twice
INLINE: Dict[str, str] = {name: EXPR[name] for name in (
    "f32.convert_i32_s", "f32.convert_i32_u", "f32.min", "f32.max", "f64.min", "f64.max", "f64.sqrt",
    "i32.rotl", "i32.rotr", "i64.rotl", "i64.rotr", "i64.shr_u", "i32.popcnt", "i32.ctz",
) if name in EXPR}
if MACHINE_INTS:  # PyPy: machine-word shifts (optable.MACHINE_OPS)
    INLINE["i64.shr_u"] = "_ursh({0}, {1} & 63)"
    INLINE["i64.rotl"] = "(_ilsh({0}, {1} & 63) | _ursh({0}, (64 - ({1} & 63)) & 63))"
    INLINE["i64.rotr"] = "(_ursh({0}, {1} & 63) | _ilsh({0}, (64 - ({1} & 63)) & 63))"


def _uses_more_than_once(template: str, k: int) -> bool:
    return template.count("{" + str(k) + "}") > 1


# Wrapping arithmetic commutes with reduction mod 2**32 / 2**64: an add or sub may take the unreduced
# form of a pending add/sub/mul/shl operand and reduce once.
_FUSE_CONSUMERS = frozenset(("i32.add", "i32.sub", "i64.add", "i64.sub"))
_FUSE_PRODUCERS = {
    "i32.add": "({0} + {1})", "i32.sub": "({0} - {1})", "i32.mul": "({0} * {1})",
    "i32.shl": "({0} << ({1} & 31))",
    "i64.add": "({0} + {1})", "i64.sub": "({0} - {1})", "i64.mul": "({0} * {1})",
    "i64.shl": "({0} << ({1} & 63))",
}
if MACHINE_INTS:
    # PyPy: an unreduced i64 result or 32x32-bit product would leave the machine word
    for _name in ("i32.mul", "i64.add", "i64.sub", "i64.mul", "i64.shl"):
        del _FUSE_PRODUCERS[_name]
# For canonical u32 operands a sum is below 2**33 and a difference above -2**32: one correction.
_I32_CANONICAL = {
    "i32.add": "(_nt if (_nt := {0} + {1}) < 0x100000000 else _nt - 0x100000000)",
    "i32.sub": "(_nt if (_nt := {0} - {1}) >= 0 else _nt + 0x100000000)",
}
_UNKNOWN_BITS = 99


def _bits(entry: list) -> int:
    """An upper bound of the bit length of an i32 stack entry (99 when unknown)."""
    if len(entry) > 2:
        return entry[2]
    v = _literal_int(entry)
    return v.bit_length() if v is not None and v >= 0 else _UNKNOWN_BITS


_BOUNDED = frozenset(("i32.shl", "i32.add", "i32.mul"))


def _below(entry: list, n: int) -> bool:
    """Whether an i32 stack entry is provably below ``n`` (its bit-length bound, e.g. a ``& 7``)."""
    b = _bits(entry)
    return b < _UNKNOWN_BITS and (1 << b) <= n


def _shr_bits(b: List[int]) -> int:
    return b[0]  # a shift right never grows a value (the count is refined below when constant)


_BITS_RULES = {
    "i32.and": lambda b: min(b[0], b[1]),
    "i32.or": lambda b: max(b[0], b[1]),
    "i32.xor": lambda b: max(b[0], b[1]),
    "i32.shr_u": _shr_bits,
    "i32.eqz": lambda b: 1, "i32.eq": lambda b: 1, "i32.ne": lambda b: 1,
    "i32.lt_u": lambda b: 1, "i32.gt_u": lambda b: 1, "i32.le_u": lambda b: 1, "i32.ge_u": lambda b: 1,
    "i64.eqz": lambda b: 1, "i64.eq": lambda b: 1, "i64.ne": lambda b: 1,
    "i64.lt_s": lambda b: 1, "i64.gt_s": lambda b: 1, "i64.le_s": lambda b: 1, "i64.ge_s": lambda b: 1,
    "i64.lt_u": lambda b: 1, "i64.gt_u": lambda b: 1, "i64.le_u": lambda b: 1, "i64.ge_u": lambda b: 1,
    "i32.clz": lambda b: 6,
}
_SIGNED_CMP = frozenset(("i32.lt_s", "i32.gt_s", "i32.le_s", "i32.ge_s"))
_MIRROR = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}
_PLAIN_CMP = {"lt": "({0} < {1})", "gt": "({0} > {1})", "le": "({0} <= {1})", "ge": "({0} >= {1})"}
# signed a OP c for a constant c: [c as signed >= 0, c as signed < 0]
_CMP_CONST = {
    "lt": ("({a} < {c} or {a} > 0x7FFFFFFF)", "(0x7FFFFFFF < {a} < {c})"),
    "le": ("({a} <= {c} or {a} > 0x7FFFFFFF)", "(0x7FFFFFFF < {a} <= {c})"),
    "gt": ("({c} < {a} <= 0x7FFFFFFF)", "({a} > {c} or {a} <= 0x7FFFFFFF)"),
    "ge": ("({c} <= {a} <= 0x7FFFFFFF)", "({a} >= {c} or {a} <= 0x7FFFFFFF)"),
}
# signed a OP 0: the sign bit alone decides lt/ge (one compare instead of two)
_CMP_ZERO = {"lt": "({0} > 0x7FFFFFFF)", "ge": "({0} <= 0x7FFFFFFF)"}
# same sign bit: the unsigned order is the signed one; different: the negative one is the larger u32
_CMP_VAR = {
    "lt": "(({0} < {1}) if ({0} ^ {1}) < 0x80000000 else ({0} > {1}))",
    "le": "(({0} <= {1}) if ({0} ^ {1}) < 0x80000000 else ({0} > {1}))",
    "gt": "(({0} > {1}) if ({0} ^ {1}) < 0x80000000 else ({0} < {1}))",
    "ge": "(({0} >= {1}) if ({0} ^ {1}) < 0x80000000 else ({0} < {1}))",
}
_I64_FUSED = {
    "i64.add": _w64m("{0} + {1}"),
    "i64.sub": _w64m("{0} - {1}"),
}
_BITWISE_I32 = {"i32.xor": "({0} ^ {1})", "i32.or": "({0} | {1})"}
_MASKERS = frozenset(("i32.and", "i64.and", "i32.wrap_i64"))
# operators whose effects a trap makes unobservable (locals die with the trapping call stack)
_UNOBSERVABLE = frozenset((I.LOCAL_GET, I.LOCAL_SET, I.LOCAL_TEE, I.I32_CONST, I.I64_CONST, I.F32_CONST,
                           I.F64_CONST, I.DROP, I.NOP, I.SELECT, I.SELECT_T, I.GLOBAL_GET, I.IF, I.END,
                           I.BR_IF, I.BR, I.BR_TABLE, I.BLOCK, I.LOOP))
_PLAIN_STEPS = frozenset((I.LOCAL_GET, I.LOCAL_SET, I.LOCAL_TEE, I.I32_CONST, I.I64_CONST, I.F32_CONST,
                          I.F64_CONST))
_CONTROL_STEPS = frozenset((I.CALL, I.CALL_INDIRECT, I.DROP, I.SELECT, I.SELECT_T, I.GLOBAL_GET, I.GLOBAL_SET,
                            I.NOP, I.UNREACHABLE, I.BLOCK, I.LOOP, I.IF, I.ELSE, I.END, I.BR, I.BR_IF,
                            I.BR_TABLE, I.RETURN))
_CONST_SHIFT_OPS = frozenset(("i32.rotl", "i32.rotr", "i64.rotl", "i64.rotr", "i64.shr_u"))


def _literal_int(entry: list) -> Optional[int]:
    """The value of a stack entry that is an integer literal, else None."""
    if entry[1] is not None:
        return None
    t = entry[0]
    if t.startswith("(-"):
        t = t[1:-1]
    elif not t[0].isdigit():
        return None  # a slot or namespace name: skip the raised ValueError (~1 us)
    try:
        return int(t)
    except ValueError:
        return None


def _small_constant_side(name: str, args: List[list]) -> Tuple[str, List[list]]:
    """``x + c`` with a literal c >= 2**31 (compilers' ``x - k``) as ``x - (2**32 - c)``, and ``x - c``
    likewise as an add: the same value mod 2**32, computed with small ints instead of 2-digit ones
    (a decrement ``x + 0xFFFFFFFF`` costs 72 ns in canonical form, ``x - 1`` 33 ns)."""
    for j in ((0, 1) if name == "i32.add" else (1,)):
        c = _literal_int(args[j])
        if c is not None and c >= 0x80000000 and _literal_int(args[1 - j]) is None:
            flipped = "i32.sub" if name == "i32.add" else "i32.add"
            return flipped, [args[1 - j], [str(0x100000000 - c), None]]
    return name, args


class TooComplex(Exception):
    """The function's structure exceeds what CPython compiles; use the fallback."""

    analyses: Optional[tuple] = None  # see FuncTranslator.analyses


class _Frame:
    __slots__ = (
        "kind", "base", "nparams", "nresults", "arity", "py_loop", "loop_index", "indent",
        "unreachable", "has_else", "then_reachable", "body_start", "targeted", "end_pc", "tail",
        "direct_exit", "wrapper", "deferred", "preds", "head", "dup",
    )

    def __init__(self, kind: str, base: int, nparams: int, nresults: int, targeted: bool) -> None:
        self.kind = kind
        self.base = base
        self.nparams = nparams
        self.nresults = nresults
        self.arity = nparams if kind == "loop" else nresults
        self.targeted = targeted
        self.py_loop = False
        self.loop_index = -1
        self.indent = 0
        self.unreachable = False
        self.has_else = False
        self.then_reachable = False
        self.body_start = 0
        self.end_pc = -1  # index of the matching ``end``
        self.tail = False  # an ``if`` right before the function's end: its arms return directly
        self.direct_exit = False  # some branch leaves it by breaking out of its last inner loop
        self.wrapper = False  # a block around exactly one loop, left by breaking out of that loop
        self.deferred: Tuple[int, ...] = ()  # fuel of the pure segments before this ``if``, charged in its arms
        self.preds: Optional[List[Charge]] = None  # metered: the charges of every jump to a block's end
        self.head: Optional[Charge] = None  # metered: a loop's header segment (preds: every way in)
        self.dup: Optional[Tuple[int, int]] = None  # body[lo:hi] that each branch to this block's end runs


class Consts:
    """Constants that cannot be written as literals (non-finite floats): namespace names."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.values: Dict[str, Any] = {}
        self._by_key: Dict[Any, str] = {}

    def name(self, key: Any, value: Any) -> str:
        n = self._by_key.get(key)
        if n is None:
            n = f"{self.prefix}{len(self.values)}"
            self._by_key[key] = n
            self.values[n] = value
        return n


def _index_space_types(module: Module) -> Tuple[List[FuncType], list]:
    """The module's function and global types, computed once per module (a validated module does not
    change): rebuilding them for every translated function made translation quadratic in the number
    of functions (QuickJS: 0.56 s of its translation time)."""
    hit = module.derived.get("index_space_types")
    if hit is None:
        hit = module.derived["index_space_types"] = (module.func_types(), module.global_types())
    return hit


class FuncTranslator:
    # operators run_range hands straight to step_local (a subclass translating one of them its own
    # way removes it)
    plain_steps = _PLAIN_STEPS
    tail_dup_max = TAIL_DUP_MAX  # tests set 0 to compare with the looped translation

    def __init__(self, module: Module, func_index: int, fuel: bool) -> None:
        self.module = module
        self.func_index = func_index
        nimp = sum(1 for i in module.imports if i.kind == 0)
        self.func = module.funcs[func_index - nimp]
        self.ftype: FuncType = module.types[self.func.type_index]
        self.fuel = fuel
        self.lines: List[Tuple[int, str]] = []
        self.stack: List[list] = []  # [expr, deps]  deps None = clean (own slot var or literal)
        self.ctl: List[_Frame] = []
        self.indent = 1
        self.loops = 0
        self.uses_b = False
        self.crossings: List[Tuple[int, int, bool]] = []  # (from loop, target loop, is continue)
        self.consts = Consts(f"_k{func_index}_")
        self.seg: Optional[Charge] = None  # the open segment's charge
        self.charges: List[Charge] = []  # every charge line, written at the end (fuelplan)
        self.pending_edge: Optional[Charge] = None  # a charge already emitted for the next branch_code
        self.ends_segment = False  # the next branch_code is a ``br``: the open segment ends with it
        self.fuel_count = 0
        self.seg_deferred: Tuple[int, ...] = ()  # see seg_start
        self.seg_pure = False  # the open segment has only operators whose effects die with a trap
        self.op_costs: Optional[Callable[[I.Op], int]] = None  # Config.fuel_costs; None: 1 per operator
        self.all_func_types, self.global_types = _index_space_types(module)
        self.switch_ok = True  # the fallback translator turns switch lowering off
        self.reducible: Dict[str, str] = {}  # pending reduced expression -> its unreduced form
        self.pc = 0
        self.facts: Dict[int, Any] = {}  # ranges.analyze: what is known at each pc
        self.signed: frozenset = frozenset()  # locals held as signed ints (ranges._signed_locals)
        self.raw: Dict[str, str] = {}  # a signed local's canonical read "(lN & 0xFFFFFFFF)" -> "lN"
        self.signed_vals: set = set()  # pending expressions whose value is a signed i32 (for a signed local)
        # (range facts, codegen_mem state) from an attempt that raised TooComplex: they depend on the
        # function only, and the fallback's second walk would pay for them again (QuickJS: 0.3 s)
        self.analyses: Optional[tuple] = None
        self.read_deps: Dict[str, frozenset] = {}  # see step_local

    # --- emission --------------------------------------------------------------------------
    def emit(self, text: str) -> None:
        self.lines.append((self.indent, text))

    def open_indent(self) -> None:
        self.indent += 1
        if self.indent > MAX_INDENT:
            raise TooComplex("indentation")

    # --- fuel ----------------------------------------------------------------------------------
    def op_fuel(self, op: I.Op) -> int:
        return 1 if self.op_costs is None else self.op_costs(op)

    def seg_start(self, deferred: Tuple[int, ...] = ()) -> None:
        """Open a fuel segment; ``deferred`` are the costs of the pure segments before it, in order,
        charged here (docs/RATIONALE.md "Why defer a pure segment's fuel into the if arms?")."""
        if not self.fuel:
            return
        self.seg_end()
        self.seg = self.edge(deferred)
        self.fuel_count = 0
        self.seg_pure = True

    def edge(self, costs: Tuple[int, ...] = ()) -> Charge:
        """Reserve a charge line here (written at the end of the translation, fuelplan)."""
        c = Charge(self.lines, len(self.lines), self.indent, costs)
        self.emit("")
        self.charges.append(c)
        return c

    def seg_end(self) -> None:
        seg = self.seg
        if seg is None:
            return
        if self.fuel_count:
            seg.costs.append(self.fuel_count)
        if seg.preds is not None:
            hoist(seg)
        self.seg = None
        self.fuel_count = 0
        self.seg_pure = False

    def seg_defer(self) -> Optional[Tuple[int, ...]]:
        """Close the open segment without charging it when it and the segments already deferred into
        it are pure: the costs its successors must charge first (None: it cannot be deferred)."""
        seg = self.seg
        if not (DEFER_PURE_SEGMENTS and self.seg_pure and seg is not None and len(seg.costs) < MAX_DEFER_CHAIN):
            return None
        chain = tuple(seg.costs) + ((self.fuel_count,) if self.fuel_count else ())
        seg.costs = []
        self.fuel_count = 0
        self.seg_end()
        return chain

    def join_pred(self, f: _Frame) -> None:
        """A jump to the end of block ``f`` (a join whose segment may be hoisted into its ways in)."""
        preds = f.preds
        if preds is None:
            return
        e = self.pending_edge
        self.pending_edge = None
        if e is None:
            if self.ends_segment and self.seg is not None and self.seg_pure:
                preds.append(self.seg)  # pure up to this ``br``: it can charge the join first
                return
            e = self.edge()
        preds.append(e)

    # --- stack -------------------------------------------------------------------------------
    def push(self, expr: str, deps: Optional[frozenset]) -> None:
        self.stack.append([expr, deps])
        if deps is not None and len(expr) > MAX_EXPR:
            self.materialize(len(self.stack) - 1)

    def push_pure(self, template: str, args: List[list]) -> None:
        deps: set = set()
        for a in args:
            if a[1] is not None:
                deps |= a[1]
            elif a[0][0] == "s":
                deps.add(a[0])
        self.push(template.format(*[a[0] for a in args]), frozenset(deps))

    def pop(self) -> list:
        return self.stack.pop()

    def popn(self, n: int) -> List[list]:
        if n == 0:
            return []
        args = self.stack[-n:]
        del self.stack[-n:]
        return args

    def write_slot(self, k: int, expr: str) -> None:
        """Emit ``s{k} = expr`` after materialising pending entries that read the old ``s{k}``."""
        name = f"s{k}"
        for j in range(min(k, len(self.stack))):
            d = self.stack[j][1]
            if d is not None and name in d:
                self.spill(j)
        if expr != name:
            self.emit(f"{name} = {expr}")

    def spill(self, j: int) -> None:
        """Save pending entry ``j`` into its slot because an operand it reads is about to change. An
        i32 wrapping result is saved unreduced and its mask stays pending, so a later sum can still
        fuse it (a dot product's masked products become one mask for the sum)."""
        e = self.stack[j]
        un = self.reducible.get(e[0])
        if un is None or "0xFFFFFFFFFFFFFFFF" in e[0]:
            self.materialize(j)
            return
        slot = f"s{j}"
        self.write_slot(j, un)
        e[0] = f"({slot} & 0xFFFFFFFF)"
        e[1] = frozenset((slot,))
        self.reducible[e[0]] = slot

    def materialize(self, j: int) -> None:
        e = self.stack[j]
        if e[1] is None:
            return
        self.write_slot(j, e[0])
        e[0] = f"s{j}"
        e[1] = None

    def flush_all(self) -> None:
        for j in range(len(self.stack)):
            self.materialize(j)

    def force_slots(self, lo: int, hi: int) -> None:
        """Make entries lo..hi-1 live in their own slot variables (literals included)."""
        for j in range(lo, hi):
            e = self.stack[j]
            name = f"s{j}"
            if e[0] != name:
                self.write_slot(j, e[0])
                e[0] = name
                e[1] = None

    def push_result(self, expr: str) -> None:
        """Materialise an impure expression into the next slot, in order."""
        k = len(self.stack)
        self.write_slot(k, expr)
        self.stack.append([f"s{k}", None])

    # --- memory accesses at speculated addresses ------------------------------------------
    def spec_addr(self, a: list) -> Optional[str]:
        """The unreduced form of a pending i32 address that carries a wrap-around reduction, when it
        is provably non-negative (sums, products and shifts of u32 values: no ``-`` anywhere), else None.

        An access at the unreduced address ``u`` is exact whenever ``u < 2**32``; when ``u >= 2**32``
        it lies past every memory's end and raises, and the generated code retries at the exact
        (reduced) address (docs/RATIONALE.md "Why speculate that addresses do not wrap?")."""
        if a[1] is None or self.loops >= MAX_LOOPS - 1 or self.indent >= MAX_INDENT - 1:
            return None
        u = self.reducible.get(a[0])
        if u is None or "-" in u:
            return None
        return u

    def push_load(self, exact: str, fast: Optional[str]) -> None:
        """Materialise a load into the next slot; with ``fast``, try the speculated form first."""
        if fast is None or fast == exact:
            self.push_result(exact)
            return
        k = len(self.stack)
        name = f"s{k}"
        self.write_slot(k, name)  # spills the pending entries that read the old slot; emits nothing
        self.emit("try:")
        self.emit(f"\t{name} = {fast}")
        self.emit("except _MEMX:")
        self.emit(f"\t{name} = {exact}")
        self.stack.append([name, None])

    def mark_load_bits(self, name: str) -> None:
        """Record the bit-length bound of a narrow i32 load's result (now on the stack top)."""
        bits = LOAD_BITS.get(name)
        if bits is not None:
            self.stack[-1].append(bits)

    def store_value(self, sv: list, mask: str) -> Tuple[list, str]:
        """A store's value operand and the mask (``" & 0xFF"``…) it still needs: none when the value
        already fits; a pending wrapping result is stored unreduced, the mask doing the reduction."""
        if mask:
            if _bits(sv) <= MASK_BITS[mask]:
                return sv, ""
            if sv[1] is not None and sv[0] in self.reducible:
                return ["(" + self.reducible[sv[0]] + ")", sv[1]], mask
        return sv, mask

    def emit_store(self, exact: str, fast: Optional[str]) -> None:
        if fast is None or fast == exact:
            self.emit(exact)
            return
        self.emit("try:")
        self.emit(f"\t{fast}")
        self.emit("except _MEMX:")
        self.emit(f"\t{exact}")

    def flush_local(self, name: str) -> None:
        for j in range(len(self.stack)):
            d = self.stack[j][1]
            if d is not None and name in d:
                self.materialize(j)

    # --- constants ---------------------------------------------------------------------------
    def float_lit(self, value: float, key: Any) -> str:
        if value != value or value in (float("inf"), float("-inf")):
            return self.consts.name(key, value)
        r = repr(value)
        return f"({r})" if r.startswith("-") else r

    # --- branches ----------------------------------------------------------------------------
    def move_to(self, base: int, values: List[list]) -> None:
        targets = [f"s{base + i}" for i in range(len(values))]
        srcs = [v[0] for v in values]
        pairs = [(t, s) for t, s in zip(targets, srcs) if t != s]
        if not pairs:
            return
        if len(pairs) == 1:
            self.emit(f"{pairs[0][0]} = {pairs[0][1]}")
        else:
            self.emit(", ".join(p[0] for p in pairs) + " = " + ", ".join(p[1] for p in pairs))

    def branch_code(self, depth: int) -> None:
        """Emit the jump to label ``depth`` (values taken from the stack top, stack unchanged)."""
        f = self.ctl[-1 - depth]
        if f.preds is not None:
            self.join_pred(f)
        vals = self.stack[len(self.stack) - f.arity:] if f.arity else []
        if f.kind == "func":
            self.emit_return(vals)
            return
        if f.dup is not None:
            self.run_dup(f)
            return
        self.move_to(f.base, vals)
        if f.wrapper:
            self.emit("break")  # out of the block's only loop, which we are directly inside
            return
        cont = f.kind == "loop"
        cur = self.loops - 1
        if f.loop_index == cur:
            self.emit("continue" if cont else "break")
        elif (f.kind == "block" and f.arity == 0 and f.loop_index == cur - 1
              and f.end_pc == self._innermost_loop_frame().end_pc + 1):
            # leaving the inner loop lands exactly at this block's end: a plain break does it
            f.direct_exit = True
            self.emit("break")
        else:
            self.uses_b = True
            self.crossings.append((cur, f.loop_index, cont))
            self.emit(f"_b = {2 * f.loop_index + (1 if cont else 0)}")
            self.emit("break")

    def tail_dup(self, f: _Frame) -> Optional[Tuple[int, int]]:
        """The code after block ``f``'s end, when every branch there may run a copy of it instead: a
        few straight-line operators ending in a ``br`` to a loop (a dispatch loop's common tail, so
        each case continues the loop directly)."""
        pc = self.pc
        if self.tail_dup_max <= 0 or pc in self.wrappers or len(self.targeted.get(pc, ())) > TAIL_DUP_SITES:
            return None
        body = self.body
        j = f.end_pc + 1
        if j <= 0:
            return None
        hi = min(len(body), j + self.tail_dup_max + 1)
        while j < hi:
            op = body[j][0]
            if op is I.BR:
                depth = body[j][1]
                if depth < len(self.ctl) and self.ctl[-1 - depth].kind == "loop":
                    return f.end_pc + 1, j + 1
                return None
            if op.imm in ("block", "label", "br_table") or op in (I.END, I.ELSE, I.RETURN, I.UNREACHABLE):
                return None
            j += 1
        return None

    def run_dup(self, f: _Frame) -> None:
        """A branch to the end of block ``f`` (see tail_dup): translate the code after its end here,
        against the frames around ``f``, then put the translator's state back for the code after the
        branch."""
        i = len(self.ctl) - 1
        while self.ctl[i] is not f:
            i -= 1
        saved_ctl, saved_stack, saved_pc = self.ctl, self.stack, self.pc
        outer = saved_ctl[:i]
        flags = [g.unreachable for g in outer]
        self.ctl = list(outer)
        self.stack = [list(e) for e in saved_stack[:f.base]]
        try:
            self.run_range(*f.dup)  # type: ignore[misc]
        finally:
            self.ctl, self.stack, self.pc = saved_ctl, saved_stack, saved_pc
            for g, u in zip(outer, flags):
                g.unreachable = u

    def _innermost_loop_frame(self) -> _Frame:
        for f in reversed(self.ctl):
            if f.py_loop:
                return f
        raise InternalError("no Python loop is open")

    def emit_return(self, vals: List[list]) -> None:
        if not vals:
            self.emit("return")
        elif len(vals) == 1:
            self.emit(f"return {vals[0][0]}")
        else:
            self.emit("return (" + ", ".join(v[0] for v in vals) + ",)")

    def after_loop(self, f: _Frame) -> None:
        """Code right after a Python loop closes: continue the multi-level branches that crossed it.

        ``_b`` holds 2 * (target loop index) + (1 for continue), or ``_B_NONE``; one test on the normal
        exit path, two per level while a branch is passed outwards.
        """
        j = f.loop_index
        rel = [(t, c) for (cur, t, c) in self.crossings if cur >= j and t < j]
        if not rel:
            return
        self.crossings = [x for x in self.crossings if not (x[0] >= j and x[1] < j)]
        here = {c for t, c in rel if t == j - 1}
        further = {(t, c) for t, c in rel if t < j - 1}
        for t, c in further:
            self.crossings.append((j - 1, t, c))
        self.emit(f"if _b < {2 * j}:")
        self.indent += 1
        if further and here:
            self.emit(f"if _b < {2 * (j - 1)}:")
            self.emit("\tbreak")
        if not here:
            self.emit("break")
        elif here == {False}:
            self.emit(f"_b = {_B_NONE}")
            self.emit("break")
        elif here == {True}:
            self.emit(f"_b = {_B_NONE}")
            self.emit("continue")
        else:
            self.emit(f"if _b == {2 * (j - 1)}:")
            self.emit(f"\t_b = {_B_NONE}")
            self.emit("\tbreak")
            self.emit(f"_b = {_B_NONE}")
            self.emit("continue")
        self.indent -= 1

    def mark_unreachable(self) -> None:
        self.ctl[-1].unreachable = True

    # --- the walk ----------------------------------------------------------------------------
    def translate(self) -> str:
        ft = self.ftype
        body = self.func.body
        st = scan_structure(body)
        targeted, self.ends = st.targeted, st.ends
        self.ifs_with_else, self.wrappers = st.ifs_with_else, st.wrappers
        self.body_len = len(body)
        if self.analyses is not None:
            self.facts, mem_state = self.analyses
            if mem_state is not None:
                self._mem_state = mem_state
        else:
            self.facts = analyze_ranges(self.module, self.func, self.all_func_types)
        self.signed = self.facts.get(-1, frozenset())  # type: ignore[assignment]
        self.raw = {f"(l{v} & 0xFFFFFFFF)": f"l{v}" for v in self.signed}
        params = [f"l{i}" for i in range(len(ft.params))]
        local_types = self.func.local_types()
        n = len(ft.params)
        head = [f"def _wasm_f{self.func_index}({', '.join(params)}):"]
        inits: Dict[str, List[str]] = {}
        for i, t in enumerate(local_types):
            v = "0.0" if t in (ValType.F32, ValType.F64) else "None" if t.is_ref else "0"
            inits.setdefault(v, []).append(f"l{n + i}")
        for v, names in inits.items():
            for k in range(0, len(names), 200):
                head.append("\t" + " = ".join(names[k:k + 200]) + f" = {v}")
        fr = _Frame("func", 0, 0, len(ft.results), False)
        self.ctl.append(fr)
        self.seg_start()
        self.targeted = targeted
        self.body = body
        self.run_range(0, len(body))
        if self.uses_b:
            head.append(f"\t_b = {_B_NONE}")
        self.seg_end()
        for c in self.charges:
            c.patch()
        # a charge merged into another leaves its reserved line empty: compile() need not see it
        head.extend(["\t" * ind + text for ind, text in self.lines if text])
        return "\n".join(head) + "\n"

    def run_range(self, lo: int, hi: int) -> None:
        """Translate body[lo:hi], skipping code that cannot be reached."""
        body = self.body
        targeted = self.targeted
        step = self.step
        step_local, plain = self.step_local, self.plain_steps
        BLOCK, LOOP, IF, END, ELSE = I.BLOCK, I.LOOP, I.IF, I.END, I.ELSE  # locals: once per operator
        switch_ok = self.switch_ok
        skip = 0  # nesting depth inside unreachable code
        pc = lo
        while pc < hi:
            ins = body[pc]
            op = ins[0]
            pc += 1
            if self.ctl[-1].unreachable:
                if op is BLOCK or op is LOOP or op is IF:
                    skip += 1
                    continue
                if op is END:
                    if skip:
                        skip -= 1
                        continue
                elif op is ELSE:
                    if skip:
                        continue
                else:
                    continue
            self.pc = pc - 1
            if op in plain:
                step_local(op, ins)
                continue
            if op is BLOCK and switch_ok:
                resume = self.try_switch(pc - 1)
                if resume is not None:
                    pc = resume
                    continue
            step(op, ins, (pc - 1) in targeted)
            if not self.ctl:
                break

    # --- switch nests ----------------------------------------------------------------------
    def match_switch(self, p0: int) -> Optional[Tuple[int, int, List[int]]]:
        """Recognise C's switch: blocks $c_n..$c_0 opened back to back, the innermost holding only
        straight-line code and one br_table, each case's code ending in a branch, and no branch
        other than that br_table targeting the nest. Returns (n, br_table pc, ends of $c_0..$c_n)."""
        body = self.body
        n = -1
        p = p0
        while p < len(body) and body[p][0] is I.BLOCK and body[p][1] is None:
            n += 1
            p += 1
        if n < 2:
            return None
        q = p
        while q < len(body) and body[q][0] is not I.BR_TABLE:
            op = body[q][0]
            if op.imm in ("block", "label", "br_table") or op in (I.END, I.ELSE, I.RETURN, I.UNREACHABLE):
                return None
            q += 1
        if q >= len(body) or body[q + 1][0] is not I.END:
            return None
        starts = [p0 + n - k for k in range(n + 1)]  # start pc of $c_k
        ends = [self.ends.get(st, -1) for st in starts]
        if ends[0] != q + 1:
            return None
        for k in range(n + 1):
            if self.targeted.get(starts[k], {q}) - {q}:
                return None
        for k in range(n):
            lo, hi = ends[k] + 1, ends[k + 1]
            if hi > lo and body[hi - 1][0] not in (I.BR, I.BR_TABLE, I.RETURN, I.UNREACHABLE):
                return None
        return n, q, ends

    def try_switch(self, p0: int) -> Optional[int]:
        m = self.match_switch(p0)
        if m is None:
            return None
        n, q, ends = m
        body = self.body
        # the cases run in different branches: nothing pending may depend on which one ran
        self.flush_all()
        self.fuel_count += (n + 1) * self.op_fuel(I.BLOCK)  # the n + 1 ``block`` operators
        base_ctl = list(self.ctl)
        nest = [_Frame("block", len(self.stack), 0, 0, False) for _ in range(n + 1)]  # $c_n .. $c_0
        self.ctl.extend(nest)
        self.run_range(p0 + n + 1, q)  # the index computation
        self.fuel_count += self.op_fuel(I.BR_TABLE)
        idx = self.pop()
        del self.ctl[len(base_ctl):]
        saved = [list(e) for e in self.stack]
        k_slot = len(self.stack)
        tmp = f"s{k_slot}"
        self.write_slot(k_slot, idx[0])
        # a pure segment up to the br_table: each case charges it with its own cost
        chain = self.seg_defer()
        if chain is None:
            self.seg_end()
            chain = ()

        def segment(k: int) -> None:
            # code_k, or (k == n) leaving the nest; empty cases run the next case's code
            while k < n and ends[k] + 1 == ends[k + 1]:
                k += 1
            if k == n:
                if chain:
                    self.edge(chain)
                self.emit("pass")
                return
            self.stack = [list(e) for e in saved]
            self.ctl = base_ctl + nest[:n - k]
            for f in nest:
                f.unreachable = False
            self.seg_start(chain)
            self.run_range(ends[k] + 1, ends[k + 1])
            self.seg_end()
            self.ctl = list(base_ctl)

        def leaf(d: int) -> None:
            if d <= n:
                segment(d)
            else:
                self.stack = [list(e) for e in saved]
                self.ctl = base_ctl + nest
                if chain:
                    self.pending_edge = self.edge(chain)
                self.branch_code(d)
                self.pending_edge = None
                self.ctl = list(base_ctl)

        targets = list(body[q][1])
        default = body[q][2]
        if targets and _below(idx, len(targets)):
            self._tree(tmp, targets, 0, len(targets), leaf)  # the default is never taken
        elif targets:
            self.emit(f"if {tmp} >= {len(targets)}:")
            self.open_indent()
            leaf(default)
            self.indent -= 1
            self.emit("else:")
            self.open_indent()
            self._tree(tmp, targets, 0, len(targets), leaf)
            self.indent -= 1
        else:
            leaf(default)
        self.stack = [list(e) for e in saved]
        self.ctl = base_ctl
        reach_after = n in targets or default == n or any(
            ends[k] + 1 == ends[k + 1] and all(ends[j] + 1 == ends[j + 1] for j in range(k, n))
            for k in set(t for t in targets + [default] if t < n))
        if reach_after:
            self.seg_start()
        else:
            self.ctl[-1].unreachable = True
        return ends[n] + 1

    def step(self, op: I.Op, ins: tuple, targeted: bool) -> None:  # noqa: C901 - one dispatch
        if op in _PLAIN_STEPS:
            # half of a body: no rewriting rule below applies to them (and they keep seg_pure)
            self.step_local(op, ins)
            return
        if op is not I.END and op is not I.ELSE:
            self.fuel_count += 1 if self.op_costs is None else self.op_costs(op)
        if op in _CONTROL_STEPS:
            # a quarter: nor to these (one test instead of the whole chain below)
            if op not in _UNOBSERVABLE:
                self.seg_pure = False
            self.step_control(op, ins, targeted)
            return
        name = op.name
        if self.seg_pure and op not in _UNOBSERVABLE and name not in PURE:
            self.seg_pure = False
        if name in _CONST_SHIFT_OPS and self.stack:
            k = _literal_int(self.stack[-1])
            if k is not None and self.const_shift(name, k):
                return
        if name in _SIGNED_CMP and self.signed_compare(name):
            self.stack[-1].append(1)
            return
        if (name == "i32.add" or name == "i32.sub") and self.pc in self.facts and self.ranged(name):
            return
        if name in _BOUNDED and self.bounded(name):
            return
        tpl = INLINE.get(name)
        if tpl is not None:
            n = len(op.params or ())
            for j in range(len(self.stack) - n, len(self.stack)):
                e = self.stack[j]
                if e[1] is not None and not e[0].isidentifier() and _uses_more_than_once(tpl, j - len(self.stack) + n):
                    self.materialize(j)  # a template operand read twice must be a plain name
            self.push_pure(tpl, self.popn(n))
            return
        tpl = PURE.get(name)
        if tpl is not None:
            args = self.popn(len(op.params or ()))
            if name == "i32.add" or name == "i32.sub":
                name, args = _small_constant_side(name, args)
                tpl = PURE[name]
            elif name in _MASKERS:
                args = self.unreduced_under_mask(name, args)
            elif name in _BITWISE_I32 and all(a[1] is not None and a[0] in self.reducible for a in args):
                # both sides unreduced (rotates in hashes): one mask for the result instead of one each
                un = _BITWISE_I32[name].format(*[self.reducible[a[0]] for a in args])
                bits = _BITS_RULES[name]([_bits(a) for a in args])
                self.push_pure("(" + un + " & 0xFFFFFFFF)", args)
                self.stack[-1].append(bits)
                self.reducible[self.stack[-1][0]] = un
                return
            if name in _FUSE_CONSUMERS:
                # ((a + b) & M) + c  ->  (a + b + c) & M: one reduction for a chain of sums
                fused = [[self.reducible.get(a[0], a[0]), a[1]] if a[1] is not None else a for a in args]
                if any(f[0] != a[0] for f, a in zip(fused, args)):
                    args = fused
                    tpl = _I64_FUSED.get(name, tpl)  # a fused i64 sum is usually out of range
                else:
                    # canonical operands: one compare-and-correct beats masking with a 2-digit int
                    tpl = _I32_CANONICAL.get(name, tpl)
            inner = _FUSE_PRODUCERS.get(name)
            if MACHINE_INTS and name == "i32.mul" and any(0 < (_literal_int(a) or 0) < 1 << 29 for a in args):
                # PyPy: a u32 times a literal below 2**29 stays below 2**61 (a few such products summed
                # stay in the machine word): the plain product, which a sum may take unreduced
                tpl, inner = "(({0} * {1}) & 0xFFFFFFFF)", "({0} * {1})"
            self.push_pure(tpl, args)
            rule = _BITS_RULES.get(name)
            if rule is not None:
                self.stack[-1].append(rule([_bits(a) for a in args]))
            if inner is not None and self.stack[-1][1] is not None:
                self.reducible[self.stack[-1][0]] = inner.format(*[a[0] for a in args])
            return
        ld = LOADS.get(name)
        if ld is not None:
            if codegen_mem.load(self, name, ins):  # proven aligned: a typed memoryview
                return
            a = self.pop()
            mem = f"M{ins[3]}"
            fmt, post = ld

            def load_at(base: str) -> str:
                addr = base if ins[2] == 0 else f"{base} + {ins[2]}"
                if fmt is None:
                    return f"_ldf32({mem}, {addr})" if name == "f32.load" else f"{mem}[{addr}]"
                return f"{_STRUCT_NAMES[fmt]}({mem}, {addr})[0]{post}"

            u = self.spec_addr(a)
            self.push_load(load_at(a[0]), None if u is None else load_at(u))
            self.mark_load_bits(name)
            return
        st = STORES.get(name)
        if st is not None:
            if codegen_mem.store(self, name, ins, st[1]):  # proven aligned: a typed memoryview
                return
            sv, a = self.pop(), self.pop()
            mem = f"M{ins[3]}"
            fmt = st[0]
            sv, mask = self.store_value(sv, st[1])

            def store_at(base: str) -> str:
                addr = base if ins[2] == 0 else f"{base} + {ins[2]}"
                if fmt is None:
                    return (f"_stf32({mem}, {addr}, {sv[0]})" if name == "f32.store"
                            else f"{mem}[{addr}] = {sv[0]}{mask}")
                return f"{_PACK_NAMES[fmt]}({mem}, {addr}, {sv[0]}{mask})"

            u = self.spec_addr(a)
            self.emit_store(store_at(a[0]), None if u is None else store_at(u))
            return
        tpl = TRAPPING.get(name)
        if name in EXPR_CONST_DIVISOR and self.stack:
            d = _literal_int(self.stack[-1])
            limit = 0x80000000 if name.startswith("i32") else 0x8000000000000000
            if d is not None and 1 <= d < limit:
                # a positive constant divisor can neither trap nor overflow: a pure expression
                x = self.stack[-2]
                if x[1] is not None and not x[0].isidentifier():
                    self.materialize(len(self.stack) - 2)  # the template reads it more than once
                args = self.popn(2)
                self.push_pure(EXPR_CONST_DIVISOR[name], args)
                return
        if tpl is not None:
            args = self.popn(len(op.params or ()))
            self.push_result(tpl.format(*[a[0] for a in args]))
            return
        self.step_control(op, ins, targeted)

    def step_control(self, op: I.Op, ins: tuple, targeted: bool) -> None:
        """Calls, control, globals, drop/select and the operators of step_misc."""
        if op is I.CALL:
            ft = self.all_func_types[ins[1]]
            args = self.popn(len(ft.params))
            self.emit_call(f"f{ins[1]}({', '.join(a[0] for a in args)})", ft)
            return
        if op is I.CALL_INDIRECT:
            ft = self.module.types[ins[1]]
            idx = self.pop()
            args = self.popn(len(ft.params))
            t, ty = f"T{ins[2]}", f"ty{ins[1]}"
            size = frozen_tables(self.module).get(ins[2])
            if size is not None:
                callee = self.dispatch_callee(ins[2], ins[1], idx, size)
            else:
                # the common case (a Wasm function of the right type) inline; _ci checks the rest and
                # raises the right trap (RATIONALE "Why inline call_indirect's common case?")
                callee = (f"(_r.fn if (_r := ({t}[_ix] if (_ix := {idx[0]}) < len({t}) else None)) is not None"
                          f" and _r.type is {ty} and _r.binder is None else _ci({t}, _ix, {ty}))")
            self.emit_call(f"{callee}({', '.join(a[0] for a in args)})", ft)
            return
        if op is I.DROP:
            self.pop()
            return
        if op is I.SELECT or op is I.SELECT_T:
            c, b = self.pop(), self.pop()
            a = self.pop()
            self.push_pure("({0} if {2} else {1})", [a, b, c])
            return
        if op is I.GLOBAL_GET:
            self.push_result(f"G{ins[1]}.value")
            return
        if op is I.GLOBAL_SET:
            e = self.pop()
            self.emit(f"G{ins[1]}.value = {e[0]}")
            return
        if op is I.NOP:
            return
        if op is I.UNREACHABLE:
            self.emit("_unreachable()")
            self.mark_unreachable()
            return
        if op is I.BLOCK or op is I.LOOP or op is I.IF:
            self.open_block(op, ins, targeted)
            return
        if op is I.ELSE:
            self.do_else()
            return
        if op is I.END:
            self.do_end()
            return
        if op is I.BR:
            self.ends_segment = True
            self.branch_code(ins[1])
            self.ends_segment = False
            self.mark_unreachable()
            return
        if op is I.BR_IF:
            c = self.pop()
            # a pure segment ending here (a loop's exit test): the taken branch charges it, the
            # fall-through segment adds it to its own charge
            chain = self.seg_defer() or ()
            self.emit(f"if {self.truth(c)}:")
            self.open_indent()
            if self.fuel:
                self.pending_edge = self.edge(chain)
            self.branch_code(ins[1])
            self.pending_edge = None
            self.indent -= 1
            self.seg_start(chain)
            return
        if op is I.BR_TABLE:
            self.do_br_table(ins)
            self.mark_unreachable()
            return
        if op is I.RETURN:
            f = self.ctl[0]
            self.emit_return(self.stack[len(self.stack) - f.arity:] if f.arity else [])
            self.mark_unreachable()
            return
        self.step_misc(op, ins)

    def step_local(self, op: I.Op, ins: tuple) -> None:
        """local.get/set/tee and constants (run_range calls it directly)."""
        self.fuel_count += 1 if self.op_costs is None else self.op_costs(op)
        if op is I.LOCAL_GET:
            v = f"l{ins[1]}"
            if ins[1] in self.signed:
                v = f"({v} & 0xFFFFFFFF)"  # the canonical value; raw_arith and conditions read lN itself
                self.push(v, frozenset((f"l{ins[1]}",)))
            else:
                deps = self.read_deps.get(v)
                if deps is None:
                    deps = self.read_deps[v] = frozenset((v,))  # one per local: a quarter of all operators
                self.stack.append([v, deps])
            bits = self.facts.get(self.pc)
            if bits is not None:
                self.stack[-1].append(bits)
            return
        if op is I.LOCAL_SET or op is I.LOCAL_TEE:
            if ins[1] in self.signed:
                self.set_signed(op, ins[1])
                return
            v = f"l{ins[1]}"
            e = self.pop()
            self.flush_local(v)
            if e[0] != v:
                last = self.lines[-1] if self.lines else None
                if (e[1] is None and last is not None and last[0] == self.indent
                        and last[1].startswith(e[0] + " = ") and e[0] == f"s{len(self.stack)}"):
                    # the value was just materialised into its slot: assign the local directly
                    self.lines[-1] = (last[0], v + last[1][len(e[0]):])
                else:
                    self.emit(f"{v} = {e[0]}")
            if op is I.LOCAL_TEE:
                self.push(v, frozenset((v,)))
            return
        if op is I.I32_CONST:
            self.push(str(ins[1] & 0xFFFFFFFF), None)
            return
        if op is I.I64_CONST:
            v = ins[1]
            if v >= 0x8000000000000000:
                v -= 0x10000000000000000
            self.push(str(v) if v >= 0 else f"({v})", None)
            return
        if op is I.F32_CONST or op is I.F64_CONST:
            from . import numerics

            bits = ins[1]
            if op is I.F32_CONST:
                val = numerics.f32_from_bits(bits)
                key = ("f32", bits)
            else:
                val = numerics.f64_from_bits(bits)
                key = ("f64", bits)
            if val != val:
                self.push(self.consts.name(key, val), None)
            else:
                self.push(self.float_lit(val, key), None)
            return

    def unreduced_under_mask(self, name: str, args: List[list]) -> List[list]:
        """A mask keeps only low bits, which a wrapping sum/difference/product/shift has in common with
        its unreduced form: ``((a + b) & 0xFFFFFFFF) & 255`` -> ``(a + b) & 255``."""
        if name == "i32.wrap_i64":
            j = 0
        elif name == "i32.and":
            # any canonical i32 (< 2**32, not itself an unreduced form) is a mask for the other side
            r0, r1 = (a[1] is not None and a[0] in self.reducible for a in args)
            if r0 == r1:
                return args
            j = 0 if r0 else 1
        else:
            c0, c1 = _literal_int(args[0]), _literal_int(args[1])
            if c1 is not None and c1 >= 0 and c0 is None:
                j = 0
            elif c0 is not None and c0 >= 0 and c1 is None:
                j = 1
            else:
                return args
        e = args[j]
        un = self.reducible.get(e[0]) if e[1] is not None else None
        if un is None:
            return args
        out = list(args)
        out[j] = [un, e[1]]
        return out

    def const_shift(self, name: str, k: int) -> bool:
        """Inline rotates and unsigned i64 shifts by a constant (hashes use them); False if not."""
        if name == "i64.shr_u":
            k &= 63
            if not k:
                return False
            self.pop()
            # the result of a shift by at least 1 is below 2**63: no wrap needed; shifting first and
            # masking with a word-sized constant keeps PyPy off big ints (0xFFFFFFFFFFFFFFFF is one)
            self.push_pure(f"(({{0}} >> {k}) & {(1 << (64 - k)) - 1:#x})", [self.pop()])
            return True
        if self.stack[-2][1] is not None and not self.stack[-2][0].isidentifier():
            self.materialize(len(self.stack) - 2)  # the value is used twice: a plain name will do
        x = self.stack[-2]
        bits = 64 if name.startswith("i64") else 32
        k &= bits - 1
        if name.endswith("rotr"):
            k = (bits - k) & (bits - 1)
        self.pop()
        self.pop()
        if k == 0:
            self.push(x[0], x[1])
            return True
        if bits == 32:
            tpl = f"((({{0}} << {k}) | ({{0}} >> {32 - k})) & 0xFFFFFFFF)"
            self.push_pure(tpl, [x])
            self.reducible[self.stack[-1][0]] = f"(({x[0]} << {k}) | ({x[0]} >> {32 - k}))"
            return True
        elif MACHINE_INTS:
            tpl = f"(_ilsh({{0}}, {k}) | _ursh({{0}}, {64 - k}))"  # PyPy: machine-word shifts
        else:
            # mask before shifting, and take the top k bits with an arithmetic shift: both halves are
            # non-negative and disjoint, so an add joins them and no final 64-bit mask is needed (a
            # negative {0} shifted left, or-ed and masked cost ~25% more: RATIONALE "Why rotate i64 ...")
            tpl = (f"(_nt - 0x10000000000000000 if (_nt := (({{0}} & {(1 << (64 - k)) - 1:#x}) << {k})"
                   f" + (({{0}} >> {64 - k}) & {(1 << k) - 1:#x})) > 0x7FFFFFFFFFFFFFFF else _nt)")
        self.push_pure(tpl, [x])
        return True

    def bounded(self, name: str) -> bool:
        """i32 shl/add/mul of operands with known small bit lengths cannot wrap: no reduction."""
        b0, b1 = _bits(self.stack[-2]), _bits(self.stack[-1])
        if name == "i32.shl":
            k = _literal_int(self.stack[-1])
            if k is None or b0 + (k & 31) > 32:
                return False
            x = self.popn(2)[0]
            self.push_pure(f"({{0}} << {k & 31})", [x])
            self.stack[-1].append(b0 + (k & 31))
            return True
        if name == "i32.add":
            if max(b0, b1) >= 32:
                return False
            self.push_pure("({0} + {1})", self.popn(2))
            self.stack[-1].append(max(b0, b1) + 1)
            return True
        if b0 + b1 > 32:  # i32.mul
            return False
        self.push_pure("({0} * {1})", self.popn(2))
        self.stack[-1].append(b0 + b1)
        return True

    def truth(self, c: list) -> str:
        """A condition's text: a signed local's raw value is nonzero exactly when its u32 value is."""
        return self.raw.get(c[0], c[0]) if c[1] is not None else c[0]

    def dispatch_callee(self, table: int, type_index: int, idx: list, size: int) -> str:
        """The callee of a ``call_indirect`` through a frozen table of ``size`` elements: its dispatch
        list for this signature (``dispatch.py``), indexed directly when the index is provably in range."""
        name = f"D{table}_{type_index}"
        self.consts.values[name] = DispatchNeed(table, type_index)
        if (1 << _bits(idx)) <= size:
            return f"{name}[{idx[0]}]"
        return f"({name}[_ix] if (_ix := {idx[0]}) < {size} else _ci(T{table}, _ix, ty{type_index}))"

    def set_signed(self, op: I.Op, idx: int) -> None:
        """``local.set``/``tee`` of a local held in signed form (docs/RATIONALE.md "Why a range
        analysis …"): a raw signed sum as it is, a literal as its signed value, anything else converted."""
        v = f"l{idx}"
        e = self.pop()
        self.flush_local(v)
        c = _literal_int(e)
        if e[1] is not None and e[0] in self.signed_vals:
            val = e[0]
        elif c is not None:
            val = str(c) if c < 0x80000000 else f"({c - 0x100000000})"
        else:
            val = f"(_nt - 0x100000000 if (_nt := {e[0]}) > 0x7FFFFFFF else _nt)"
        self.emit(f"{v} = {val}")
        if op is I.LOCAL_TEE:
            self.push(f"({v} & 0xFFFFFFFF)", frozenset((v,)))

    def raw_arith(self, name: str, xi: Any, yi: Any) -> bool:
        """i32 add/sub with an operand that is a signed local read raw: the range of the sum of the
        Python ints decides the form (plain, one correction, or a signed value for a signed local's
        ``v = v ± c``). False when no raw operand or no range."""
        x, y = self.stack[-2], self.stack[-1]
        rx = self.raw.get(x[0]) if x[1] is not None else None
        ry = self.raw.get(y[0]) if y[1] is not None else None
        if rx is None and ry is None:
            return False
        r = raw_sum(name, xi, yi, rx is not None, ry is not None)
        if r is None:
            return False
        lo, hi = r
        nxt = self.body[self.pc + 1]
        sym = "+" if name == "i32.add" else "-"
        signed = (nxt[0] is I.LOCAL_SET or nxt[0] is I.LOCAL_TEE) and nxt[1] in self.signed
        if signed and -0x80000000 <= lo and hi <= 0x7FFFFFFF:
            tpl, bits = f"({{0}} {sym} {{1}})", None
        elif 0 <= lo and hi <= 0xFFFFFFFF:
            tpl, bits = f"({{0}} {sym} {{1}})", hi.bit_length()
        elif 0x100000000 <= lo and hi <= 0x1FFFFFFFF:
            tpl, bits = f"({{0}} {sym} {{1}} - 0x100000000)", (hi - 0x100000000).bit_length()
        elif -0x100000000 <= lo and hi < 0:
            tpl, bits = f"({{0}} {sym} {{1}} + 0x100000000)", (hi + 0x100000000).bit_length()
        else:
            return False
        args = self.popn(2)
        self.push_pure(tpl, [[rx or args[0][0], args[0][1]], [ry or args[1][0], args[1][1]]])
        if bits is None:
            self.signed_vals.add(self.stack[-1][0])
        else:
            self.stack[-1].append(bits)
        return True

    def ranged(self, name: str) -> bool:
        """i32 add/sub whose wrap-around the range analysis decided: never (a plain ``+``) or always
        (one constant correction, folded into a constant operand). False when it did not."""
        mode, bits, xi, yi = self.facts[self.pc]
        if self.raw and self.raw_arith(name, xi, yi):
            return True
        if mode is None:
            return False
        args = self.popn(2)
        c = _literal_int(args[1])
        if mode == 0:
            self.push_pure("({0} + {1})" if name == "i32.add" else "({0} - {1})", args)
        elif c is not None and _literal_int(args[0]) is None:
            # x + c - 2**32 == x - (2**32 - c);  x - c + 2**32 == x + (2**32 - c)
            self.push_pure(f"({{0}} {'-' if name == 'i32.add' else '+'} {0x100000000 - c})", args[:1])
        else:
            self.push_pure("({0} + {1} - 0x100000000)" if name == "i32.add" else "({0} - {1} + 0x100000000)", args)
        self.stack[-1].append(bits)
        return True

    def signed_compare(self, name: str) -> bool:
        """i32 signed comparisons without xor-biasing both sides (each xor with 0x80000000 builds a
        2-digit int): against a constant, two compares with short-circuit; between variables, an
        unsigned compare when the sign bits agree. False when not applicable."""
        op = name[4:6]  # lt, gt, le, ge
        if self.facts.get(self.pc) == 1 or (_bits(self.stack[-1]) < 32 and _bits(self.stack[-2]) < 32):
            # both operands below 2**31 (range analysis or known bit lengths): the unsigned order
            self.push_pure(_PLAIN_CMP[op], self.popn(2))
            return True
        cb, ca = _literal_int(self.stack[-1]), _literal_int(self.stack[-2])
        if cb is not None or ca is not None:
            if cb is not None:
                var_idx, const = len(self.stack) - 2, cb
            else:
                var_idx, const, op = len(self.stack) - 1, ca or 0, _MIRROR[op]
            tpl = _CMP_ZERO.get(op) if const == 0 else None  # x <s 0 is just "sign bit set"
            if tpl is None:
                tpl = _CMP_CONST[op][const >= 0x80000000].format(a="{0}", c=const)
            e = self.stack[var_idx]
            if e[1] is not None and not e[0].isidentifier() and _uses_more_than_once(tpl, 0):
                self.materialize(var_idx)  # the template reads it twice
            var = self.stack[var_idx]
            self.popn(2)
            self.push_pure(tpl, [var])
            return True
        for j in (-2, -1):
            e = self.stack[j]
            if e[1] is not None and not e[0].isidentifier():
                self.materialize(len(self.stack) + j)
        args = self.popn(2)
        self.push_pure(_CMP_VAR[op], args)
        return True

    def emit_call(self, call: str, ft: FuncType) -> None:
        nres = len(ft.results)
        if nres == 0:
            self.emit(call)
            return
        k = len(self.stack)
        names = [f"s{k + i}" for i in range(nres)]
        for name in names:
            for j in range(len(self.stack)):
                d = self.stack[j][1]
                if d is not None and name in d:
                    self.materialize(j)
        if nres == 1:
            self.emit(f"{names[0]} = {call}")
        else:
            self.emit(", ".join(names) + f" = {call}")
        for name in names:
            self.stack.append([name, None])

    def step_misc(self, op: I.Op, ins: tuple) -> None:
        name = op.name
        if op is I.MEMORY_SIZE:
            self.push_result(f"(len(M{ins[1]}) >> 16)")
        elif op is I.MEMORY_GROW:
            a = self.pop()
            self.push_result(f"(MI{ins[1]}.grow({a[0]}) & 0xFFFFFFFF)")
        elif op is I.REF_NULL:
            self.push("None", None)
        elif op is I.REF_IS_NULL:
            self.push_pure("({0} is None)", [self.pop()])
        elif op is I.REF_FUNC:
            self.push(f"r{ins[1]}", None)
        elif op is I.TABLE_GET:
            a = self.pop()
            self.push_result(f"_tget(T{ins[1]}, {a[0]})")
        elif op is I.TABLE_SET:
            v, a = self.pop(), self.pop()
            self.emit(f"_tset(T{ins[1]}, {a[0]}, {v[0]})")
        elif op is I.TABLE_SIZE:
            self.push_result(f"len(T{ins[1]})")
        elif op is I.TABLE_GROW:
            n, v = self.pop(), self.pop()
            self.push_result(f"(TI{ins[1]}.grow({n[0]}, {v[0]}) & 0xFFFFFFFF)")
        elif op is I.TABLE_FILL:
            n, v, d = self.pop(), self.pop(), self.pop()
            self.emit(f"_tfill(T{ins[1]}, {d[0]}, {v[0]}, {n[0]})")
        elif op is I.TABLE_COPY:
            n, s, d = self.pop(), self.pop(), self.pop()
            self.emit(f"_tcopy(T{ins[1]}, T{ins[2]}, {d[0]}, {s[0]}, {n[0]})")
        elif op is I.TABLE_INIT:
            n, s, d = self.pop(), self.pop(), self.pop()
            self.emit(f"_tinit(T{ins[2]}, _E, {ins[1]}, {d[0]}, {s[0]}, {n[0]})")
        elif op is I.ELEM_DROP:
            self.emit(f"_E[{ins[1]}] = ()")
        elif op is I.MEMORY_FILL:
            n, v, d = self.pop(), self.pop(), self.pop()
            self.emit(f"_mfill(M{ins[1]}, {d[0]}, {v[0]}, {n[0]})")
        elif op is I.MEMORY_COPY:
            n, s, d = self.pop(), self.pop(), self.pop()
            self.emit(f"_mcopy(M{ins[1]}, M{ins[2]}, {d[0]}, {s[0]}, {n[0]})")
        elif op is I.MEMORY_INIT:
            n, s, d = self.pop(), self.pop(), self.pop()
            self.emit(f"_minit(M{ins[2]}, _D, {ins[1]}, {d[0]}, {s[0]}, {n[0]})")
        elif op is I.DATA_DROP:
            self.emit(f"_D[{ins[1]}] = b''")
        elif op.prefix == 0xFD:
            from .codegen_simd import simd_step

            simd_step(self, op, ins)
        else:
            raise WasmiError(f"the engine does not run {name}")

    # --- structured control --------------------------------------------------------------------
    def open_block(self, op: I.Op, ins: tuple, targeted: bool) -> None:
        np_, nr = self.module.block_arity(ins[1])
        cond = None
        if op is I.IF:
            cond = self.pop()
        base = len(self.stack) - np_
        kind = "block" if op is I.BLOCK else "loop" if op is I.LOOP else "if"
        f = _Frame(kind, base, np_, nr, targeted)
        f.end_pc = self.ends.get(self.pc, -1)
        if kind == "if" and not targeted and f.end_pc + 2 == self.body_len:
            f.tail = True
        if kind == "block" and targeted and not self.fuel and np_ == 0 and nr == 0:
            f.dup = self.tail_dup(f)
            if f.dup is not None:
                # its branches run the code after its end themselves: no Python structure
                self.flush_all()
                self.force_slots(base, len(self.stack))
                f.targeted = False
        if kind != "if" and not f.targeted:
            # no Python structure: a block or loop that no branch targets is transparent
            self.ctl.append(f)
            return
        if kind == "block" and self.pc in self.wrappers:
            self.flush_all()
            f.wrapper = True
            self.ctl.append(f)
            return
        self.flush_all()
        self.force_slots(base, len(self.stack))
        if self.fuel and DEFER_PURE_SEGMENTS and f.targeted and kind != "if":
            f.preds = []
            if kind == "loop":
                self.ends_segment = True  # falling into the loop: the segment before it ends here
                self.join_pred(f)
                self.ends_segment = False
        if f.targeted:
            self.emit("while True:")
            self.open_indent()
            f.py_loop = True
            f.loop_index = self.loops
            self.loops += 1
            if self.loops > MAX_LOOPS:
                raise TooComplex("loops")
        if cond is not None:
            self.emit(f"if {self.truth(cond)}:")
            self.open_indent()
        f.indent = self.indent
        f.body_start = len(self.lines)
        self.ctl.append(f)
        chain = None
        if kind == "if" and not f.targeted and self.pc in self.ifs_with_else:
            # the segment so far cannot trap or change anything a trap leaves visible: both arms
            # charge it with their own cost, one check instead of two
            chain = self.seg_defer()
        if chain is not None:
            f.deferred = chain
            self.seg_start(chain)
        elif kind != "block":
            self.seg_start()
            if f.preds is not None:
                f.head = self.seg

    def close_body(self, f: _Frame) -> None:
        """Emit ``pass`` for an empty Python body."""
        lines = self.lines
        for j in range(f.body_start, len(lines)):  # no slice: a loop's body can be most of the function
            if lines[j][1]:
                return
        self.emit("pass")

    def do_else(self) -> None:
        f = self.ctl[-1]
        reach = not f.unreachable
        if reach:
            if f.tail:
                fr = self.ctl[0]
                self.emit_return(self.stack[len(self.stack) - fr.arity:] if fr.arity else [])
                reach = False
            else:
                self.move_to(f.base, self.popn(f.nresults))
        self.seg_end()
        self.close_body(f)
        f.then_reachable = reach
        f.has_else = True
        f.unreachable = False
        # the else branch starts from the if's parameters, which live in their slots
        del self.stack[f.base:]
        for j in range(f.base, f.base + f.nparams):
            self.stack.append([f"s{j}", None])
        self.indent -= 1
        self.emit("else:")
        self.open_indent()
        f.body_start = len(self.lines)
        self.seg_start(f.deferred)

    def do_end(self) -> None:
        f = self.ctl[-1]
        reach = not f.unreachable
        if f.kind == "func":
            if reach:
                self.emit_return(self.stack[len(self.stack) - f.arity:] if f.arity else [])
            self.ctl.pop()
            return
        if f.kind != "if" and not f.py_loop:
            self.ctl.pop()
            if f.wrapper:
                # a branch target: reachable, and a new fuel segment
                del self.stack[f.base:]
                self.seg_start()
                return
            if not reach:
                # stack below is polymorphic: rebuild the results as slot names that no path sets
                del self.stack[f.base:]
                for j in range(f.base, f.base + f.nresults):
                    self.stack.append([f"s{j}", None])
                self.ctl[-1].unreachable = True
            return
        if reach:
            if f.tail:
                fr = self.ctl[0]
                self.emit_return(self.stack[len(self.stack) - fr.arity:] if fr.arity else [])
                reach = False
            else:
                self.move_to(f.base, self.popn(f.nresults))
                if f.preds is not None and f.kind == "block":
                    self.ends_segment = True  # falling out of the block: the segment ends here
                    self.join_pred(f)
                    self.ends_segment = False
        self.seg_end()
        self.close_body(f)
        if f.kind == "if":
            if not f.has_else:
                # the missing else passes the parameters (== results) through
                after_reach = True
            else:
                after_reach = reach or f.then_reachable
            if f.py_loop:
                self.indent -= 1
                self.emit("break")
            self.indent -= 1
        else:
            if reach or f.direct_exit:
                self.emit("break")
            self.indent -= 1
            after_reach = reach
        if f.targeted and f.kind != "loop":
            after_reach = True
        if f.py_loop:
            self.loops -= 1
            self.after_loop(f)
        if f.head is not None:
            # every way into the loop's header is known now: entry and back edges may charge it
            f.head.preds = f.preds
            hoist(f.head)
        self.ctl.pop()
        del self.stack[f.base:]
        for j in range(f.base, f.base + f.nresults):
            self.stack.append([f"s{j}", None])
        if after_reach:
            self.seg_start()
            if f.preds is not None and not f.direct_exit and self.seg is not None:
                # every way here is a recorded jump: the segment may be charged by them (fuelplan.hoist)
                self.seg.preds = f.preds
        else:
            self.ctl[-1].unreachable = True

    def do_br_table(self, ins: tuple) -> None:
        idx = self.pop()
        targets = list(ins[1])
        default = ins[2]
        if not targets:
            self.branch_code(default)
            return
        k = len(self.stack)
        tmp = f"s{k}"
        self.write_slot(k, idx[0])
        n = len(targets)
        # indices >= n go to the default: one range test (unless the index is known to be below n),
        # then a balanced tree over [0, n)
        if not _below(idx, n):
            self.emit(f"if {tmp} >= {n}:")
            self.open_indent()
            self.branch_code(default)
            self.indent -= 1
        self._tree(tmp, targets, 0, n, self.branch_code)

    def _tree(self, var: str, targets: List[int], lo: int, hi: int, leaf: Any) -> None:
        # all targets in [lo, hi) equal: one leaf
        if all(t == targets[lo] for t in targets[lo:hi]):
            leaf(targets[lo])
            return
        mid = (lo + hi) // 2
        self.emit(f"if {var} < {mid}:")
        self.open_indent()
        self._tree(var, targets, lo, mid, leaf)
        self.indent -= 1
        self.emit("else:")
        self.open_indent()
        self._tree(var, targets, mid, hi, leaf)
        self.indent -= 1


def metered(src: str, func_index: int) -> str:
    """Wrap a metered function's source so that its fuel counter ``_fu`` is a free variable, then
    rebind it to the store's fuel cell (helpers.FuelCell): a closure cell costs a local's price per
    charge, where a global list cost two dict lookups and two subscripts."""
    name = f"_wasm_f{func_index}"
    lines = src.rstrip("\n").split("\n")
    out = [f"def {name}_mk():", "\t_fu = 0", "\t" + lines[0], "\t\tnonlocal _fu"]
    out.extend("\t" + line for line in lines[1:])
    out.append(f"\treturn {name}")
    out.append(f"{name} = _bind_fuel({name}_mk(), _F)")
    return "\n".join(out) + "\n"


def translate_function(module: Module, func_index: int, fuel: bool,
                       costs: Optional[Callable[[I.Op], int]] = None) -> Tuple[str, Dict[str, Any]]:
    """Python source defining ``_wasm_f{func_index}``, and the constants it refers to.

    Raises :class:`TooComplex` when the function's nesting exceeds CPython's compiler limits.
    """
    from .codegen_u64 import translator_class  # it subclasses FuncTranslator: imported late

    t = translator_class(module, func_index)(module, func_index, fuel)
    t.op_costs = costs
    try:
        src = t.translate()
    except TooComplex as e:
        e.analyses = (t.facts, getattr(t, "_mem_state", None))  # for translate_fallback
        raise
    if fuel:
        src = metered(src, func_index)
    return src, t.consts.values
