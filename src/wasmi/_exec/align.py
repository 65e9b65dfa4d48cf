"""Proven alignment of memory addresses: for each load/store, how many low bits of its effective
address are known to be zero (docs/RATIONALE.md "Why prove alignment instead of testing it, and why
versioned locals?").

The analysis is optimistic: every node (a version of an i32 local, a parameter of a function only
called directly, a non-exported i32 global) starts at 32 known-zero low bits and is lowered to the
minimum over everything that flows into it. An expression's value is "min over terms": a constant
number of bits and terms ``(node, w)`` meaning "that node's bits plus w" (``x << k`` adds k, ``x * 8``
adds 3). The equations ``tz(m) = min(32, sources, tz(l) + w)`` with ``w >= 0`` are a shortest-path
problem, solved in one bucket-queue pass. Locals are versioned while walking the structured code
(see :class:`_Graph`), so a local reused for an unrelated value keeps the alignment of each use.

Rules (low zero bits of the result; i32 values are unsigned, and wrapping mod 2**32 keeps low bits):
add/sub/or/xor: min of the operands; and with a constant: at least the constant's (else min); mul:
the sum; shl by a constant k: +k; select: min; every other producer (loads, calls, unknown parameters,
exported or imported globals, shifts right, block results): 0.

Also :func:`index_expr`, which turns an aligned access's address expression into an index into a
typed memoryview of the memory, folding ``(y << k) + c`` into ``y + c // n``.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Dict, List, Optional, Tuple

from .._syntax import instructions as I
from .._syntax.ast import Module
from .._syntax.types import ValType

# Typed views of the memory need a little-endian host (Wasm memory is little-endian) and pay on
# CPython only (on PyPy a memoryview cast is far slower than struct: /work/shared/GUIDE.md).
VIEWS_OK = sys.byteorder == "little" and sys.implementation.name == "cpython"

# view type code per access: (memoryview format, log2 of the item size, post-processing of a load)
VIEW_LOADS: Dict[str, Tuple[str, int, str]] = {
    "i32.load": ("I", 2, ""),
    "i64.load": ("q", 3, ""),
    "f64.load": ("d", 3, ""),
    "i32.load16_u": ("H", 1, ""),
    "i64.load16_u": ("H", 1, ""),
    "i32.load16_s": ("h", 1, " & 0xFFFFFFFF"),
    "i64.load16_s": ("h", 1, ""),
    "i64.load32_u": ("I", 2, ""),
    "i64.load32_s": ("i", 2, ""),
    # one byte is always aligned
    "i32.load8_s": ("b", 0, " & 0xFFFFFFFF"),
    "i64.load8_s": ("b", 0, ""),
}
VIEW_STORES: Dict[str, Tuple[str, int]] = {
    "i32.store": ("I", 2),
    "i64.store": ("q", 3),
    "f64.store": ("d", 3),
    "i32.store16": ("H", 1),
    "i64.store16": ("H", 1),
    "i64.store32": ("I", 2),
}
VIEW_CODES = ("I", "q", "d", "H", "h", "i", "b")

_MAX_TERMS = 6

# an abstract value: (constant bits, ((local, w), ...))
_ZERO: tuple = (0, ())


def tz_const(c: int) -> int:
    """Known-zero low bits of an i32 constant (32 for zero)."""
    c &= 0xFFFFFFFF
    if c == 0:
        return 32
    return (c & -c).bit_length() - 1


def _merge(a: tuple, b: tuple) -> tuple:
    if not b[1]:
        if not a[1]:
            return (min(a[0], b[0]), ())
        return (min(a[0], b[0]), a[1])
    if not a[1]:
        return (min(a[0], b[0]), b[1])
    terms = dict(a[1])
    for loc, w in b[1]:
        old = terms.get(loc)
        if old is None or w < old:
            terms[loc] = w
    if len(terms) > _MAX_TERMS:
        return _ZERO  # dropping a term would be unsound; 0 is always true
    return (min(a[0], b[0]), tuple(terms.items()))


def _shift(a: tuple, k: int) -> tuple:
    if k == 0:
        return a
    return (min(32, a[0] + k), tuple((loc, w + k) for loc, w in a[1] if w + k < 32))


def _const_of(a: tuple) -> Optional[int]:
    return a[0] if not a[1] else None


class Alignment:
    """The result for one function: ``access[pc]`` known-zero low bits of the effective address of the
    load/store at ``pc`` (offset included); ``names[pc]`` those of the locals its address reads
    (``{"l3": 2}``), for folding the shift into the index."""

    __slots__ = ("access", "names")

    def __init__(self, access: Dict[int, int], names: Dict[int, Dict[str, int]]) -> None:
        self.access = access
        self.names = names


# Modules up to this many instructions are analysed whole (parameters from call sites, globals from
# their writes); bigger ones (QuickJS) function by function, so that translating one function of a
# huge module never pays a walk over all of it.
WHOLE_MODULE_LIMIT = 200_000
# bookkeeping allowed per function before falling back to one node per local (versions cost a
# snapshot of the assigned locals per branch: many branches times many locals in interpreter loops)
_BUDGET_PER_INSTRUCTION = 20
_BUDGET_BASE = 2000
# module.derived[_KEY]: (results by function index, the graph while a huge module still needs it)
_KEY = "alignment"


class _Unknown(Exception):
    """An instruction the walk has no stack rule for (a newer proposal): nothing is proven."""


_NOTHING = Alignment({}, {})


def function_alignment(module: Module, func_index: int) -> Alignment:
    try:
        return _function_alignment(module, func_index)
    except _Unknown:
        # a call site or write the walk could not see may break any optimistic fact: give up on the
        # whole module (or, for a huge module, this function) rather than guess
        e = module.derived.get(_KEY)
        if e is not None and e[1] is not None and e[1].bases:
            module.derived[_KEY] = (_AllNothing(), None)
        return _NOTHING


class _AllNothing(dict):
    def get(self, key: Any, default: Any = None) -> Alignment:
        return _NOTHING


def _function_alignment(module: Module, func_index: int) -> Alignment:
    """The alignment facts of defined function ``func_index`` (index space with imports)."""
    entry: Optional[Tuple[Dict[int, Alignment], Any]] = module.derived.get(_KEY)
    if entry is None:
        results: Dict[int, Alignment] = {}
        entry = module.derived[_KEY] = (results, _Graph(module))
        g = entry[1]
        nimp = sum(1 for i in module.imports if i.kind == 0)
        g.nimp = nimp
        # "bodies_on_demand" (CompiledModule sets it): a big module in compilation_mode="lazy", whose
        # other bodies translating one function must not decode
        whole = not module.derived.get("bodies_on_demand")
        if whole and sum(len(f.body) for f in module.funcs) <= WHOLE_MODULE_LIMIT:
            g.whole_module(nimp)
            parts = []
            for j, f in enumerate(module.funcs):
                base = g.bases[nimp + j]
                parts.append(g.walk_function(f.body, base, len(g.types_of[base])))
            entry[0].update((nimp + j, al) for j, al in enumerate(g.result(parts)))
            entry = module.derived[_KEY] = (entry[0], None)  # the graph is not needed any more
    r = entry[0].get(func_index)
    if r is None:
        # a huge module: this function alone, in a graph of its own (parameters and globals unknown),
        # flat (one node per local): versions double the walk's cost, and translation throughput
        # matters most for huge modules (QuickJS: 0.49 s versioned, 0.24 s flat, of ~4 s)
        g = _Graph(module, entry[1].func_types)  # type: ignore[union-attr]
        f = module.funcs[func_index - entry[1].nimp]  # type: ignore[union-attr]
        base = g.add_function(f, module.types[f.type_index].params, params_tracked=False)
        r = g.result([g.walk(f.body, base, len(g.types_of[base]), None)])[0]  # type: ignore[list-item]
    return r


_MODELLED = frozenset((I.I32_CONST, I.I32_ADD, I.I32_SUB, I.I32_OR, I.I32_XOR, I.I32_AND, I.I32_MUL, I.I32_SHL))
_LOAD_OPS = frozenset(op for op in I.OPS if op.imm == "memarg" and op.prefix is None and ".load" in op.name)
_STORE_OPS = frozenset(op for op in I.OPS if op.imm == "memarg" and op.prefix is None and ".store" in op.name)
# every other operator with a plain signature: (operands popped, results pushed as unknown); they are
# most of a body, so the walk looks them up first
_PLAIN: Dict[Any, Tuple[int, tuple]] = {
    op: (len(op.params), (_ZERO,) * len(op.results))
    for op in I.OPS
    if op.params is not None and op.results is not None and op not in _MODELLED
    and op not in _LOAD_OPS and op not in _STORE_OPS and op not in (I.UNREACHABLE, I.NOP)
}


_LOOP_SCAN = frozenset((I.LOCAL_SET, I.LOCAL_TEE, I.LOOP, I.BLOCK, I.IF, I.END))


def _loop_assignments(body: List[tuple]) -> Dict[int, set]:
    """The locals each ``loop`` (by pc) assigns anywhere inside it, nested loops included."""
    out: Dict[int, set] = {}
    stack: List[int] = []  # pcs of open constructs (-1 for block/if)
    loops: List[int] = []
    for pc, ins in enumerate(body):
        op = ins[0]
        if op not in _LOOP_SCAN:
            continue  # most operators: one set test instead of five comparisons
        if op is I.LOCAL_SET or op is I.LOCAL_TEE:
            if loops:
                out[loops[-1]].add(ins[1])
        elif op is I.LOOP:
            stack.append(pc)
            loops.append(pc)
            out[pc] = set()
        elif op is I.BLOCK or op is I.IF:
            stack.append(-1)
        elif op is I.END and stack:
            if stack.pop() >= 0:
                done = loops.pop()
                if loops:
                    out[loops[-1]] |= out[done]
    return out


class _Frame:
    __slots__ = ("kind", "height", "saved", "nresults", "trail", "incoming", "headers", "has_else")

    def __init__(self, kind: str, height: int, saved: list, nresults: int, trail: int) -> None:
        self.kind = kind
        self.height = height
        self.saved = saved
        self.nresults = nresults
        self.trail = trail  # trail length at the start: the locals assigned since are trail[trail:]
        self.incoming: List[Dict[int, int]] = []  # per branch to this block: {local: version}
        self.headers: Dict[int, int] = {}  # loops: local -> its version at the loop header
        self.has_else = False


class _Graph:
    """Nodes are tracked i32 values (versions of locals, parameters, globals); ``init`` their source
    bits, ``edges[l]`` the (m, w) pairs "m gets l's bits + w".

    Locals are versioned while walking the structured code (an SSA construction without renaming):
    each ``local.set`` makes a new version, a loop header one version per local the loop assigns
    (entered from before the loop and from every branch back to it), the end of a block or ``if``
    one version per local that differs between the paths reaching it. Compilers reuse locals for
    unrelated values, so a flow-insensitive analysis would lose a pointer's alignment to a reuse."""

    def __init__(self, module: Module, func_types: Optional[list] = None) -> None:
        self.module = module
        self.nimp = 0
        self.init: List[int] = []
        self.edges: List[List[Tuple[int, int]]] = []
        self.tracked: List[bool] = []
        self.local_of: List[int] = []  # node -> local index (-1: a global)
        self.types_of: Dict[int, List[ValType]] = {}
        self.bases: Dict[int, int] = {}  # function index -> node of its local 0
        self.globals: Dict[int, int] = {}  # global index -> node
        self.func_types = func_types if func_types is not None else module.func_types()

    def node(self, tracked: bool, init: int, local: int = -1) -> int:
        self.init.append(init if tracked else 0)
        self.edges.append([])
        self.tracked.append(tracked)
        self.local_of.append(local)
        return len(self.init) - 1

    def add_function(self, f: Any, params: Tuple[ValType, ...], params_tracked: bool) -> int:
        types = list(params) + f.local_types()
        base = len(self.init)
        np_ = len(params)
        for i, t in enumerate(types):
            self.node(t is ValType.I32 and (i >= np_ or params_tracked), 32, i)
        self.types_of[base] = types
        return base

    def whole_module(self, nimp: int) -> None:
        m = self.module
        taken = set()  # functions the host or a table can call: their parameters are unknown
        if m.start is not None:
            taken.add(m.start)
        for ex in m.exports:
            if ex.kind == 0:
                taken.add(ex.index)
        exported_globals = {ex.index for ex in m.exports if ex.kind == 3}
        for e in m.elems:
            for expr in e.init:
                for ins in expr:
                    if ins[0] is I.REF_FUNC:
                        taken.add(ins[1])
        for g in m.globals:
            for ins in g.init:
                if ins[0] is I.REF_FUNC:
                    taken.add(ins[1])
        for f in m.funcs:
            for ins in f.body:
                if ins[0] is I.REF_FUNC:
                    taken.add(ins[1])
        for j, f in enumerate(m.funcs):
            idx = nimp + j
            self.bases[idx] = self.add_function(f, m.types[f.type_index].params, idx not in taken)
        ngimp = sum(1 for i in m.imports if i.kind == 3)
        for j, g in enumerate(m.globals):
            gi = ngimp + j
            t = g.type
            if t.valtype is not ValType.I32 or (t.mutable and gi in exported_globals):
                continue  # untracked: reads are unknown
            init = g.init
            if init and init[0][0] is I.I32_CONST and (len(init) == 1 or init[1][0] is I.END):
                self.globals[gi] = self.node(True, tz_const(init[0][1]))
            else:
                self.globals[gi] = self.node(True, 0)

    def result(self, parts: List[Dict[int, tuple]]) -> List[Alignment]:
        tz = _solve(self.init, self.edges)
        local_of = self.local_of
        out = []
        for accesses in parts:
            access: Dict[int, int] = {}
            names: Dict[int, Dict[str, int]] = {}
            for pc, (v, off) in accesses.items():
                t = min(v[0], tz_const(off))
                for n, w in v[1]:
                    t = min(t, tz[n] + w)
                    if w == 0 and local_of[n] >= 0:
                        names.setdefault(pc, {})[f"l{local_of[n]}"] = tz[n]
                access[pc] = t
            out.append(Alignment(access, names))
        return out

    def walk_function(self, body: List[tuple], base: int, nlocals: int) -> Dict[int, tuple]:
        """Walk one body with versioned locals; if the bookkeeping gets too big for the function
        (many branches times many assigned locals), walk it again with one node per local."""
        budget = [_BUDGET_PER_INSTRUCTION * len(body) + _BUDGET_BASE]
        first = len(self.init)
        r = self.walk(body, base, nlocals, budget)
        if r is None:
            # the versions made so far may miss edges from code not walked: make them unknown, so
            # that the edges they already feed (call arguments, globals) stay true
            for n in range(first, len(self.init)):
                self.init[n] = 0
            r = self.walk(body, base, nlocals, None)
        return r  # type: ignore[return-value]

    def walk(self, body: List[tuple], base: int, nlocals: int,  # noqa: C901 - one dispatch
             budget: Optional[List[int]]) -> Optional[Dict[int, tuple]]:
        """Abstract-interpret one body: add its assignments to the graph; the abstract address value
        and offset of every load/store, by pc. ``budget`` None: flow-insensitive (no versions).
        Returns None when the budget runs out (edges added so far are true facts and stay)."""
        module = self.module
        init, edges, tracked = self.init, self.edges, self.tracked
        node = self.node
        gnodes = self.globals
        func_types = self.func_types
        bases = self.bases
        versioned = budget is not None
        loop_sets: Optional[Dict[int, set]] = None  # made at the first loop: many bodies have none
        cur = list(range(base, base + nlocals))  # the current version (node) of each local
        # versions of every i32 local are tracked, even of a parameter whose incoming value is not
        # (then only its first version, the base node, is unknown); flat: only the tracked nodes
        types = self.types_of[base]
        ltracked = [tracked[base + i] or (versioned and types[i] is ValType.I32) for i in range(nlocals)]
        trail: List[Tuple[int, int]] = []  # (local, its previous version), in assignment order
        accesses: Dict[int, tuple] = {}
        stack: List[tuple] = []
        frames: List[_Frame] = []
        dead = 0  # > 0: inside unreachable code, nesting depth + 1

        def assign(m: int, v: tuple) -> None:
            if not tracked[m]:
                return
            if v[0] < init[m]:
                init[m] = v[0]
            for n, w in v[1]:
                if n != m or w > 0:  # a self-edge of weight 0 (l = l | x) lowers nothing
                    edges[n].append((m, w))

        def set_local(i: int, v: tuple) -> None:
            if not ltracked[i]:
                return
            if not versioned:
                assign(cur[i], v)
                return
            n = node(True, 32, i)
            assign(n, v)
            trail.append((i, cur[i]))
            cur[i] = n

        def modified_since(f: _Frame) -> Dict[int, int]:
            """{local: its version at the frame's start} for the locals assigned since."""
            out: Dict[int, int] = {}
            for i, prev in trail[f.trail:]:
                if i not in out:
                    out[i] = prev
            return out

        def branch(depth: int) -> bool:
            """Record the versions a branch carries to its target; False when over budget."""
            if depth >= len(frames):
                return True  # the function's label: a return
            f = frames[-1 - depth]
            if f.kind == "loop":
                for i, h in f.headers.items():
                    if cur[i] != h:
                        edges[cur[i]].append((h, 0))
                budget[0] -= len(f.headers)  # type: ignore[index]
            else:
                mod = modified_since(f)
                f.incoming.append({i: cur[i] for i in mod})
                budget[0] -= len(trail) - f.trail + 1  # type: ignore[index]
            return budget[0] > 0  # type: ignore[index]

        def join(f: _Frame, reach: bool) -> None:
            """The end of a block or ``if``: one version per local the paths disagree on."""
            if not f.incoming:
                return  # only the fall-through reaches here: the versions are the current ones
            mod = modified_since(f)
            budget[0] -= len(trail) - f.trail + len(mod) * len(f.incoming)  # type: ignore[index]
            for i, start in mod.items():
                vs = {snap.get(i, start) for snap in f.incoming}
                if reach:
                    vs.add(cur[i])
                if len(vs) == 1:
                    v = vs.pop()
                else:
                    v = node(True, 32, i)
                    for x in vs:
                        edges[x].append((v, 0))
                if v != cur[i]:
                    trail.append((i, cur[i]))
                    cur[i] = v

        plain = _PLAIN
        for pc, ins in enumerate(body):
            op = ins[0]
            reach = True
            if dead:
                if op is I.BLOCK or op is I.LOOP or op is I.IF:
                    dead += 1
                    continue
                if op is I.END:
                    dead -= 1
                    if dead:
                        continue
                    reach = False
                elif op is I.ELSE and dead == 1:
                    dead = 0
                    reach = False
                else:
                    continue
            eff = plain.get(op)
            if eff is not None:
                # an operator with a plain signature whose result we know nothing about
                if eff[0]:
                    del stack[len(stack) - eff[0]:]
                if eff[1]:
                    stack.extend(eff[1])
                continue
            if op is I.LOCAL_GET:
                i = ins[1]
                stack.append((32, ((cur[i], 0),)) if ltracked[i] else _ZERO)
            elif op is I.LOCAL_SET:
                set_local(ins[1], stack.pop())
            elif op is I.LOCAL_TEE:
                i = ins[1]
                set_local(i, stack[-1])
                if versioned and ltracked[i]:
                    stack[-1] = (32, ((cur[i], 0),))  # the same value, under the local's name
            elif op is I.I32_CONST:
                stack.append((tz_const(ins[1]), ()))
            elif op is I.I32_ADD or op is I.I32_SUB or op is I.I32_OR or op is I.I32_XOR:
                b = stack.pop()
                stack[-1] = _merge(stack[-1], b)
            elif op is I.I32_AND:
                b = stack.pop()
                a = stack[-1]
                ca, cb = _const_of(a), _const_of(b)
                if ca is not None and cb is not None:
                    stack[-1] = (max(ca, cb), ())
                elif cb is not None and cb > 0:
                    stack[-1] = (cb, ())  # at least the mask's (the other side's is not kept)
                elif ca is not None and ca > 0:
                    stack[-1] = (ca, ())
                else:
                    stack[-1] = _merge(a, b)
            elif op is I.I32_MUL:
                b = stack.pop()
                a = stack[-1]
                cb = _const_of(b)
                if cb is not None:
                    stack[-1] = _shift(a, cb)
                else:
                    ca = _const_of(a)
                    stack[-1] = _shift(b, ca) if ca is not None else a  # tz(a * b) >= tz(a)
            elif op is I.I32_SHL:
                stack.pop()
                prev = body[pc - 1]
                stack[-1] = _shift(stack[-1], prev[1] & 31) if prev[0] is I.I32_CONST else _ZERO
            elif op is I.SELECT or op is I.SELECT_T:
                stack.pop()
                b = stack.pop()
                stack[-1] = _merge(stack[-1], b)
            elif op in _STORE_OPS:
                stack.pop()
                accesses[pc] = (stack.pop(), ins[2])
            elif op in _LOAD_OPS:
                accesses[pc] = (stack[-1], ins[2])
                stack[-1] = _ZERO
            elif op is I.BLOCK or op is I.LOOP or op is I.IF:
                if op is I.IF:
                    stack.pop()
                np_, nr = module.block_arity(ins[1])
                h = len(stack) - np_
                f = _Frame("loop" if op is I.LOOP else "block", h, stack[h:], nr, len(trail))
                if op is I.LOOP:
                    for j in range(h, len(stack)):
                        stack[j] = _ZERO  # also entered by back edges
                    f.saved = stack[h:]
                    if loop_sets is None:
                        loop_sets = _loop_assignments(body) if versioned else {}
                    for i in loop_sets.get(pc, ()):
                        if ltracked[i]:
                            hn = node(True, 32, i)
                            edges[cur[i]].append((hn, 0))
                            trail.append((i, cur[i]))
                            cur[i] = hn
                            f.headers[i] = hn
                    f.trail = len(trail)
                elif op is I.IF:
                    f.kind = "if"
                frames.append(f)
            elif op is I.ELSE:
                f = frames[-1]
                f.has_else = True
                if versioned:
                    if reach:
                        f.incoming.append({i: cur[i] for i in modified_since(f)})
                    for i, start in modified_since(f).items():
                        if cur[i] != start:
                            trail.append((i, cur[i]))
                            cur[i] = start  # the else arm starts from the versions at the if
                del stack[f.height:]
                stack.extend(f.saved)
            elif op is I.END:
                if not frames:
                    break  # the function's end
                f = frames.pop()
                if versioned and f.kind != "loop":
                    if f.kind == "if" and not f.has_else:
                        f.incoming.append({})  # the missing else: the versions at the if
                    join(f, reach)
                del stack[f.height:]
                stack.extend([_ZERO] * f.nresults)
            elif op is I.BR or op is I.BR_IF:
                if op is I.BR_IF:
                    stack.pop()
                else:
                    dead = 1
                if versioned and not branch(ins[1]):
                    return None
            elif versioned and budget[0] <= 0:  # type: ignore[index]
                return None
            elif op is I.BR_TABLE:
                stack.pop()
                dead = 1
                if versioned:
                    for d in set(ins[1]) | {ins[2]}:
                        if not branch(d):
                            return None
            elif op is I.RETURN or op is I.UNREACHABLE:
                dead = 1
            elif op is I.CALL or op is I.CALL_INDIRECT:
                if op is I.CALL:
                    ft = func_types[ins[1]]
                    cb_ = bases.get(ins[1])
                    if cb_ is not None:
                        args = stack[len(stack) - len(ft.params):]
                        for j, v in enumerate(args):
                            assign(cb_ + j, v)
                else:
                    stack.pop()
                    ft = module.types[ins[1]]
                del stack[len(stack) - len(ft.params):]
                stack.extend([_ZERO] * len(ft.results))
            elif op is I.GLOBAL_GET:
                n = gnodes.get(ins[1])
                stack.append(_ZERO if n is None else (32, ((n, 0),)))
            elif op is I.GLOBAL_SET:
                n = gnodes.get(ins[1])
                v = stack.pop()
                if n is not None:
                    assign(n, v)
            elif op is I.DROP:
                stack.pop()
            elif op is I.REF_NULL or op is I.REF_FUNC:
                stack.append(_ZERO)
            elif op is I.REF_IS_NULL or op is I.TABLE_GET:
                stack[-1] = _ZERO
            elif op is I.TABLE_SET:
                del stack[-2:]
            elif op is I.TABLE_GROW:
                stack.pop()
                stack[-1] = _ZERO
            elif op is I.TABLE_FILL:
                del stack[-3:]
            else:
                ps, rs = op.params, op.results
                if ps is None or rs is None:
                    raise _Unknown(op.name)
                if ps:
                    del stack[len(stack) - len(ps):]
                if rs:
                    stack.extend([_ZERO] * len(rs))
            if dead:
                if not frames:
                    break
                del stack[frames[-1].height:]  # the rest of the block is unreachable: polymorphic stack
        return accesses


def _solve(init: List[int], edges: List[List[Tuple[int, int]]]) -> List[int]:
    """Shortest paths (weights >= 0) from the sources ``init``, capped at 32: a bucket queue."""
    dist = list(init)
    buckets: List[List[int]] = [[] for _ in range(33)]
    for m, d in enumerate(dist):
        if d < 32 and edges[m]:
            buckets[d].append(m)
    for d in range(32):
        bucket = buckets[d]
        while bucket:
            m = bucket.pop()
            if dist[m] != d:
                continue  # stale entry
            for n, w in edges[m]:
                nd = d + w
                if nd < dist[n]:
                    dist[n] = nd
                    if edges[n]:
                        buckets[nd].append(n)
    return dist


# --- index expressions ---------------------------------------------------------------------------

_PARENS = re.compile(r"[()]")


def _close(s: str, i: int) -> int:
    """Index of the parenthesis closing the one opened at ``s[i]``, or -1."""
    depth = 0
    for m in _PARENS.finditer(s, i):  # visits the parentheses only, not every character
        if s[m.start()] == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _strip(s: str) -> str:
    while s.startswith("(") and _close(s, 0) == len(s) - 1:
        s = s[1:-1]
    return s


def _top_binary(s: str) -> Optional[Tuple[str, str, str]]:
    """``s`` (outer parentheses stripped) as ``left OP right`` when it has exactly one operator at
    parenthesis depth 0, else None."""
    depth = 0
    found = None
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == " " and depth == 0:
            j = s.find(" ", i + 1)
            if j < 0:
                return None
            if found is not None:
                return None
            found = (s[:i], s[i + 1:j], s[j + 1:])
            i = j
        i += 1
    return found


def _literal(s: str) -> Optional[int]:
    return int(s) if s.isdigit() else None


def index_expr(addr: str, off: int, k: int, tz_of_name: Dict[str, int]) -> str:
    """A Python expression for ``(addr + off) >> k``, the index of an access of 2**k bytes whose
    effective address ``addr + off`` is a proven multiple of 2**k.

    ``addr`` is the canonical (unsigned, below 2**32) i32 address as the code generator wrote it, so
    every expression returned is exactly (addr + off) / 2**k and therefore never negative. Forms
    folded: a constant, ``y << s`` and ``left + c`` with ``left`` a multiple of 2**k (a local with
    proven alignment or a shift), whose shift folds into the constant. A wrap-corrected sum is left as
    it is: rewriting it as ``(x + c) & 0xFFFFFFFF`` wins only when the sum does wrap (CPython 3.11,
    locals: 57 vs 64 ns for a byte load) and loses when it does not (50 vs 46 ns), the common case.
    """
    if addr.isdigit():
        return str((int(addr) + off) >> k)  # a constant address: a constant index
    n = 1 << k
    body = _strip(addr)
    if k == 0:
        return f"{addr} + {off}" if off else addr
    split = _top_binary(body)
    if split is not None:
        left, op, right = split
        c = _literal(right)
        if op == "<<" and c is not None and c >= k and off % n == 0:
            shifted = left if c == k else f"({left} << {c - k})"
            return f"{shifted} + {off >> k}" if off else shifted
        if op == "+" and c is not None and (c + off) % n == 0:
            scaled = _scaled(left, k, tz_of_name)
            if scaled is not None:
                q = (c + off) >> k
                return f"{scaled} + {q}" if q else scaled
    if not (addr.isidentifier() or addr.isdigit() or (addr.startswith("(") and _close(addr, 0) == len(addr) - 1)):
        addr = f"({addr})"
    if off:
        return f"({addr} + {off}) >> {k}"
    return f"{addr} >> {k}"


def _scaled(e: str, k: int, tz_of_name: Dict[str, int]) -> Optional[str]:
    """``e >> k`` written without the shift when ``e`` is a visible multiple of 2**k, else (when it is
    a proven multiple) with it; None if not proven."""
    if e.isidentifier():
        return f"({e} >> {k})" if tz_of_name.get(e, 0) >= k else None
    body = _strip(e)
    split = _top_binary(body)
    if split is not None and split[1] == "<<":
        c = _literal(split[2])
        if c is not None and c >= k:
            return split[0] if c == k else f"({split[0]} << {c - k})"
    return None
