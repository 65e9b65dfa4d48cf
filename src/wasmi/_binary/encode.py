"""The binary encoder: :class:`wasmi._syntax.ast.Module` -> canonical bytes (minimal LEB128s).

Custom sections go back after the known section they followed (``CustomSection.after``); element and
data segments use the flags recorded by the decoder or text parser (``uses_exprs``,
``explicit_table``, ``explicit_memory``), so decode -> encode reproduces canonical input byte for byte.
"""

from __future__ import annotations

import struct
from typing import Any, Callable, Dict, List, Optional, Sequence

from .._syntax import instructions as I
from .._syntax.ast import CustomSection, Data, Elem, ElemMode, Export, Func, Global, Import, Module
from .._syntax.instructions import OPS, Imm, Op
from .._syntax.types import ExternKind, FuncType, GlobalType, Limits, TableType, ValType
from ..errors import InternalError

_pack_u32 = struct.Struct("<I").pack
_pack_u64 = struct.Struct("<Q").pack

# The one-byte encodings of 0..127, shared to avoid building them again and again.
_SMALL = [bytes((i,)) for i in range(128)]


def u32(n: int) -> bytes:
    """Minimal unsigned LEB128 of ``n`` (any non-negative int)."""
    if n < 0x80:
        return _SMALL[n]
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n: int) -> bytes:
    """Minimal signed LEB128 of ``n``."""
    if -64 <= n < 64:
        return _SMALL[n & 0x7F]
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def _name(s: str) -> bytes:
    raw = s.encode("utf-8")
    return u32(len(raw)) + raw


def _vec(items: Sequence[bytes]) -> bytes:
    return u32(len(items)) + b"".join(items)


def _valtype(t: ValType) -> bytes:
    return _SMALL[t.value & 0x7F] if t.value < 0x80 else bytes((t.value,))


# --- instructions ---------------------------------------------------------------------------------

Writer = Callable[[bytearray, tuple], None]


def _opcode(op: Op) -> bytes:
    return bytes((op.code,)) if op.prefix is None else bytes((op.prefix,)) + u32(op.code)


def _blocktype(bt: Any) -> bytes:
    if bt is None:
        return b"\x40"
    if isinstance(bt, ValType):
        return bytes((bt.value,))
    return sleb(bt)


def _make_writer(op: Op) -> Any:  # noqa: C901 - one branch per immediate kind
    code = _opcode(op)
    imm = op.imm
    if imm == Imm.NONE:
        return code
    if imm == Imm.BLOCK:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += _blocktype(ins[1])
    elif imm in (Imm.LABEL, Imm.FUNC, Imm.LOCAL, Imm.GLOBAL, Imm.TABLE, Imm.ELEM, Imm.DATA):
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(ins[1])
    elif imm == Imm.BR_TABLE:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(len(ins[1]))
            for d in ins[1]:
                out += u32(d)
            out += u32(ins[2])
    elif imm == Imm.CALL_INDIRECT or imm == Imm.TABLE_INIT or imm == Imm.TABLE_COPY:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(ins[1])
            out += u32(ins[2])
    elif imm == Imm.MEM:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(ins[1])
    elif imm == Imm.MEMARG or imm == Imm.MEMARG_LANE:
        lane = imm == Imm.MEMARG_LANE

        def w(out: bytearray, ins: tuple) -> None:
            out += code
            if ins[3]:
                # multi-memory: flag bit 6, then the memory index *before* the offset
                out += u32(ins[1] | 0x40)
                out += u32(ins[3])
                out += u32(ins[2])
            else:
                out += u32(ins[1])
                out += u32(ins[2])
            if lane:
                out.append(ins[4])
    elif imm == Imm.I32 or imm == Imm.I64:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += sleb(ins[1])
    elif imm == Imm.F32:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += _pack_u32(ins[1])
    elif imm == Imm.F64:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += _pack_u64(ins[1])
    elif imm == Imm.V128:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += ins[1].to_bytes(16, "little")
    elif imm == Imm.SELECT_T:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(len(ins[1]))
            for t in ins[1]:
                out += _valtype(t)
    elif imm == Imm.HEAPTYPE:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += _valtype(ins[1])
    elif imm == Imm.MEMORY_INIT:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(ins[1])
            out += u32(ins[2])
    elif imm == Imm.MEMORY_COPY:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += u32(ins[1])
            out += u32(ins[2])
    elif imm == Imm.LANE:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out.append(ins[1])
    elif imm == Imm.SHUFFLE:
        def w(out: bytearray, ins: tuple) -> None:
            out += code
            out += bytes(ins[1])
    else:  # pragma: no cover - the table only uses the kinds above
        raise InternalError(f"no encoder for immediate kind {imm}")
    return w


# Indexed by Op.index: the opcode bytes for immediate-free instructions, else a writer function.
_WRITERS: List[Any] = [_make_writer(op) for op in OPS]


def encode_instrs(out: bytearray, instrs: Sequence[tuple]) -> None:
    """Append the encoding of ``instrs`` to ``out``."""
    writers = _WRITERS
    for ins in instrs:
        w = writers[ins[0].index]
        if type(w) is bytes:
            out += w
        else:
            w(out, ins)


def _expr(instrs: Sequence[tuple]) -> bytes:
    out = bytearray()
    encode_instrs(out, instrs)
    out.append(0x0B)
    return bytes(out)


# --- sections -------------------------------------------------------------------------------------

def _functype(t: FuncType) -> bytes:
    return b"\x60" + _vec([_valtype(p) for p in t.params]) + _vec([_valtype(r) for r in t.results])


def _limits(lim: Limits) -> bytes:
    if lim.max is None:
        return b"\x00" + u32(lim.min)
    return b"\x01" + u32(lim.min) + u32(lim.max)


def _tabletype(t: TableType) -> bytes:
    return _valtype(t.elem) + _limits(t.limits)


def _globaltype(t: GlobalType) -> bytes:
    return _valtype(t.valtype) + (b"\x01" if t.mutable else b"\x00")


def _import(i: Import) -> bytes:
    head = _name(i.module) + _name(i.name) + bytes((int(i.kind),))
    d: Any = i.desc
    if i.kind == ExternKind.FUNC:
        return head + u32(d)
    if i.kind == ExternKind.TABLE:
        return head + _tabletype(d)
    if i.kind == ExternKind.MEMORY:
        return head + _limits(d.limits)
    return head + _globaltype(d)


def _export(e: Export) -> bytes:
    return _name(e.name) + bytes((int(e.kind),)) + u32(e.index)


def _global(g: Global) -> bytes:
    return _globaltype(g.type) + _expr(g.init)


def _func_indices(init: List[list]) -> Optional[List[int]]:
    out = []
    for e in init:
        if len(e) != 1 or e[0][0] is not I.REF_FUNC:
            return None
        out.append(e[0][1])
    return out


def _elem(e: Elem) -> bytes:
    idx = None if e.uses_exprs or e.type is not ValType.FUNCREF else _func_indices(e.init)
    exprs = idx is None
    if e.mode == ElemMode.ACTIVE:
        short = e.table == 0 and not e.explicit_table and e.type is ValType.FUNCREF
        flags = 0 if short else 2
    elif e.mode == ElemMode.PASSIVE:
        flags = 1
    else:
        flags = 3
    if exprs:
        flags |= 4
    out = bytearray(u32(flags))
    if e.mode == ElemMode.ACTIVE:
        if flags & 2:
            out += u32(e.table)
        out += _expr(e.offset or [])
    if flags & 3:
        out += _valtype(e.type) if exprs else b"\x00"
    if exprs:
        out += _vec([_expr(x) for x in e.init])
    else:
        out += _vec([u32(i) for i in idx])  # type: ignore[union-attr]
    return bytes(out)


def _data(d: Data) -> bytes:
    if d.mode == "passive":
        return b"\x01" + u32(len(d.init)) + d.init
    if d.memory == 0 and not d.explicit_memory:
        head = b"\x00"
    else:
        head = b"\x02" + u32(d.memory)
    return head + _expr(d.offset or []) + u32(len(d.init)) + bytes(d.init)


def _code(f: Func) -> bytes:
    out = bytearray(_vec([u32(n) + _valtype(t) for n, t in f.locals]))
    encode_instrs(out, f.body)
    return u32(len(out)) + bytes(out)


def _section(sid: int, payload: bytes) -> bytes:
    return bytes((sid,)) + u32(len(payload)) + payload


def _custom(c: CustomSection) -> bytes:
    return _section(0, _name(c.name) + c.data)


_EMPTY_VEC = frozenset((1, 2, 3, 4, 5, 6, 7, 9, 10, 11))


def encode_module(m: Module) -> bytes:
    """Encode a module. Sections without content are left out (the data count section is written
    when ``m.data_count`` is set). Raises InternalError for a tree no front end produces."""
    sections: Dict[int, bytes] = {}
    if m.types:
        sections[1] = _vec([_functype(t) for t in m.types])
    if m.imports:
        sections[2] = _vec([_import(i) for i in m.imports])
    if m.funcs:
        sections[3] = _vec([u32(f.type_index) for f in m.funcs])
    if m.tables:
        sections[4] = _vec([_tabletype(t.type) for t in m.tables])
    if m.memories:
        sections[5] = _vec([_limits(x.type.limits) for x in m.memories])
    if m.globals:
        sections[6] = _vec([_global(g) for g in m.globals])
    if m.exports:
        sections[7] = _vec([_export(e) for e in m.exports])
    if m.start is not None:
        sections[8] = u32(m.start)
    if m.elems:
        sections[9] = _vec([_elem(e) for e in m.elems])
    if m.data_count is not None:
        sections[12] = u32(m.data_count)
    if m.funcs:
        sections[10] = _vec([_code(f) for f in m.funcs])
    if m.datas:
        sections[11] = _vec([_data(d) for d in m.datas])

    customs_after: Dict[int, List[CustomSection]] = {}
    for c in m.customs:
        customs_after.setdefault(c.after, []).append(c)
    out = [b"\x00asm\x01\x00\x00\x00"]
    out.extend(_custom(c) for c in customs_after.pop(0, []))
    for sid in (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11):
        follow = customs_after.pop(sid, [])
        if sid in sections:
            out.append(_section(sid, sections[sid]))
        elif follow and sid in _EMPTY_VEC:
            # The custom section came after an empty vector section: write that section (count 0)
            # so that the custom section keeps its position when decoded again.
            out.append(_section(sid, b"\x00"))
        out.extend(_custom(c) for c in follow)
    for rest in customs_after.values():  # an `after` id that names no section: keep it, at the end
        out.extend(_custom(c) for c in rest)
    return b"".join(out)
