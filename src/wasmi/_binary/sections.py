"""Readers of the non-code sections' entries: types, imports, tables, memories, globals, exports,
element and data segments. Each takes ``(data, pos)`` and returns ``(value, pos)``; see reader.py for the
error conventions."""

from __future__ import annotations

from typing import Any, List, Tuple

from .._syntax import instructions as I
from .._syntax.ast import Data, Elem, ElemMode, Export, Global, Import
from .._syntax.types import ExternKind, FuncType, GlobalType, Limits, MemoryType, TableType, ValType
from ..errors import DecodeError
from .code import decode_const_expr
from .reader import read_name, read_reftype, read_u32, read_valtype

_KINDS = (ExternKind.FUNC, ExternKind.TABLE, ExternKind.MEMORY, ExternKind.GLOBAL)


def _u32(data: bytes, pos: int) -> Tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return b, pos + 1
    return read_u32(data, pos)


def read_functype(data: bytes, pos: int) -> Tuple[FuncType, int]:
    b = data[pos]
    if b != 0x60:
        # The reference interpreter reads this byte as a signed 7-bit LEB.
        if b & 0x80:
            raise DecodeError("integer representation too long", pos)
        raise DecodeError("malformed function type", pos)
    pos += 1
    n, pos = _u32(data, pos)
    params = []
    for _ in range(n):
        t, pos = read_valtype(data, pos)
        params.append(t)
    n, pos = _u32(data, pos)
    results = []
    for _ in range(n):
        t, pos = read_valtype(data, pos)
        results.append(t)
    return FuncType(tuple(params), tuple(results)), pos


def read_limits(data: bytes, pos: int) -> Tuple[Limits, int]:
    flag = data[pos]
    if flag == 0:
        lo, pos = _u32(data, pos + 1)
        return Limits(lo), pos
    if flag == 1:
        lo, pos = _u32(data, pos + 1)
        hi, pos = _u32(data, pos)
        return Limits(lo, hi), pos
    # The flag is a 1-bit LEB to the reference interpreter. Flags 2/3 (shared) and 4+ (64-bit)
    # belong to proposals beyond 2.0.
    if flag & 0x80:
        raise DecodeError("integer representation too long", pos)
    raise DecodeError("integer too large", pos)


def read_tabletype(data: bytes, pos: int) -> Tuple[TableType, int]:
    t, pos = read_reftype(data, pos)
    lim, pos = read_limits(data, pos)
    return TableType(t, lim), pos


def read_memtype(data: bytes, pos: int) -> Tuple[MemoryType, int]:
    lim, pos = read_limits(data, pos)
    return MemoryType(lim), pos


def read_globaltype(data: bytes, pos: int) -> Tuple[GlobalType, int]:
    t, pos = read_valtype(data, pos)
    m = data[pos]
    if m > 1:
        raise DecodeError("malformed mutability", pos)
    return GlobalType(t, m == 1), pos + 1


def read_import(data: bytes, pos: int) -> Tuple[Import, int]:
    module, pos = read_name(data, pos)
    name, pos = read_name(data, pos)
    k = data[pos]
    pos += 1
    desc: Any
    if k == 0:
        desc, pos = _u32(data, pos)
    elif k == 1:
        desc, pos = read_tabletype(data, pos)
    elif k == 2:
        desc, pos = read_memtype(data, pos)
    elif k == 3:
        desc, pos = read_globaltype(data, pos)
    else:
        raise DecodeError("malformed import kind", pos - 1)
    return Import(module, name, _KINDS[k], desc), pos


def read_global(data: bytes, pos: int) -> Tuple[Global, int]:
    gt, pos = read_globaltype(data, pos)
    init, pos = decode_const_expr(data, pos)
    return Global(gt, init), pos


def read_export(data: bytes, pos: int) -> Tuple[Export, int]:
    name, pos = read_name(data, pos)
    k = data[pos]
    if k > 3:
        raise DecodeError("malformed export kind", pos)
    idx, pos = _u32(data, pos + 1)
    return Export(name, _KINDS[k], idx), pos


def _func_indices(data: bytes, pos: int) -> Tuple[List[List[Tuple[Any, ...]]], int]:
    n, pos = _u32(data, pos)
    out = []
    ref_func = I.REF_FUNC
    for _ in range(n):
        i, pos = _u32(data, pos)
        out.append([(ref_func, i)])
    return out, pos


def _exprs(data: bytes, pos: int) -> Tuple[List[List[Tuple[Any, ...]]], int]:
    n, pos = _u32(data, pos)
    out = []
    for _ in range(n):
        e, pos = decode_const_expr(data, pos)
        out.append(e)
    return out, pos


def _elemkind(data: bytes, pos: int) -> int:
    if data[pos] != 0x00:
        raise DecodeError("malformed element kind", pos)
    return pos + 1


def read_elem(data: bytes, pos: int) -> Tuple[Elem, int]:
    """One element segment in any of its 8 encodings (flags 0–7)."""
    start = pos
    flags, pos = _u32(data, pos)
    if flags > 7:
        raise DecodeError("malformed elements segment kind", start)
    uses_exprs = bool(flags & 4)
    table = 0
    offset = None
    if flags & 1:
        mode = ElemMode.DECLARATIVE if flags & 2 else ElemMode.PASSIVE
    else:
        mode = ElemMode.ACTIVE
        if flags & 2:
            table, pos = _u32(data, pos)
        offset, pos = decode_const_expr(data, pos)
    t = ValType.FUNCREF
    if flags & 3:  # anything but the table-0 shorthands names its element type
        if uses_exprs:
            t, pos = read_reftype(data, pos)
        else:
            pos = _elemkind(data, pos)
    if uses_exprs:
        init, pos = _exprs(data, pos)
    else:
        init, pos = _func_indices(data, pos)
    return Elem(t, init, mode, table, offset, uses_exprs, flags == 2 or flags == 6), pos


def _bytes(data: bytes, pos: int) -> Tuple[bytes, int]:
    # Unlike names, the reference interpreter reports a too long data segment as an unexpected end.
    n, pos = _u32(data, pos)
    if n > len(data) - pos:
        raise IndexError
    return data[pos:pos + n], pos + n


def read_data(data: bytes, pos: int) -> Tuple[Data, int]:
    """One data segment in any of its 3 encodings (flags 0–2)."""
    start = pos
    flags, pos = _u32(data, pos)
    if flags == 1:
        init, pos = _bytes(data, pos)
        return Data(init, "passive"), pos
    if flags > 2:
        raise DecodeError("malformed data segment kind", start)
    mem = 0
    if flags == 2:
        mem, pos = _u32(data, pos)
    offset, pos = decode_const_expr(data, pos)
    init, pos = _bytes(data, pos)
    return Data(init, "active", mem, offset, flags == 2), pos
