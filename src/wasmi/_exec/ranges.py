"""Value ranges of i32 locals and operands: facts that let codegen drop wrap-around checks.

One forward walk over a validated function's flat instruction list (abstract interpretation with
intervals), linear in the body's length. An i32 is an unsigned int; its abstract value is an interval
``(lo, hi)`` of mathematical integers whose residues mod 2**32 include every value it can take, kept in
the canonical form ``0 <= hi < 2**32`` and ``hi - 2**32 < lo <= hi`` (``lo < 0`` is an interval that
wraps through zero: counters that count up from a negative number). ``None`` is "unknown".

Loops are not iterated to a fixpoint. At a loop header, a local written somewhere in the loop is
unknown, except an *induction variable*: a local whose only write in the loop is ``v = v ± c`` on the
loop body's top level (so every iteration writes it exactly once) before the loop's only back edge, a
``br_if`` whose condition compares the new value with a constant or a loop-invariant local (``!=``,
``<u``, ``>u``, or the value itself, ``!= 0``). The exit test bounds the number of header visits
(k in [0, kmax]) and each induction variable of the loop is then ``v0 + step * k``. Branch
conditions on a local narrow its interval on each side (``br_if``, ``if``).

The result, :func:`analyze`, maps a pc to a fact whose meaning depends on the instruction there:

* ``local.get`` of an i32: an upper bound of the value's bit length (the value is below 2**bits),
* ``i32.add`` / ``i32.sub``: ``(mode, bits, x, y)``; mode 0: the unsigned result never wraps, mode 1:
  it always wraps (exactly once), None: unknown; bits as above or 99; x, y the operands' intervals,
* a signed i32 comparison: ``1`` when both operands are below 2**31 (the unsigned compare is the same),
* pc -1: the locals worth holding in signed form (counters through negative values, see
  :func:`_signed_locals` and docs/RATIONALE.md).

A wrong fact silently corrupts results: every rule here must over-approximate.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .._syntax import instructions as I
from .._syntax.ast import Func, Module
from .._syntax.types import ValType

_W = 0x100000000
SMALL_LOOP_FREE = 100  # loop-free functions up to this many instructions are analysed too
_MAX = 0xFFFFFFFF
Iv = Optional[Tuple[int, int]]
Env = Optional[Dict[int, Tuple[int, int]]]  # local -> interval (absent: unknown); None: unreachable


def norm(lo: int, hi: int) -> Iv:
    """Canonical form of the residues of [lo, hi], or None when that is every i32."""
    if hi - lo >= _MAX:
        return None
    s = hi - hi % _W
    return lo - s, hi - s


def umax(v: Iv) -> int:
    return v[1] if v is not None and v[0] >= 0 else _MAX


def umin(v: Iv) -> int:
    return v[0] if v is not None and v[0] >= 0 else 0


def sview(v: Iv) -> Optional[Tuple[int, int]]:
    """The interval as signed i32 values, or None when it is not one interval there."""
    if v is None:
        return None
    lo, hi = v
    if lo >= 0:
        if hi < 0x80000000:
            return v
        if lo >= 0x80000000:
            return lo - _W, hi - _W
        return None
    return v if lo >= -0x80000000 and hi < 0x80000000 else None


def join(a: Iv, b: Iv) -> Iv:
    if a is None or b is None:
        return None
    if a == b:
        return a
    best = None
    if a[0] >= 0 and b[0] >= 0:
        best = (min(a[0], b[0]), max(a[1], b[1]))
    sa, sb = sview(a), sview(b)
    if sa is not None and sb is not None:
        c = norm(min(sa[0], sb[0]), max(sa[1], sb[1]))
        if c is not None and (best is None or c[1] - c[0] < best[1] - best[0]):
            best = c
    return best


def u_meet(v: Iv, lo: int, hi: int) -> Tuple[bool, Iv]:
    """v restricted to unsigned values in [lo, hi]: (feasible, interval)."""
    a, b = max(umin(v), lo), min(umax(v), hi)
    if a > b:
        return False, None
    return True, norm(a, b)


def s_meet(v: Iv, lo: int, hi: int) -> Tuple[bool, Iv]:
    s = sview(v)
    a, b = (s if s is not None else (-0x80000000, 0x7FFFFFFF))
    a, b = max(a, lo), min(b, hi)
    if a > b:
        return False, None
    return True, norm(a, b)


def join_env(a: Env, b: Env) -> Env:
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out = {}
    for k, v in a.items():
        w = b.get(k)
        if w is not None:
            j = join(v, w)
            if j is not None:
                out[k] = j
    return out


# --- operators -------------------------------------------------------------------------------------
def _add(a: Iv, b: Iv) -> Iv:
    return None if a is None or b is None else norm(a[0] + b[0], a[1] + b[1])


def _sub(a: Iv, b: Iv) -> Iv:
    return None if a is None or b is None else norm(a[0] - b[1], a[1] - b[0])


def _mul(a: Iv, b: Iv) -> Iv:
    # any representative interval will do: x = x' mod 2**32 implies x*y = x'*y mod 2**32
    if a is None or b is None:
        return None
    c = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
    return norm(min(c), max(c))


def _shl(a: Iv, b: Iv) -> Iv:
    if b is None or b[0] != b[1] or b[0] < 0:
        return None
    k = 1 << (b[0] & 31)
    return _mul(a, (k, k))


def _shr_u(a: Iv, b: Iv) -> Iv:
    if b is not None and b[0] == b[1] and b[0] >= 0:
        k = b[0] & 31
        return umin(a) >> k, umax(a) >> k
    return 0, umax(a)


def _and(a: Iv, b: Iv) -> Iv:
    return 0, min(umax(a), umax(b))


def _or(a: Iv, b: Iv) -> Iv:
    return 0, (1 << max(umax(a), umax(b)).bit_length()) - 1


def _rem_u(a: Iv, b: Iv) -> Iv:
    m = umax(b)
    return (0, min(umax(a), m - 1)) if m else None


def _div_u(a: Iv, b: Iv) -> Iv:
    return umin(a) // max(umax(b), 1), umax(a) // max(umin(b), 1)


_BIN = {
    I.I32_ADD: _add, I.I32_SUB: _sub, I.I32_MUL: _mul, I.I32_SHL: _shl, I.I32_SHR_U: _shr_u,
    I.I32_AND: _and, I.I32_OR: _or, I.I32_XOR: _or, I.I32_REM_U: _rem_u, I.I32_DIV_U: _div_u,
}
_FIXED = {
    I.I32_LOAD8_U: (0, 0xFF), I.I32_LOAD16_U: (0, 0xFFFF), I.MEMORY_SIZE: (0, 0x10000),
    I.I32_CLZ: (0, 32), I.I32_CTZ: (0, 32), I.I32_POPCNT: (0, 32),
}
# operators with a plain signature that need no rule of their own: (operands, fixed result or None, results)
_GEN = {o: (len(o.params), _FIXED.get(o), len(o.results)) for o in I.OPS
        if o.params is not None and o.results is not None and o not in _BIN and o is not I.I32_EQZ
        and o is not I.UNREACHABLE  # () -> (), but it ends reachability: handled by the walk
        and o.name not in ("i32.eq", "i32.ne", "i32.lt_u", "i32.gt_u", "i32.le_u", "i32.ge_u",
                           "i32.lt_s", "i32.gt_s", "i32.le_s", "i32.ge_s")}
_I32_CMP = {I.I32_EQ, I.I32_NE, I.I32_LT_U, I.I32_GT_U, I.I32_LE_U, I.I32_GE_U,
            I.I32_LT_S, I.I32_GT_S, I.I32_LE_S, I.I32_GE_S}
_SIGNED = {I.I32_LT_S, I.I32_GT_S, I.I32_LE_S, I.I32_GE_S}
# a OP b  ==  b MIRROR[OP] a
_MIRROR = {I.I32_EQ: I.I32_EQ, I.I32_NE: I.I32_NE, I.I32_LT_U: I.I32_GT_U, I.I32_GT_U: I.I32_LT_U,
           I.I32_LE_U: I.I32_GE_U, I.I32_GE_U: I.I32_LE_U, I.I32_LT_S: I.I32_GT_S, I.I32_GT_S: I.I32_LT_S,
           I.I32_LE_S: I.I32_GE_S, I.I32_GE_S: I.I32_LE_S}
_NEGATE = {I.I32_EQ: I.I32_NE, I.I32_NE: I.I32_EQ, I.I32_LT_U: I.I32_GE_U, I.I32_GE_U: I.I32_LT_U,
           I.I32_GT_U: I.I32_LE_U, I.I32_LE_U: I.I32_GT_U, I.I32_LT_S: I.I32_GE_S, I.I32_GE_S: I.I32_LT_S,
           I.I32_GT_S: I.I32_LE_S, I.I32_LE_S: I.I32_GT_S}


def _restrict(v: Iv, op: I.Op, k: Iv) -> Tuple[bool, Iv]:
    """The values x of v with ``x OP y`` true for some y of k."""
    if op is I.I32_EQ:
        if k is None:
            return True, v
        if v is None or (v[0] >= 0 and k[0] >= 0):
            return u_meet(v, umin(k), umax(k))
        return True, v
    if op is I.I32_NE:
        if k is None or k[0] != k[1]:
            return True, v
        c = k[0]
        if v is None:
            v = (0, _MAX)
        lo, hi = v
        if lo == hi:
            return (lo % _W != c), v
        if lo % _W == c:
            return True, norm(lo + 1, hi)
        if hi == c:
            return True, norm(lo, hi - 1)
        return True, v
    if op is I.I32_LT_U:
        return u_meet(v, 0, umax(k) - 1)
    if op is I.I32_LE_U:
        return u_meet(v, 0, umax(k))
    if op is I.I32_GT_U:
        return u_meet(v, umin(k) + 1, _MAX)
    if op is I.I32_GE_U:
        return u_meet(v, umin(k), _MAX)
    s = sview(k)
    if s is None:
        s = (-0x80000000, 0x7FFFFFFF)
    if op is I.I32_LT_S:
        return s_meet(v, -0x80000000, s[1] - 1)
    if op is I.I32_LE_S:
        return s_meet(v, -0x80000000, s[1])
    if op is I.I32_GT_S:
        return s_meet(v, s[0] + 1, 0x7FFFFFFF)
    return s_meet(v, s[0], 0x7FFFFFFF)  # ge_s


# --- structure ---------------------------------------------------------------------------------------
class _Loop:
    __slots__ = ("writes", "top", "backs", "end")

    def __init__(self) -> None:
        self.writes: Dict[int, int] = {}  # local -> number of writes anywhere in the loop
        self.top: Dict[int, int] = {}  # local -> pc of a write on the loop body's top level
        self.backs: List[int] = []  # pcs of the branches to the loop's header
        self.end = -1  # pc of its ``end``


_LOOP_OPS = frozenset((I.LOCAL_SET, I.LOCAL_TEE, I.BLOCK, I.IF, I.END, I.LOOP, I.BR, I.BR_IF, I.BR_TABLE))


def _loops(body: list) -> Dict[int, _Loop]:
    loops: Dict[int, _Loop] = {}
    labels: List[Optional[_Loop]] = []  # open block/loop/if, innermost last (None: not a loop)
    inner: List[Tuple[_Loop, int]] = []  # open loops with their depth in ``labels``
    LOOP, BLOCK, IF, END = I.LOOP, I.BLOCK, I.IF, I.END
    SET, TEE, BR, BR_IF, BR_TABLE = I.LOCAL_SET, I.LOCAL_TEE, I.BR, I.BR_IF, I.BR_TABLE
    interesting = _LOOP_OPS
    pc = -1
    for ins in body:
        pc += 1
        op = ins[0]
        if op not in interesting:
            continue
        if op is SET or op is TEE:
            if inner:
                lp, depth = inner[-1]
                v = ins[1]
                lp.writes[v] = lp.writes.get(v, 0) + 1
                if depth == len(labels):
                    lp.top[v] = pc
        elif op is BLOCK or op is IF:
            labels.append(None)
        elif op is END:
            if labels and labels.pop() is not None:
                lp = inner.pop()[0]
                lp.end = pc
                if inner:
                    o = inner[-1][0].writes
                    for k, n in lp.writes.items():
                        o[k] = o.get(k, 0) + n
        elif op is LOOP:
            lp = _Loop()
            loops[pc] = lp
            labels.append(lp)
            inner.append((lp, len(labels)))
        elif op is BR or op is BR_IF:
            d = ins[1]
            if d < len(labels):
                t = labels[-1 - d]
                if t is not None:
                    t.backs.append(pc)
        elif op is BR_TABLE:
            for d in set(ins[1]) | {ins[2]}:
                if d < len(labels):
                    t = labels[-1 - d]
                    if t is not None:
                        t.backs.append(pc)
    return loops


def _step_of(body: list, w: int, v: int) -> Optional[int]:
    """The signed step c of a write ``v = v + c`` at pc w (``v - c`` gives -c), else None."""
    if w < 3:
        return None
    a, b, op = body[w - 3], body[w - 2], body[w - 1]
    if op[0] is I.I32_ADD:
        if a[0] is I.LOCAL_GET and a[1] == v and b[0] is I.I32_CONST:
            c = b[1]
        elif b[0] is I.LOCAL_GET and b[1] == v and a[0] is I.I32_CONST:
            c = a[1]
        else:
            return None
    elif op[0] is I.I32_SUB and a[0] is I.LOCAL_GET and a[1] == v and b[0] is I.I32_CONST:
        c = -b[1]
    else:
        return None
    c &= _MAX
    c = c - _W if c >= 0x80000000 else c
    return c or None


def _is_new_value(ins: tuple, pc: int, v: int, w: int) -> bool:
    """Whether ``ins`` at ``pc`` pushes v's value after its write at w (v has no other write)."""
    return (ins[0] is I.LOCAL_GET and ins[1] == v and pc > w) or (pc == w and ins[0] is I.LOCAL_TEE)


def _exit_test(body: list, b: int, ivs: Dict[int, Tuple[int, int]], inv: set
               ) -> Optional[Tuple[int, I.Op, Optional[int], Optional[int]]]:
    """The back edge at b as ``v' OP K``: (v, OP, constant K or None, invariant local K or None)."""
    if body[b][0] is not I.BR_IF or b < 1:
        return None
    last = body[b - 1]
    for v, (w, _) in ivs.items():
        if _is_new_value(last, b - 1, v, w):
            return v, I.I32_NE, 0, None
    if b < 3 or last[0] not in (I.I32_NE, I.I32_LT_U, I.I32_GT_U):
        return None
    # the second operand ends at b - 2: a constant, a local.get, or the write itself (a tee after the
    # three instructions of ``v + c``); the first ends right before it
    ypc = b - 2
    writes = {w for w, _ in ivs.values()}
    xpc = (ypc - 4) if ypc in writes and body[ypc][0] is I.LOCAL_TEE else ypc - 1
    if xpc < 0:
        return None
    x, y = body[xpc], body[ypc]
    for v, (w, _) in ivs.items():
        for this, tpc, other, op in ((x, xpc, y, last[0]), (y, ypc, x, _MIRROR[last[0]])):
            if not _is_new_value(this, tpc, v, w):
                continue
            if other[0] is I.I32_CONST:
                return v, op, other[1] & _MAX, None
            if other[0] is I.LOCAL_GET and other[1] in inv:
                return v, op, None, other[1]
    return None


def _trip(v0: Iv, s: int, op: I.Op, k: Iv) -> Optional[Tuple[Tuple[int, int], int]]:
    """(header interval of v, largest header visit index) for ``v = v0; loop { ...; v += s;
    br_if (v OP K) }`` with K in k, or None when no bound follows."""
    if v0 is None or k is None or v0[0] < 0 or k[0] < 0:
        return None
    a, b = v0
    kl, kh = k
    if op is I.I32_NE:
        if a == b and kl == kh:
            d = ((kl - a) if s > 0 else (a - kl)) % _W
            if d == 0 or d % abs(s):
                return None
            n = d // abs(s)
            hv = norm(a, a + (n - 1) * s) if s > 0 else norm(a + (n - 1) * s, a)
            return (hv, n - 1) if hv is not None else None
        if s == 1 and b < kl:
            return (a, kh - 1), kh - 1 - a
        if s == -1 and kh < a:
            return (kl + 1, b), b - kl - 1
        return None
    if op is I.I32_LT_U and s > 0:
        top = max(b, kh - 1)
        if top + s > _MAX:
            return None
        return (a, top), (top - a) // s
    if op is I.I32_GT_U and s < 0:
        bot = min(a, kl + 1)
        if bot + s < 0:
            return None
        return (bot, b), (b - bot) // -s
    return None


def _header(body: list, lp: _Loop, env: Dict[int, Tuple[int, int]], locals_i32: set) -> Dict[int, Tuple[int, int]]:
    """The abstract state at a loop's header, valid on every visit, from the state at its entry."""
    h = dict(env)
    if not lp.backs:
        return h  # entered once, never repeated
    for v in lp.writes:
        h.pop(v, None)
    if len(lp.backs) != 1:
        return h
    back = lp.backs[0]
    ivs: Dict[int, Tuple[int, int]] = {}
    for v, w in lp.top.items():
        if lp.writes[v] == 1 and w < back and v in locals_i32:
            s = _step_of(body, w, v)
            if s is not None:
                ivs[v] = (w, s)
    if not ivs:
        return h
    inv = {x for x in locals_i32 if x not in lp.writes}
    t = _exit_test(body, back, ivs, inv)
    if t is None:
        return h
    v, op, kc, kl = t
    k = (kc, kc) if kc is not None else env.get(kl) if kl is not None else None
    r = _trip(env.get(v), ivs[v][1], op, k)
    if r is None:
        return h
    h[v], kmax = r
    for u, (_, s) in ivs.items():
        u0 = env.get(u)
        if u != v and u0 is not None:
            iv = norm(u0[0] + min(0, s * kmax), u0[1] + max(0, s * kmax))
            if iv is not None:
                h[u] = iv
    return h


# --- the walk ----------------------------------------------------------------------------------------
class _Frame:
    __slots__ = ("kind", "base", "nresults", "nparams", "out", "other", "has_else")

    def __init__(self, kind: str, base: int, nparams: int, nresults: int) -> None:
        self.kind = kind
        self.base = base
        self.nparams = nparams
        self.nresults = nresults
        self.out: Env = None  # join of the states of branches to this label (block / if)
        self.other: Env = None  # an if's state for the false condition
        self.has_else = False


# a stack entry: (interval, local it was read from or -1, that local's version, condition or None)
_UNKNOWN = (None, -1, -1, None)


def analyze(module: Module, func: Func, all_types: Optional[list] = None) -> Dict[int, object]:  # noqa: C901
    """Range facts for ``func``, a validated function of ``module`` (see the module docstring);
    ``all_types`` is ``module.func_types()`` when the caller has it."""
    ft = module.types[func.type_index]
    body = func.body
    ltypes = list(ft.params) + func.local_types()
    locals_i32 = {i for i, t in enumerate(ltypes) if t is ValType.I32}
    loops = _loops(body)
    if not loops and len(body) > SMALL_LOOP_FREE:
        return {}  # the facts pay for themselves in loops and small hot functions (recursion, leaves)
    facts: Dict[int, object] = {}
    env: Env = {i: (0, 0) for i in range(len(ft.params), len(ltypes)) if i in locals_i32}
    ver: Dict[int, int] = {}  # local -> pc of its last write in program order
    negative: set = set()  # locals read somewhere with only negative signed values, or wrapping through 0
    stepping: set = set()  # locals read with such a non-constant range into an add/sub
    stack: List[tuple] = []
    ctl: List[_Frame] = [_Frame("func", 0, 0, len(ft.results))]
    if all_types is None:
        all_types = module.func_types()
    skip = 0

    def refine(e: Env, c: tuple, truth: bool) -> Env:
        """e narrowed by ``c`` (a stack entry used as a condition) being ``truth``."""
        if e is None:
            return None
        cond = c[3]
        if cond is None:
            if c[1] < 0 or ver.get(c[1], -1) != c[2]:
                return e
            cond = (I.I32_NE, c, ((0, 0), -1, -1, None))
        op, x, y = cond
        if op is I.I32_EQZ:
            op, y = I.I32_NE, ((0, 0), -1, -1, None)
            truth = not truth
        if not truth:
            op = _NEGATE[op]
        out = e
        for p, q, o in ((x, y, op), (y, x, _MIRROR[op])):
            if p[1] >= 0 and ver.get(p[1], -1) == p[2]:
                ok, iv = _restrict(out.get(p[1]), o, q[0])
                if not ok:
                    return None
                if out is e:
                    out = dict(e)
                if iv is None:
                    out.pop(p[1], None)
                else:
                    out[p[1]] = iv
        return out

    def branch(depth: int, e: Env) -> None:
        f = ctl[-1 - depth]
        if f.kind == "block" or f.kind == "if":
            f.out = join_env(f.out, e) if f.out is not None else (None if e is None else dict(e))

    # the walk's operators as locals: a local load is cheaper than a module attribute lookup
    o_BLOCK = I.BLOCK
    o_BR = I.BR
    o_BR_IF = I.BR_IF
    o_BR_TABLE = I.BR_TABLE
    o_CALL = I.CALL
    o_CALL_INDIRECT = I.CALL_INDIRECT
    o_DROP = I.DROP
    o_ELSE = I.ELSE
    o_END = I.END
    o_GLOBAL_GET = I.GLOBAL_GET
    o_GLOBAL_SET = I.GLOBAL_SET
    o_I32_ADD = I.I32_ADD
    o_I32_CONST = I.I32_CONST
    o_I32_EQZ = I.I32_EQZ
    o_I32_SUB = I.I32_SUB
    o_IF = I.IF
    o_LOCAL_GET = I.LOCAL_GET
    o_LOCAL_SET = I.LOCAL_SET
    o_LOCAL_TEE = I.LOCAL_TEE
    o_LOOP = I.LOOP
    o_NOP = I.NOP
    o_REF_FUNC = I.REF_FUNC
    o_REF_IS_NULL = I.REF_IS_NULL
    o_REF_NULL = I.REF_NULL
    o_RETURN = I.RETURN
    o_SELECT = I.SELECT
    o_SELECT_T = I.SELECT_T
    o_TABLE_FILL = I.TABLE_FILL
    o_TABLE_GET = I.TABLE_GET
    o_TABLE_GROW = I.TABLE_GROW
    o_TABLE_SET = I.TABLE_SET
    o_TABLE_SIZE = I.TABLE_SIZE
    o_UNREACHABLE = I.UNREACHABLE
    # no fact after the last loop is worth its time (in a small loop-free function: all of it)
    last = max(lp.end for lp in loops.values()) if loops else len(body) - 1
    for pc in range(last + 1):
        ins = body[pc]
        op = ins[0]
        if env is None:
            if op is o_BLOCK or op is o_LOOP or op is o_IF:
                skip += 1
                continue
            if op is o_END:
                if skip:
                    skip -= 1
                    continue
            elif op is o_ELSE:
                if skip:
                    continue
            else:
                continue
        if op is o_LOCAL_GET:
            v = ins[1]
            iv = env.get(v)  # type: ignore[union-attr]
            stack.append((iv, v, ver.get(v, -1), None))
            if iv is not None:
                if iv[0] >= 0:
                    facts[pc] = iv[1].bit_length()
                if iv[0] >= 0x80000000 or iv[0] < 0:
                    negative.add(v)
            continue
        if op is o_I32_CONST:
            c = ins[1] & _MAX
            stack.append(((c, c), -1, -1, None))
            continue
        if op is o_LOCAL_SET or op is o_LOCAL_TEE:
            v = ins[1]
            x = stack.pop()
            if x[0] is None or v not in locals_i32:
                env.pop(v, None)  # type: ignore[union-attr]
            else:
                env[v] = x[0]  # type: ignore[index]
            ver[v] = pc
            if op is o_LOCAL_TEE:
                stack.append((x[0], v, pc, None))
            continue
        g = _GEN.get(op)
        if g is not None:
            n, fx, nres = g
            if n:
                del stack[-n:]
            if fx is not None:
                stack.append((fx, -1, -1, None))
            elif nres:
                stack.extend([_UNKNOWN] * nres)
            continue
        bf = _BIN.get(op)
        if bf is not None:
            y = stack.pop()
            x = stack.pop()
            a, b = x[0], y[0]
            r = bf(a, b)
            if op is o_I32_ADD or op is o_I32_SUB:
                mode = None
                if a is not None and b is not None and a[0] >= 0 and b[0] >= 0:
                    lo, hi = (a[0] + b[0], a[1] + b[1]) if op is o_I32_ADD else (a[0] - b[1], a[1] - b[0])
                    if 0 <= lo and hi <= _MAX:
                        mode = 0
                    elif (op is o_I32_ADD and lo > _MAX) or (op is o_I32_SUB and hi < 0):
                        mode = 1
                bits = r[1].bit_length() if r is not None and r[0] >= 0 else 99
                if mode is not None or bits < 32 or a is not None or b is not None:
                    facts[pc] = (mode, bits, a, b)
                for e, iv in ((x, a), (y, b)):
                    if e[1] >= 0 and iv is not None and iv[0] != iv[1] and (iv[0] >= 0x80000000 or iv[0] < 0):
                        stepping.add(e[1])  # maybe a counter through negative values (see _signed_locals)
            stack.append((r, -1, -1, None))
            continue
        if op in _I32_CMP:
            y = stack.pop()
            x = stack.pop()
            stack.append(((0, 1), -1, -1, (op, x, y)))
            if op in _SIGNED and umax(x[0]) < 0x80000000 and umax(y[0]) < 0x80000000:
                facts[pc] = 1
            continue
        if op is o_I32_EQZ:
            x = stack.pop()
            stack.append(((0, 1), -1, -1, (o_I32_EQZ, x, None)))
            continue
        if op is o_BR_IF:
            c = stack.pop()
            branch(ins[1], refine(env, c, True))
            env = refine(env, c, False)
            continue
        if op is o_BR:
            branch(ins[1], env)
            env = None
            continue
        if op is o_BR_TABLE:
            stack.pop()
            for d in set(ins[1]) | {ins[2]}:
                branch(d, env)
            env = None
            continue
        if op is o_RETURN or op is o_UNREACHABLE:
            env = None
            continue
        if op is o_BLOCK or op is o_LOOP or op is o_IF:
            np_, nr = module.block_arity(ins[1])
            c = stack.pop() if op is o_IF else None
            f = _Frame("block" if op is o_BLOCK else "loop" if op is o_LOOP else "if", len(stack) - np_, np_, nr)
            ctl.append(f)
            if op is o_LOOP:
                env = _header(body, loops[pc], env, locals_i32)  # type: ignore[arg-type]
                for j in range(f.base, len(stack)):
                    stack[j] = _UNKNOWN
            elif c is not None:
                f.other = refine(env, c, False)
                env = refine(env, c, True)
            continue
        if op is o_ELSE:
            f = ctl[-1]
            f.out = join_env(f.out, env) if f.out is not None else (None if env is None else dict(env))
            f.has_else = True
            env, f.other = f.other, None
            del stack[f.base:]
            stack.extend([_UNKNOWN] * f.nparams)
            continue
        if op is o_END:
            f = ctl.pop()
            if f.kind == "func":
                break
            if f.kind != "loop":
                joined = env
                if f.out is not None:
                    joined = join_env(f.out, joined) if joined is not None else f.out
                if f.kind == "if" and not f.has_else and f.other is not None:
                    joined = join_env(f.other, joined) if joined is not None else f.other
                env = joined
            del stack[f.base:]
            stack.extend([_UNKNOWN] * f.nresults)
            continue
        if op is o_CALL or op is o_CALL_INDIRECT:
            t = all_types[ins[1]] if op is o_CALL else module.types[ins[1]]
            n = len(t.params) + (1 if op is o_CALL_INDIRECT else 0)
            if n:
                del stack[-n:]
            stack.extend([_UNKNOWN] * len(t.results))
            continue
        if op is o_DROP or op is o_GLOBAL_SET:
            stack.pop()
            continue
        if op is o_SELECT or op is o_SELECT_T:
            c = stack.pop()
            y = stack.pop()
            x = stack.pop()
            # each operand narrowed by the condition that selects it: min(x, 129) is in [0, 129]
            picked = []
            for ent, truth in ((x, True), (y, False)):
                iv = ent[0]
                if ent[1] >= 0 and ver.get(ent[1], -1) == ent[2]:
                    sel = refine({} if iv is None else {ent[1]: iv}, c, truth)
                    if sel is None:
                        continue  # never selected
                    iv = sel.get(ent[1])
                picked.append(iv)
            r = join(picked[0], picked[1]) if len(picked) == 2 else picked[0] if picked else None
            stack.append((r, -1, -1, None))
            continue
        if op is o_GLOBAL_GET or op is o_REF_NULL or op is o_REF_FUNC or op is o_TABLE_SIZE:
            stack.append(_UNKNOWN)
            continue
        if op is o_REF_IS_NULL:
            stack[-1] = ((0, 1), -1, -1, None)
            continue
        if op is o_TABLE_GET:
            stack[-1] = _UNKNOWN
            continue
        if op is o_TABLE_SET:
            del stack[-2:]
            continue
        if op is o_TABLE_GROW:
            del stack[-2:]
            stack.append(_UNKNOWN)
            continue
        if op is o_TABLE_FILL:
            del stack[-3:]
            continue
        if op is o_NOP:
            continue
        return {}  # an instruction this walk does not model: no facts rather than wrong ones
    signed = _signed_locals(body, (negative & stepping) - set(range(len(ft.params))), locals_i32, facts)
    if signed:
        facts[-1] = signed
    return facts


def _signed_locals(body: list, cands: set, locals_i32: set, facts: Dict[int, Any]) -> frozenset:
    """Locals worth holding as signed ints in [-2**31, 2**31): read with negative values somewhere, and
    whose writes are mostly ``v ± c`` with a proven signed range (plain adds then) or constants (free).
    Codegen converts every other write and masks every read it cannot use raw, so this is about cost,
    not correctness: an estimate, each site weighted by 4**(loop depth)."""
    cands = {v for v in cands if v in locals_i32}
    if not cands:
        return frozenset()
    score: Dict[int, int] = {}
    kinds: List[bool] = []  # open structures: True for a loop
    depth = 0
    for pc, ins in enumerate(body):
        op = ins[0]
        if op is I.BLOCK or op is I.IF or op is I.LOOP:
            kinds.append(op is I.LOOP)
            depth += op is I.LOOP
        elif op is I.END:
            if kinds and kinds.pop():
                depth -= 1
        elif op is I.LOCAL_GET:
            v = ins[1]
            if v in cands and pc not in facts:
                score[v] = score.get(v, 0) - (1 << 2 * depth)  # an unknown value: a masked read
        elif (op is I.LOCAL_SET or op is I.LOCAL_TEE) and ins[1] in cands:
            v = ins[1]
            if pc and body[pc - 1][0] is I.I32_CONST:
                continue
            gain = -2  # a conversion, or a wrap check and a conversion
            f = facts.get(pc - 1)
            if _step_of(body, pc, v) is not None and isinstance(f, tuple):
                r = raw_sum(body[pc - 1][0].name, f[2], f[3], True, False)
                if r is not None and -0x80000000 <= r[0] and r[1] <= 0x7FFFFFFF:
                    gain = 2
            score[v] = score.get(v, 0) + (gain << 2 * depth)
    return frozenset(v for v, n in score.items() if n > 0)


def raw_sum(name: str, x: Iv, y: Iv, raw_x: bool, raw_y: bool) -> Optional[Tuple[int, int]]:
    """The range of ``x ± y`` computed on the Python ints that hold them: an operand held raw (a signed
    local) is its signed value, any other its u32 value. None when unknown."""
    xs = sview(x) if raw_x else (x if x is not None and x[0] >= 0 else None)
    ys = sview(y) if raw_y else (y if y is not None and y[0] >= 0 else None)
    if xs is None or ys is None:
        return None
    if name == "i32.add":
        return xs[0] + ys[0], xs[1] + ys[1]
    return xs[0] - ys[1], xs[1] - ys[0]
