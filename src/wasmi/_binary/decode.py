"""The binary decoder: bytes -> :class:`wasmi._syntax.ast.Module` (spec chapter 5).

Function bodies are decoded eagerly (see RATIONALE "Why are function bodies decoded eagerly?"), except
for ``Config(compilation_mode="lazy")``, which asks for lazy bodies (``_binary/lazy.py``).

Error messages follow the reference interpreter, whose wording the spec suite's ``assert_malformed``
checks. Like it, entries are read from the whole input and a section's declared size is compared
with where its last entry ended ("section size mismatch"); counts and lengths are checked against the
rest of the input ("length out of bounds").
"""

from __future__ import annotations

import gc
import operator
import struct
from typing import Any, Callable, List, Tuple

from .._syntax import instructions as I
from .._syntax.ast import CustomSection, Memory, Module, Table
from .._syntax.types import ExternKind
from ..errors import DecodeError
from .code import decode_body
from .lazy import LazyBodies, LazyFunc
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

_first = operator.itemgetter(0)
# Position of each known section id in the required order (the data count section, id 12, sits
# between the element and code sections).
_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12}


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


def _read_code(data: bytes, pos: int, count: int, func_types: List[int], bodies: LazyBodies,
               lazy: bool, funcs: List[LazyFunc]) -> int:
    """The code section's entries; with ``lazy`` as byte ranges only, bodies left undecoded. Raises
    DecodeError ("too many locals", "section size mismatch", …, with the function index)."""
    start = pos
    base = bodies.nimp
    for i in range(count):
        size, pos = read_len(data, pos)  # the size is checked against the input: end <= len(data)
        end = pos + size
        f = LazyFunc(bodies, base + i, func_types[i] if i < len(func_types) else 0, pos, end)
        if not lazy:
            try:
                f.locals, f.body = decode_body(data, pos, end)
            except DecodeError as e:
                raise DecodeError(e.message, e.offset, base + i) from None
            except (IndexError, struct.error):
                raise DecodeError(END_OF_SECTION, len(data), base + i) from None
        funcs.append(f)
        pos = end
    bodies.code_bytes = pos - start
    return pos


def _uses_data_count(data: bytes, funcs: List[LazyFunc]) -> bool:
    mi, dd = I.MEMORY_INIT, I.DATA_DROP
    for f in funcs:
        # A cheap byte search first: only bodies containing the 0xFC prefix can hold these.
        if data.find(b"\xfc", f.body_offset, f.end) < 0:
            continue
        ops = set(map(_first, f.body))
        if mi in ops or dd in ops:
            return True
    return False


def decode_module(data: bytes, lazy_bodies: bool = False) -> Module:
    """Decode a binary module.

    With ``lazy_bodies`` the function bodies are only located: ``Module.funcs`` holds
    :class:`~wasmi._binary.lazy.LazyFunc` objects and ``Module.derived["lazy_bodies"]`` their shared
    :class:`~wasmi._binary.lazy.LazyBodies`, and a malformed body is reported when it is first read.

    Raises :class:`wasmi.DecodeError` (with the spec's message and a byte offset, and the function
    index for an error inside a body) for any malformed input, and nothing else.
    """
    data = bytes(data)
    # The decoder allocates hundreds of thousands of tuples and lists that can never form cycles; the
    # cyclic garbage collector would scan them again and again while they are built (decoding QuickJS
    # takes 0.25 s with it, 0.15 s without). Pausing it only delays collection of other garbage.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            return _decode(data, lazy_bodies)
        except (IndexError, struct.error):
            raise DecodeError(END_OF_SECTION, len(data)) from None
    except DecodeError:
        if not lazy_bodies:
            raise
        # Lazily, a body is skipped by its declared size; the eager decoder reads it through, as the
        # reference interpreter does, and may meet a different first error: report that one, so the
        # message of a malformed module does not depend on the mode.
        _decode_eagerly_or_reraise(data)
        raise
    finally:
        if gc_was_enabled:
            gc.enable()


def _decode_eagerly_or_reraise(data: bytes) -> None:
    try:
        _decode(data, False)
    except (IndexError, struct.error):
        raise DecodeError(END_OF_SECTION, len(data)) from None


def _decode(data: bytes, lazy_bodies: bool) -> Module:
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
    code_funcs: List[LazyFunc] = []
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
            bodies = LazyBodies(data, sum(1 for imp in m.imports if imp.kind == ExternKind.FUNC))
            if lazy_bodies:
                m.derived["lazy_bodies"] = bodies
            # Like the reference interpreter, compare the counts only after the last section.
            code_funcs = []
            pos = _read_code(data, pos, count, func_types, bodies, lazy_bodies, code_funcs)
            m.funcs = code_funcs  # type: ignore[assignment]
        elif sid == 11:
            m.datas, pos = _vec(read_data, data, pos)
        if pos != end:
            raise DecodeError("section size mismatch", end)
    if code_count != len(func_types):
        raise DecodeError("function and code section have inconsistent lengths", n)
    if m.data_count is not None and m.data_count != len(m.datas):
        raise DecodeError("data count and data section have inconsistent lengths", n)
    if m.data_count is None:
        lazy = m.derived.get("lazy_bodies")
        if lazy is not None:
            lazy.need_data_count = True  # checked when a body is decoded
        elif _uses_data_count(data, code_funcs):
            raise DecodeError("data count section required", n)
    return m
