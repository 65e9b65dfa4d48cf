"""Differential test of function-body validation on random operator sequences.

A seeded generator writes bodies from every kind of operator (control with all block-type forms,
branches into the polymorphic stack, parametric, variables, tables, references, bulk memory, memory
with random alignments, SIMD lanes), biased towards well-typed code so that about half the modules
are valid. Our encoder writes each module; our verdict (decode + validate) must equal
`wasm-tools validate --features wasm2`, and when both reject, the failing function index and the
instruction's byte offset must agree as well. Default 300 modules, ``--large`` 3,000.
"""

from __future__ import annotations

import random
import re
import subprocess
import tempfile
from pathlib import Path
from typing import List, Optional, Tuple

import pytest
from valid.test_valid_differential import TOOL

from wasmi import ValidationError
from wasmi._syntax import ast, instructions as I
from wasmi._syntax.instructions import OPS, Imm
from wasmi._syntax.types import (
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    V128,
    ExternKind,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    TableType,
    ValType,
)
from wasmi._valid import validate_module

encode = pytest.importorskip("wasmi._binary.encode", reason="the binary encoder has not landed").encode_module
decode = pytest.importorskip("wasmi._binary.decode", reason="the binary decoder has not landed").decode_module

pytestmark = pytest.mark.skipif(TOOL is None, reason="wasm-tools is not installed")

VALTYPES = [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF]
NUMTYPES = [I32, I64, F32, F64, V128]
CONST = {
    I32: (I.I32_CONST, 0), I64: (I.I64_CONST, 0), F32: (I.F32_CONST, 0), F64: (I.F64_CONST, 0),
    V128: (I.V128_CONST, 0), FUNCREF: (I.REF_NULL, FUNCREF), EXTERNREF: (I.REF_NULL, EXTERNREF),
}
PLAIN = [op for op in OPS if op.params is not None and op.results is not None
         and op.imm in (Imm.NONE, Imm.MEMARG, Imm.MEMARG_LANE, Imm.LANE, Imm.SHUFFLE, Imm.MEM)]
PLAIN_BY_TOP: dict = {}
for _op in PLAIN:
    PLAIN_BY_TOP.setdefault(_op.params[-1] if _op.params else None, []).append(_op)

TYPES = [
    FuncType((), ()), FuncType((I32,), (I32,)), FuncType((I32, I64), (F32, F64)), FuncType((), (I32, I32)),
    FuncType((V128,), (V128,)), FuncType((FUNCREF, EXTERNREF), (EXTERNREF,)),
]


def _module_shell(rng: random.Random) -> ast.Module:
    m = ast.Module()
    m.types = list(TYPES)
    m.imports.append(ast.Import("env", "f", ExternKind.FUNC, rng.randrange(len(TYPES))))
    m.imports.append(ast.Import("env", "g", ExternKind.GLOBAL, GlobalType(rng.choice(VALTYPES), rng.random() < 0.5)))
    m.tables.append(ast.Table(TableType(FUNCREF, Limits(1))))
    m.tables.append(ast.Table(TableType(EXTERNREF, Limits(0, 5))))
    if rng.random() < 0.9:
        m.memories.append(ast.Memory(MemoryType(Limits(1))))
    for _ in range(rng.randrange(3)):
        t = rng.choice(VALTYPES)
        m.globals.append(ast.Global(GlobalType(t, rng.random() < 0.5), [CONST[t]]))
    m.elems.append(ast.Elem(FUNCREF, [[(I.REF_FUNC, 0)]], ast.ElemMode.PASSIVE, uses_exprs=True))
    m.elems.append(ast.Elem(EXTERNREF, [[(I.REF_NULL, EXTERNREF)]], ast.ElemMode.PASSIVE, uses_exprs=True))
    m.datas.append(ast.Data(b"ab", ast.ElemMode.PASSIVE))
    m.data_count = 1
    if rng.random() < 0.5:
        m.exports.append(ast.Export("f1", ExternKind.FUNC, 1))  # declares function 1 for ref.func
    return m


def _fits(avail: list, params: list, unreachable: bool) -> bool:
    k = len(params)
    if len(avail) >= k:
        return k == 0 or avail[len(avail) - k:] == params
    # Below a frame's height the stack is polymorphic after br/unreachable: missing values are Unknown.
    return unreachable and (not avail or avail == params[k - len(avail):])


class _Gen:
    """Writes well-typed bodies (the generator tracks the exact operand types, as the spec's algorithm
    would) choosing among every operator kind; faults are injected afterwards by :func:`_inject`."""

    def __init__(self, rng: random.Random, m: ast.Module, ftype: FuncType, locals_: List[ValType],
                 func_types: List[FuncType], declared: List[int]) -> None:
        self.rng = rng
        self.m = m
        self.locals = list(ftype.params) + locals_
        self.globals = [g.desc for g in m.imports if g.kind == ExternKind.GLOBAL] + [g.type for g in m.globals]
        self.func_types = func_types
        self.declared = declared
        self.out: List[tuple] = []
        self.stack: List[ValType] = []
        # frames: [kind, label types, end types, start types, height, unreachable]
        self.frames: List[list] = [["func", list(ftype.results), list(ftype.results), [], 0, False]]

    # --- stack bookkeeping ---
    def avail(self) -> list:
        return self.stack[self.frames[-1][4]:]

    def fits(self, params: list) -> bool:
        return _fits(self.avail(), list(params), self.frames[-1][5])

    def apply(self, instr: tuple, params, results) -> None:
        self.out.append(instr)
        h = self.frames[-1][4]
        k = min(len(params), len(self.stack) - h)
        if k:
            del self.stack[len(self.stack) - k:]
        self.stack.extend(results)

    def set_unreachable(self) -> None:
        f = self.frames[-1]
        del self.stack[f[4]:]
        f[5] = True

    def top(self) -> Optional[ValType]:
        a = self.avail()
        return a[-1] if a else None

    # --- operator choices ---
    def push_const(self, t: Optional[ValType] = None) -> None:
        t = t or self.rng.choice(VALTYPES)
        self.apply(CONST[t], (), (t,))

    def fix_to(self, types: list) -> None:
        """Drops what is above the frame and pushes constants of ``types`` (always valid)."""
        for _ in range(len(self.avail())):
            self.apply((I.DROP,), (None,), ())
        for t in types:
            self.push_const(t)

    def close(self) -> None:
        f = self.frames[-1]
        kind, _label, end, start, h, unr = f
        if not (self.avail() == end or (unr and self.fits(end) and len(self.avail()) <= len(end))):
            self.fix_to(end)
        if kind == "if" and (start != end or self.rng.random() < 0.5):
            self.out.append((I.ELSE,))
            del self.stack[h:]
            self.stack.extend(start)
            f[0], f[5] = "else", False
            return
        self.out.append((I.END,))
        self.frames.pop()
        del self.stack[h:]
        self.stack.extend(end)

    def open_block(self) -> None:
        rng = self.rng
        op = rng.choice((I.BLOCK, I.LOOP, I.IF))
        if op is I.IF:
            if self.top() is not I32 and not (self.frames[-1][5] and not self.avail()):
                self.push_const(I32)
            self.apply((I.NOP,), (I32,), ())
            self.out.pop()  # the condition is popped by `if` itself, emitted below
        choices: List[object] = [None, rng.choice(VALTYPES)]
        choices += [i for i, t in enumerate(TYPES) if self.fits(list(t.params))]
        bt = rng.choice(choices)
        start: list = list(TYPES[bt].params) if isinstance(bt, int) else []
        end: list = list(TYPES[bt].results) if isinstance(bt, int) else ([] if bt is None else [bt])
        self.apply((op, bt), start, ())
        h = len(self.stack)
        self.stack.extend(start)
        self.frames.append(["if" if op is I.IF else "block", start if op is I.LOOP else end, end, start, h, False])

    def branch(self) -> None:
        rng = self.rng
        n = len(self.frames)
        c = rng.randrange(5)
        if c == 4:
            self.out.append((I.UNREACHABLE,))
            self.set_unreachable()
            return
        if c == 3:
            if not self.fits(self.frames[0][2]):
                self.fix_to(self.frames[0][2])
            self.out.append((I.RETURN,))
            self.set_unreachable()
            return
        depth = rng.randrange(n)
        label = self.frames[-1 - depth][1]
        if c == 0:
            if not self.fits(label):
                self.fix_to(label)
            self.out.append((I.BR, depth))
            self.set_unreachable()
            return
        need = label + [I32]  # br_if / br_table take an i32 above the label's values
        if not self.fits(need):
            self.fix_to(label)
            self.push_const(I32)
        if c == 1:
            self.apply((I.BR_IF, depth), need, label)
        else:
            same = [d for d in range(n) if len(self.frames[-1 - d][1]) == len(label)
                    and self.fits(self.frames[-1 - d][1] + [I32])]
            self.out.append((I.BR_TABLE, tuple(rng.choice(same) for _ in range(rng.randrange(4))), depth))
            self.set_unreachable()

    def variable(self) -> None:
        rng = self.rng
        top = self.top()
        c = rng.randrange(5)
        if c == 0 and self.locals:
            x = rng.randrange(len(self.locals))
            self.apply((I.LOCAL_GET, x), (), (self.locals[x],))
        elif c in (1, 2):
            xs = [i for i, t in enumerate(self.locals) if t is top]
            if xs:
                x = rng.choice(xs)
                t = self.locals[x]
                self.apply((I.LOCAL_SET if c == 1 else I.LOCAL_TEE, x), (t,), () if c == 1 else (t,))
        elif c == 3 and self.globals:
            x = rng.randrange(len(self.globals))
            self.apply((I.GLOBAL_GET, x), (), (self.globals[x].valtype,))
        elif c == 4:
            xs = [i for i, g in enumerate(self.globals) if g.mutable and g.valtype is top]
            if xs:
                x = rng.choice(xs)
                self.apply((I.GLOBAL_SET, x), (top,), ())

    def parametric(self) -> None:
        rng = self.rng
        a = self.avail()
        if rng.random() < 0.4 and (a or self.frames[-1][5]):
            self.apply((I.DROP,), (None,), ())
            return
        t = rng.choice(VALTYPES)
        for _ in range(2 - (len(a) > 0 and a[-1] is t) * 2):
            self.push_const(t)
        if len(self.avail()) >= 2 and self.avail()[-2:] == [t, t]:
            self.push_const(I32)
            if t.is_ref or rng.random() < 0.5:
                self.apply((I.SELECT_T, (t,)), (t, t, I32), (t,))
            else:
                self.apply((I.SELECT,), (t, t, I32), (t,))

    def call(self) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            xs = [i for i, t in enumerate(self.func_types) if self.fits(list(t.params))]
            if xs:
                x = rng.choice(xs)
                t = self.func_types[x]
                self.apply((I.CALL, x), t.params, t.results)
        else:
            ti = rng.randrange(len(TYPES))
            t = TYPES[ti]
            if not self.fits(list(t.params)):
                self.fix_to(list(t.params))
            self.push_const(I32)
            self.apply((I.CALL_INDIRECT, ti, 0), t.params + (I32,), t.results)

    def ref_or_table(self) -> None:
        rng = self.rng
        x = rng.randrange(2)
        et = (FUNCREF, EXTERNREF)[x]
        c = rng.randrange(12)
        if c == 0:
            self.apply((I.REF_NULL, et), (), (et,))
        elif c == 1 and self.top() in (FUNCREF, EXTERNREF):
            self.apply((I.REF_IS_NULL,), (None,), (I32,))
        elif c == 2 and self.declared:
            self.apply((I.REF_FUNC, rng.choice(self.declared)), (), (FUNCREF,))
        elif c == 3:
            self.apply((I.TABLE_SIZE, x), (), (I32,))
        elif c == 4:
            self.pushes_then((I.TABLE_GET, x), [I32], (et,))
        elif c == 5:
            self.pushes_then((I.TABLE_SET, x), [I32, et], ())
        elif c == 6:
            self.pushes_then((I.TABLE_GROW, x), [et, I32], (I32,))
        elif c == 7:
            self.pushes_then((I.TABLE_FILL, x), [I32, et, I32], ())
        elif c == 8:
            self.pushes_then(rng.choice([(I.TABLE_COPY, x, x), (I.TABLE_INIT, x, x)]), [I32, I32, I32], ())
        elif c == 9:
            self.apply(rng.choice([(I.ELEM_DROP, x), (I.DATA_DROP, 0)]), (), ())
        elif self.m.memories:
            instr = rng.choice([(I.MEMORY_INIT, 0, 0), (I.MEMORY_COPY, 0, 0), (I.MEMORY_FILL, 0)])
            self.pushes_then(instr, [I32, I32, I32], ())

    def pushes_then(self, instr: tuple, params: list, results: tuple) -> None:
        if not self.fits(params):
            self.fix_to(params)
        self.apply(instr, params, results)

    def plain(self) -> None:
        rng = self.rng
        ops = [op for op in PLAIN if (self.m.memories or op.natural_align is None and op.imm != Imm.MEM)]
        fitting = [op for op in ops if self.fits(list(op.params))] if rng.random() < 0.9 else []
        op = rng.choice(fitting or ops)
        if not self.fits(list(op.params)):
            self.fix_to(list(op.params))
        self.apply(_immediates(rng, op, valid=True), op.params, op.results)

    def step(self) -> None:
        r = self.rng.random()
        if r < 0.08 and len(self.frames) < 6:
            self.open_block()
        elif r < 0.15 and len(self.frames) > 1:
            self.close()
        elif r < 0.2:
            self.branch()
        elif r < 0.32:
            self.variable()
        elif r < 0.4:
            self.parametric()
        elif r < 0.45:
            self.call()
        elif r < 0.52:
            self.ref_or_table()
        else:
            self.plain()

    def body(self, steps: int) -> List[tuple]:
        for _ in range(steps):
            self.step()
        while len(self.frames) > 1:
            self.close()
        f = self.frames[0]
        if not (self.avail() == f[2] or (f[5] and self.fits(f[2]) and len(self.avail()) <= len(f[2]))):
            self.fix_to(f[2])
        self.out.append((I.END,))
        return self.out


def _immediates(rng: random.Random, op: I.Op, valid: bool) -> tuple:
    def small(n: int) -> int:
        return rng.randrange(n) if valid else rng.randrange(n + 3)
    if op.imm == Imm.NONE:
        return (op,)
    if op.imm == Imm.MEM:
        return (op, 0)
    if op.imm == Imm.LANE:
        return (op, small(op.lanes))
    if op.imm == Imm.SHUFFLE:
        return (op, tuple(small(32) for _ in range(16)))
    align = small(op.natural_align + 1)
    if op.imm == Imm.MEMARG:
        return (op, align, rng.randrange(64), 0)
    return (op, align, rng.randrange(64), 0, small(op.lanes))


_INDEXED = (Imm.LOCAL, Imm.GLOBAL, Imm.FUNC, Imm.LABEL, Imm.TABLE, Imm.ELEM, Imm.DATA, Imm.CALL_INDIRECT,
            Imm.TABLE_INIT, Imm.TABLE_COPY)


def _inject(rng: random.Random, body: List[tuple]) -> None:
    """One random fault: another operator, a deleted or inserted one, a changed index or block type."""
    pos = rng.randrange(len(body) - 1) if len(body) > 1 else 0
    instr = body[pos] if body else (I.NOP,)
    structural = instr[0] in (I.BLOCK, I.LOOP, I.IF, I.ELSE, I.END)
    c = rng.randrange(5)
    if c == 0 and not structural:
        body[pos] = _immediates(rng, rng.choice(PLAIN), valid=rng.random() < 0.5)
    elif c == 1 and not structural:
        del body[pos]
    elif c == 2:
        body.insert(pos, CONST[rng.choice(VALTYPES)])
    elif c == 3 and instr[0].imm in _INDEXED:
        i = rng.randrange(1, len(instr))
        if isinstance(instr[i], int):
            body[pos] = instr[:i] + (instr[i] + rng.randint(1, 3),) + instr[i + 1:]
    elif instr[0].imm == Imm.BLOCK:
        body[pos] = (instr[0], rng.choice([None, rng.choice(VALTYPES), rng.randrange(len(TYPES) + 1)]))
    else:
        body.insert(pos, rng.choice([(I.DROP,), (I.SELECT,), (I.I32_ADD,), (I.BR, rng.randrange(3))]))


def random_module(seed: int) -> ast.Module:
    rng = random.Random(seed)
    m = _module_shell(rng)
    tis = [rng.randrange(len(TYPES)) for _ in range(rng.randint(1, 3))]
    func_types = [m.types[i.desc] for i in m.imports if i.kind == ExternKind.FUNC] + [TYPES[t] for t in tis]
    declared = [0] + ([1] if m.exports else [])
    for ti in tis:
        locals_ = [(rng.randint(1, 2), rng.choice(VALTYPES)) for _ in range(rng.randrange(3))]
        flat = [t for c, t in locals_ for _ in range(c)]
        body = _Gen(rng, m, TYPES[ti], flat, func_types, declared).body(rng.randrange(1, 40))
        m.funcs.append(ast.Func(ti, locals_, body))
    if rng.random() < 0.5:
        _inject(rng, rng.choice(m.funcs).body)
    return m


def _check(seed: int, workdir: Path) -> Tuple[bool, Optional[str]]:
    """(valid per wasm-tools, a description of any disagreement with us)."""
    data = encode(random_module(seed))
    err: Optional[ValidationError] = None
    try:
        validate_module(decode(data))
    except ValidationError as e:
        err = e
    path = workdir / f"r{seed}.wasm"
    path.write_bytes(data)
    r = subprocess.run([TOOL, "validate", "--features", "wasm2", str(path)], capture_output=True, text=True)
    theirs, their_msg = r.returncode == 0, r.stderr.strip()
    if (err is None) != theirs:
        return theirs, f"seed {seed}: ours {err or 'valid'}; wasm-tools {their_msg or 'valid'}"
    if err is not None:
        # Both reject: the failing function and instruction offset must agree too.
        where = re.search(r"func (\d+) failed to validate.*?at offset (0x[0-9a-f]+)", their_msg, re.S)
        if where and (int(where.group(1)), int(where.group(2), 16)) != (err.func_index, err.offset):
            return theirs, f"seed {seed}: position differs: ours {err}; wasm-tools {their_msg}"
    return theirs, None


def test_random_bodies_against_wasm_tools(large: bool) -> None:
    n = 3000 if large else 300
    valid = 0
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(n):
            theirs, problem = _check(seed, Path(tmp))
            valid += theirs
            if problem:
                problems.append(problem)
    print(f"\nrandom bodies: {n} modules, {valid} valid per wasm-tools, {len(problems)} disagreements "
          "(verdict, or failing function and offset)")
    assert 0.1 * n < valid < 0.9 * n, "the generator no longer gives a useful mix of valid and invalid"
    assert not problems, "\n".join(problems[:20])
