"""The text printer (wasm2wat): :class:`wasmi._syntax.ast.Module` -> WAT source.

The output is the flat instruction syntax with indentation, every reference by index, and comments
``(;N;)`` giving each definition's index. Names from the ``name`` section are untrusted input: they are
only printed inside ``;;`` line comments, written as escaped WAT strings (no newline can appear in one,
so a name can never end the comment and inject text). Float constants are printed exactly as hex
floats or ``nan:0x…``, so that parsing the output gives back the same bits.
"""

from __future__ import annotations

from typing import Any, Callable, List, Sequence

from .._syntax import instructions as I
from .._syntax.ast import Data, Elem, ElemMode, Func, Module, Names
from .._syntax.instructions import Imm, Op
from .._syntax.types import ExternKind, FuncType, GlobalType, Limits, TableType, ValType
from ..errors import WasmiError

__all__ = ["print_module", "wat_string", "format_f32", "format_f64"]


def wat_string(raw: bytes) -> str:
    """A WAT string literal for ``raw``: printable ASCII as is, everything else as ``\\hh``."""
    out = ['"']
    for b in raw:
        if 0x20 <= b < 0x7F and b != 0x22 and b != 0x5C:
            out.append(chr(b))
        else:
            out.append("\\%02x" % b)
    out.append('"')
    return "".join(out)


def _name_string(s: str) -> str:
    return wat_string(s.encode("utf-8", "surrogatepass"))


def _format_float(bits: int, exp_bits: int, mant_bits: int) -> str:
    sign = "-" if bits >> (exp_bits + mant_bits) else ""
    exp = (bits >> mant_bits) & ((1 << exp_bits) - 1)
    mant = bits & ((1 << mant_bits) - 1)
    if exp == (1 << exp_bits) - 1:
        if mant == 0:
            return sign + "inf"
        if mant == 1 << (mant_bits - 1):
            return sign + "nan"
        return f"{sign}nan:{mant:#x}"
    if exp == 0 and mant == 0:
        return sign + "0x0p+0"
    bias = (1 << (exp_bits - 1)) - 1
    # Pad the mantissa to whole hex digits, then drop trailing zero digits.
    digits = (mant_bits + 3) // 4
    frac = f"{mant << (digits * 4 - mant_bits):0{digits}x}".rstrip("0")
    lead, e = ("0", 1 - bias) if exp == 0 else ("1", exp - bias)
    return f"{sign}0x{lead}{'.' + frac if frac else ''}p{e:+d}"


def format_f32(bits: int) -> str:
    """The exact WAT literal of an f32 given by its bit pattern."""
    return _format_float(bits, 8, 23)


def format_f64(bits: int) -> str:
    """The exact WAT literal of an f64 given by its bit pattern."""
    return _format_float(bits, 11, 52)


def _v128(v: int) -> str:
    lanes = " ".join("0x%08x" % ((v >> (32 * i)) & 0xFFFFFFFF) for i in range(4))
    return "i32x4 " + lanes


def _memarg(op: Op, ins: tuple) -> str:
    parts = []
    if ins[3]:
        parts.append(str(ins[3]))
    if ins[2]:
        parts.append(f"offset={ins[2]}")
    if ins[1] != op.natural_align:
        parts.append(f"align={1 << ins[1]}")
    return " ".join(parts)


def _blocktype(bt: Any) -> str:
    if bt is None:
        return ""
    if isinstance(bt, ValType):
        return f" (result {bt})"
    return f" (type {bt})"


def _instr_text(ins: tuple) -> str:  # noqa: C901 - one branch per immediate kind
    op: Op = ins[0]
    imm = op.imm
    name = op.name
    if imm == Imm.NONE:
        return name
    if imm == Imm.BLOCK:
        return name + _blocktype(ins[1])
    if imm in (Imm.LABEL, Imm.FUNC, Imm.LOCAL, Imm.GLOBAL, Imm.TABLE, Imm.ELEM, Imm.DATA, Imm.LANE):
        return f"{name} {ins[1]}"
    if imm == Imm.I32 or imm == Imm.I64:
        return f"{name} {ins[1]}"
    if imm == Imm.F32:
        return f"{name} {format_f32(ins[1])}"
    if imm == Imm.F64:
        return f"{name} {format_f64(ins[1])}"
    if imm == Imm.MEMARG:
        m = _memarg(op, ins)
        return f"{name} {m}" if m else name
    if imm == Imm.MEMARG_LANE:
        m = _memarg(op, ins)
        return f"{name} {m} {ins[4]}" if m else f"{name} {ins[4]}"
    if imm == Imm.BR_TABLE:
        return " ".join([name] + [str(d) for d in ins[1]] + [str(ins[2])])
    if imm == Imm.CALL_INDIRECT:
        return f"{name} {ins[2]} (type {ins[1]})"
    if imm == Imm.MEM:
        return f"{name} {ins[1]}" if ins[1] else name
    if imm == Imm.V128:
        return f"{name} {_v128(ins[1])}"
    if imm == Imm.SELECT_T:
        return "select (result " + " ".join(str(t) for t in ins[1]) + ")"
    if imm == Imm.HEAPTYPE:
        return f"{name} {'func' if ins[1] is ValType.FUNCREF else 'extern'}"
    if imm == Imm.TABLE_INIT:  # binary order is (elem, table); text order is (table, elem)
        return f"{name} {ins[2]} {ins[1]}"
    if imm == Imm.TABLE_COPY:
        return f"{name} {ins[1]} {ins[2]}"
    if imm == Imm.MEMORY_INIT:
        return f"{name} {ins[2]} {ins[1]}" if ins[2] else f"{name} {ins[1]}"
    if imm == Imm.MEMORY_COPY:
        return f"{name} {ins[1]} {ins[2]}" if ins[1] or ins[2] else name
    if imm == Imm.SHUFFLE:
        return name + " " + " ".join(str(x) for x in ins[1])
    raise ValueError(f"no text form for immediate kind {imm}")  # pragma: no cover


def _expr_inline(instrs: Sequence[tuple]) -> str:
    return " ".join(_instr_text(i) for i in instrs)


def _types(ts: Sequence[ValType]) -> str:
    return " ".join(str(t) for t in ts)


def _functype(t: FuncType) -> str:
    s = "func"
    if t.params:
        s += f" (param {_types(t.params)})"
    if t.results:
        s += f" (result {_types(t.results)})"
    return f"({s})"


def _limits(lim: Limits) -> str:
    return str(lim.min) if lim.max is None else f"{lim.min} {lim.max}"


def _tabletype(t: TableType) -> str:
    return f"{_limits(t.limits)} {t.elem}"


def _globaltype(t: GlobalType) -> str:
    return f"(mut {t.valtype})" if t.mutable else str(t.valtype)


_MAX_PRINTED_LOCALS = 1_000_000
# Indentation stops growing here: 100,000 nested blocks (a 200 KB module) would otherwise print
# gigabytes of spaces.
_MAX_INDENT = 64


def _comment(text: str) -> str:
    return f"  ;; {text}"


class _Printer:
    def __init__(self, m: Module) -> None:
        self.m = m
        self.names: Names = m.names or Names()
        self.lines: List[str] = []
        self.emit: Callable[[str], None] = self.lines.append

    def func_name(self, idx: int) -> str:
        n = self.names.funcs.get(idx)
        return _comment("name " + _name_string(n)) if n is not None else ""

    def run(self) -> str:
        m = self.m
        emit = self.emit
        head = "(module"
        if self.names.module is not None:
            head += _comment("name " + _name_string(self.names.module))
        emit(head)
        for i, ft in enumerate(m.types):
            emit(f"  (type (;{i};) {_functype(ft)})")
        counts = {k: 0 for k in ExternKind}
        for imp in m.imports:
            k = imp.kind
            idx = counts[k]
            counts[k] += 1
            d: Any = imp.desc
            note = ""
            if k == ExternKind.FUNC:
                desc = f"(func (;{idx};) (type {d}))"
                note = self.func_name(idx)
            elif k == ExternKind.TABLE:
                desc = f"(table (;{idx};) {_tabletype(d)})"
            elif k == ExternKind.MEMORY:
                desc = f"(memory (;{idx};) {_limits(d.limits)})"
            else:
                desc = f"(global (;{idx};) {_globaltype(d)})"
            emit(f"  (import {_name_string(imp.module)} {_name_string(imp.name)} {desc}){note}")
        nfunc = counts[ExternKind.FUNC]
        for i, f in enumerate(m.funcs):
            self.func(nfunc + i, f)
        for i, t in enumerate(m.tables):
            emit(f"  (table (;{counts[ExternKind.TABLE] + i};) {_tabletype(t.type)})")
        for i, mem in enumerate(m.memories):
            emit(f"  (memory (;{counts[ExternKind.MEMORY] + i};) {_limits(mem.type.limits)})")
        for i, g in enumerate(m.globals):
            emit(f"  (global (;{counts[ExternKind.GLOBAL] + i};) {_globaltype(g.type)} {_expr_inline(g.init)})")
        for e in m.exports:
            emit(f"  (export {_name_string(e.name)} ({e.kind.text} {e.index}))")
        if m.start is not None:
            emit(f"  (start {m.start})")
        for i, el in enumerate(m.elems):
            emit(self.elem(i, el))
        for i, d in enumerate(m.datas):
            emit(self.data(i, d))
        for c in m.customs:
            emit(f"  ;; custom section {_name_string(c.name)}, {len(c.data)} bytes")
        emit(")")
        return "\n".join(self.lines) + "\n"

    def func(self, idx: int, f: Func) -> None:
        emit = self.emit
        t = self.m.types[f.type_index] if f.type_index < len(self.m.types) else None
        head = f"  (func (;{idx};) (type {f.type_index})"
        if t is not None:
            if t.params:
                head += f" (param {_types(t.params)})"
            if t.results:
                head += f" (result {_types(t.results)})"
        emit(head + self.func_name(idx))
        local_names = self.names.locals.get(idx, {})
        if sum(n for n, _ in f.locals) > _MAX_PRINTED_LOCALS:
            # The text format lists every local one by one; a valid binary may declare 2**32 - 1.
            raise WasmiError(f"function {idx} declares too many locals to print")
        if f.locals:
            emit("    (local " + " ".join(" ".join([str(vt)] * n) for n, vt in f.locals if n) + ")")
        for li in sorted(local_names):
            emit("    " + _comment(f"local {li} name " + _name_string(local_names[li])).lstrip())
        depth = 2
        body = f.body
        last = len(body) - 1
        for k, ins in enumerate(body):
            op = ins[0]
            if op is I.END:
                if k == last:
                    break
                depth -= 1
                emit("  " * min(depth, _MAX_INDENT) + "end")
            elif op is I.ELSE:
                emit("  " * min(depth - 1, _MAX_INDENT) + "else")
            elif op is I.BLOCK or op is I.LOOP or op is I.IF:
                # `br N` inside counts labels outwards; the comment numbers them from the function
                # body inwards (as wasm-tools does), so a reader can match `br` to its target.
                emit("  " * min(depth, _MAX_INDENT) + _instr_text(ins) + f"  ;; label = @{depth - 1}")
                depth += 1
            else:
                emit("  " * min(depth, _MAX_INDENT) + _instr_text(ins))
        emit("  )")

    def elem(self, i: int, e: Elem) -> str:
        parts = [f"  (elem (;{i};)"]
        if e.mode == ElemMode.ACTIVE:
            if e.table != 0 or e.explicit_table:
                parts.append(f"(table {e.table})")
            parts.append(f"(offset {_expr_inline(e.offset or [])})")
        elif e.mode == ElemMode.DECLARATIVE:
            parts.append("declare")
        funcs = None
        if not e.uses_exprs and e.type is ValType.FUNCREF:
            if all(len(x) == 1 and x[0][0] is I.REF_FUNC for x in e.init):
                funcs = [x[0][1] for x in e.init]
        if funcs is not None:
            parts.append("func")
            parts.extend(str(x) for x in funcs)
        else:
            parts.append(str(e.type))
            parts.extend(f"(item {_expr_inline(x)})" for x in e.init)
        return " ".join(parts) + ")"

    def data(self, i: int, d: Data) -> str:
        parts = [f"  (data (;{i};)"]
        if d.mode == "active":
            if d.memory != 0 or d.explicit_memory:
                parts.append(f"(memory {d.memory})")
            parts.append(f"(offset {_expr_inline(d.offset or [])})")
        parts.append(wat_string(bytes(d.init)))
        return " ".join(parts) + ")"


def print_module(m: Module) -> str:
    """The WAT text of ``m``.

    Raises WasmiError when a function declares more than a million locals (the text format would
    need one token per local).
    """
    return _Printer(m).run()
