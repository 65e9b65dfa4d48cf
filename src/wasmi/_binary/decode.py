"""The binary decoder: bytes -> :class:`wasmi._syntax.ast.Module` (spec chapter 5).

Function bodies are decoded eagerly (see RATIONALE "Why are function bodies decoded eagerly?").

Error messages follow the reference interpreter, whose wording the spec suite's ``assert_malformed``
checks. Like it, entries are read from the whole input and a section's declared size is compared
with where its last entry ended ("section size mismatch"); counts and lengths are checked against the
rest of the input ("length out of bounds").
"""

from __future__ import annotations

import gc
import struct
from typing import Any, Callable, List, Tuple

from .._syntax import instructions as I
from .._syntax.ast import CustomSection, Func, Memory, Module, Table
from .._syntax.types import VALTYPE_BY_CODE
from ..errors import DecodeError
from .code import decode_instrs
from .names import decode_names
from .reader import END_OF_SECTION, read_len, read_name, read_u32
from .sections import (
    read_data,
    read_elem,
    read_export,
    read_functype,
    read_global,
    read_import,
    read_memtype,
    read_tabletype,
)

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Position of each known section id in the required order (the data count section, id 12, sits
# between the element and code sections).
_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12}
_MAX_LOCALS = 0xFFFFFFFF


def _vec(read: Callable[[bytes, int], Tuple[Any, int]], data: bytes, pos: int) -> Tuple[List[Any], int]:
    # The count is not checked against the input size: every entry takes at least one byte, so a
    # forged count ends in "unexpected end" after at most len(data) iterations.
    n, pos = _read_u32(data, pos)
    out: List[Any] = []
    append = out.append
    for _ in range(n):
        x, pos = read(data, pos)
        append(x)
    return out, pos


def _read_u32(data: bytes, pos: int) -> Tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return b, pos + 1
    return read_u32(data, pos)


def _read_code(data: bytes, pos: int, type_index: int) -> Tuple[Func, int]:
    """One code-section entry. ``Func.body_offset`` is the offset right after the entry's size
    field (where the local declarations start); ``Func.offsets`` holds each instruction's opcode
    offset. Raises DecodeError ("too many locals", "section size mismatch", …)."""
    size, pos = read_len(data, pos)
    end = pos + size
    body_offset = pos
    n, pos = _read_u32(data, pos)
    locals_ = []
    total = 0
    for _ in range(n):
        count, pos = _read_u32(data, pos)
        total += count
        if total > _MAX_LOCALS:
            raise DecodeError("too many locals", pos)
        t = VALTYPE_BY_CODE.get(data[pos])
        if t is None:
            raise DecodeError("malformed value type", pos)
        pos += 1
        locals_.append((count, t))
    body, offsets, pos = decode_instrs(data, pos)
    if pos != end:
        raise DecodeError("section size mismatch", end)
    return Func(type_index, locals_, body, offsets, body_offset), pos


def _uses_data_count(data: bytes, funcs: List[Func]) -> bool:
    mi, dd = I.MEMORY_INIT, I.DATA_DROP
    for f in funcs:
        # A cheap byte search first: only bodies containing the 0xFC prefix can hold these.
        start = f.body_offset or 0
        if data.find(b"\xfc", start, f.offsets[-1] if f.offsets else start) < 0:
            continue
        for ins in f.body:
            if ins[0] is mi or ins[0] is dd:
                return True
    return False


def decode_module(data: bytes) -> Module:
    """Decode a binary module.

    Raises :class:`wasmi.DecodeError` (with the spec's message and a byte offset) for any malformed
    input, and nothing else.
    """
    data = bytes(data)
    # The decoder allocates hundreds of thousands of tuples and lists that can never form cycles; the
    # cyclic garbage collector would scan them again and again while they are built (decoding QuickJS
    # takes 0.25 s with it, 0.15 s without). Pausing it only delays collection of other garbage.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _decode(data)
    except (IndexError, struct.error):
        raise DecodeError(END_OF_SECTION, len(data)) from None
    finally:
        if gc_was_enabled:
            gc.enable()


def _decode(data: bytes) -> Module:
    if len(data) < 4:
        raise DecodeError("unexpected end", len(data))
    if data[:4] != MAGIC:
        raise DecodeError("magic header not detected", 0)
    if len(data) < 8:
        raise DecodeError("unexpected end", len(data))
    if data[4:8] != VERSION:
        raise DecodeError("unknown binary version", 4)

    m = Module()
    func_types: List[int] = []
    code_count = 0
    last = 0  # order rank of the last known section
    last_id = 0
    pos = 8
    n = len(data)
    while pos < n:
        sid = data[pos]
        if sid > 12:
            raise DecodeError("malformed section id", pos)
        size, pos = read_len(data, pos + 1)
        end = pos + size
        if sid == 0:
            name, p = read_name(data, pos)
            if p > end:
                raise DecodeError(END_OF_SECTION, end)
            payload = data[p:end]
            m.customs.append(CustomSection(name, payload, last_id))
            if name == "name":
                m.names = decode_names(payload)
            pos = end
            continue
        rank = _ORDER[sid]
        if rank <= last:
            raise DecodeError("unexpected content after last section", pos - 1)
        last = rank
        last_id = sid
        if sid == 1:
            m.types, pos = _vec(read_functype, data, pos)
        elif sid == 2:
            m.imports, pos = _vec(read_import, data, pos)
        elif sid == 3:
            func_types, pos = _vec(_read_u32, data, pos)
        elif sid == 4:
            tables, pos = _vec(read_tabletype, data, pos)
            m.tables = [Table(t) for t in tables]
        elif sid == 5:
            mems, pos = _vec(read_memtype, data, pos)
            m.memories = [Memory(t) for t in mems]
        elif sid == 6:
            m.globals, pos = _vec(read_global, data, pos)
        elif sid == 7:
            m.exports, pos = _vec(read_export, data, pos)
        elif sid == 8:
            m.start, pos = _read_u32(data, pos)
        elif sid == 9:
            m.elems, pos = _vec(read_elem, data, pos)
        elif sid == 12:
            m.data_count, pos = _read_u32(data, pos)
        elif sid == 10:
            count, pos = _read_u32(data, pos)
            code_count = count
            funcs = []
            # Like the reference interpreter, compare the counts only after the last section.
            for i in range(count):
                f, pos = _read_code(data, pos, func_types[i] if i < len(func_types) else 0)
                funcs.append(f)
            m.funcs = funcs
        elif sid == 11:
            m.datas, pos = _vec(read_data, data, pos)
        if pos != end:
            raise DecodeError("section size mismatch", end)
    if code_count != len(func_types):
        raise DecodeError("function and code section have inconsistent lengths", n)
    if m.data_count is not None and m.data_count != len(m.datas):
        raise DecodeError("data count and data section have inconsistent lengths", n)
    if m.data_count is None and _uses_data_count(data, m.funcs):
        raise DecodeError("data count section required", n)
    return m
