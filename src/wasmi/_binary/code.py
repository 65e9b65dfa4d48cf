"""Decoding of instruction sequences (function bodies and constant expressions) — the decoder's hot loop.

How it is made fast (see RATIONALE "Why is the decoder fast?"):

* dispatch is a list indexed by the opcode byte, built once from the instruction table;
* instructions without immediates are one shared, pre-built tuple ``(op,)`` appended as is;
* instructions with a single u32 index (``local.get``, ``call``, ``br`` …) or integer constant are
  decoded inline in the loop when the immediate takes one byte, as one of 128 shared, pre-built tuples;
  only the rest go through a small reader function per opcode (block types and the common memory
  arguments also give shared tuples);
* instruction offsets are not recorded (only error messages need them, and they are recomputed then).

Shared tuples are allocated once instead of per instruction, and the cyclic garbage collector, which
traverses every live container at its full collections, sees a fraction of the objects.
"""

from __future__ import annotations

import struct
from typing import Any, Callable, Dict, List, Optional, Tuple

from .._syntax import instructions as I
from .._syntax.instructions import OPS, Imm, Op
from .._syntax.types import VALTYPE_BY_CODE, ValType
from ..errors import DecodeError
from .reader import read_len, read_reftype, read_s32, read_s33, read_s64, read_u32, read_valtype

Reader = Callable[[bytes, int], Tuple[Tuple[Any, ...], int]]

_unpack_u32 = struct.Struct("<I").unpack_from
_unpack_u64 = struct.Struct("<Q").unpack_from


def _u32(data: bytes, pos: int) -> Tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return b, pos + 1
    return read_u32(data, pos)


def _memarg(data: bytes, pos: int) -> Tuple[int, int, int]:
    flags = data[pos]
    offset = data[pos + 1]
    if flags < 32 and offset < 0x80:  # alignment and offset in one byte each: the common case
        return flags, offset, pos + 2
    flags, pos = _u32(data, pos)
    if flags >= 32:
        # Bit 6 would announce a memory index (multi-memory, not in 2.0); larger alignments are
        # meaningless: the reference interpreter rejects both while decoding.
        raise DecodeError("malformed memop flags", pos - 1)
    offset, pos = _u32(data, pos)
    return flags, offset, pos


def _zero_byte(data: bytes, pos: int) -> int:
    if data[pos] != 0:
        raise DecodeError("zero byte expected", pos)
    return pos + 1


def _blocktype(data: bytes, pos: int) -> Tuple[Any, int]:
    b = data[pos]
    if b == 0x40:
        return None, pos + 1
    t = VALTYPE_BY_CODE.get(b)
    if t is not None:
        return t, pos + 1
    start = pos
    idx, pos = read_s33(data, pos)
    if idx < 0:
        raise DecodeError("malformed block type", start)
    return idx, pos


def _make_reader(op: Op) -> Optional[Reader]:  # noqa: C901 - one branch per immediate kind
    imm = op.imm
    if imm == Imm.BLOCK:
        # the one-byte block types (empty or a value type) as shared tuples
        by_byte: Dict[int, Tuple[Any, ...]] = {0x40: (op, None)}
        by_byte.update((code, (op, t)) for code, t in VALTYPE_BY_CODE.items())

        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            t = by_byte.get(data[pos])
            if t is not None:
                return t, pos + 1
            bt, pos = _blocktype(data, pos)
            return (op, bt), pos
    elif imm == Imm.BR_TABLE:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            n, pos = read_len(data, pos)
            labels = []
            for _ in range(n):
                d, pos = _u32(data, pos)
                labels.append(d)
            d, pos = _u32(data, pos)
            return (op, tuple(labels), d), pos
    elif imm == Imm.CALL_INDIRECT:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            t, pos = _u32(data, pos)
            # Any LEB encoding of the table index is accepted (LLVM pads it to 5 bytes); whether a
            # non-zero table is allowed is a validation question.
            tab, pos = _u32(data, pos)
            return (op, t, tab), pos
    elif imm in (Imm.LOCAL, Imm.GLOBAL, Imm.FUNC, Imm.LABEL, Imm.TABLE, Imm.ELEM, Imm.DATA):
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            i, pos = _u32(data, pos)
            return (op, i), pos
    elif imm == Imm.MEM:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            return (op, 0), _zero_byte(data, pos)
    elif imm == Imm.MEMARG:
        # shared tuples for an alignment of at most 8 bytes and an offset below 128, made on first use
        shared: List[Optional[Tuple[Any, ...]]] = [None] * 512

        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            flags = data[pos]
            offset = data[pos + 1]
            if flags < 4 and offset < 0x80:
                k = flags << 7 | offset
                t = shared[k]
                if t is None:
                    t = shared[k] = (op, flags, offset, 0)
                return t, pos + 2
            a, o, pos = _memarg(data, pos)
            return (op, a, o, 0), pos
    elif imm == Imm.MEMARG_LANE:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            a, o, pos = _memarg(data, pos)
            return (op, a, o, 0, data[pos]), pos + 1
    elif imm == Imm.I32 or imm == Imm.I64:
        slow = read_s32 if imm == Imm.I32 else read_s64

        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            b = data[pos]
            if b < 0x80:  # one-byte constants (-64..63) are the common case
                return (op, b - 0x80 if b & 0x40 else b), pos + 1
            v, pos = slow(data, pos)
            return (op, v), pos
    elif imm == Imm.F32:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            return (op, _unpack_u32(data, pos)[0]), pos + 4
    elif imm == Imm.F64:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            return (op, _unpack_u64(data, pos)[0]), pos + 8
    elif imm == Imm.V128:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            if pos + 16 > len(data):
                raise IndexError
            return (op, int.from_bytes(data[pos:pos + 16], "little")), pos + 16
    elif imm == Imm.SELECT_T:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            n, pos = read_len(data, pos)
            ts = []
            for _ in range(n):
                t, pos = read_valtype(data, pos)
                ts.append(t)
            return (op, tuple(ts)), pos
    elif imm == Imm.HEAPTYPE:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            t, pos = read_reftype(data, pos)
            return (op, t), pos
    elif imm == Imm.TABLE_INIT or imm == Imm.TABLE_COPY:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            a, pos = _u32(data, pos)
            b, pos = _u32(data, pos)
            return (op, a, b), pos
    elif imm == Imm.MEMORY_INIT:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            d, pos = _u32(data, pos)
            return (op, d, 0), _zero_byte(data, pos)
    elif imm == Imm.MEMORY_COPY:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            pos = _zero_byte(data, pos)
            return (op, 0, 0), _zero_byte(data, pos)
    elif imm == Imm.LANE:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            return (op, data[pos]), pos + 1
    elif imm == Imm.SHUFFLE:
        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            if pos + 16 > len(data):
                raise IndexError
            return (op, tuple(data[pos:pos + 16])), pos + 16
    elif imm == Imm.NONE:
        inst = (op,)

        def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
            return inst, pos
    else:  # pragma: no cover - the table only uses the kinds above
        raise AssertionError(imm)
    return r


def _prefixed(sub: Dict[int, Reader]) -> Reader:
    def r(data: bytes, pos: int) -> Tuple[Tuple[Any, ...], int]:
        start = pos
        code, pos = _u32(data, pos)
        rd = sub.get(code)
        if rd is None:
            raise DecodeError("illegal opcode", start - 1)
        return rd(data, pos)
    return r


# Dispatch tables indexed by the opcode byte: SIMPLE holds the shared tuple of an immediate-free
# instruction; ONE_BYTE, for an instruction whose only immediate is a u32 index or an integer
# constant, the 128 shared tuples of its one-byte immediates (indexed by that byte); READERS the
# reader of anything else, and of the longer immediates of ONE_BYTE's instructions. END, ELSE and
# the block openers are handled by the loop itself.
SIMPLE: List[Optional[Tuple[Any, ...]]] = [None] * 256
ONE_BYTE: List[Optional[List[Tuple[Any, ...]]]] = [None] * 256
READERS: List[Optional[Reader]] = [None] * 256
_FC: Dict[int, Reader] = {}
_FD: Dict[int, Reader] = {}

_INDEX_KINDS = (Imm.LOCAL, Imm.GLOBAL, Imm.FUNC, Imm.LABEL, Imm.TABLE)
for _op in OPS:
    if _op.prefix == 0xFC:
        _FC[_op.code] = _make_reader(_op)  # type: ignore[assignment]
    elif _op.prefix == 0xFD:
        _FD[_op.code] = _make_reader(_op)  # type: ignore[assignment]
    elif _op is I.END or _op is I.ELSE:
        pass
    elif _op.imm == Imm.NONE:
        SIMPLE[_op.code] = (_op,)
    else:
        READERS[_op.code] = _make_reader(_op)
        if _op.imm in _INDEX_KINDS:
            ONE_BYTE[_op.code] = [(_op, v) for v in range(0x80)]
        elif _op.imm == Imm.I32 or _op.imm == Imm.I64:  # signed LEB: bit 6 is the sign
            ONE_BYTE[_op.code] = [(_op, v - 0x80 if v & 0x40 else v) for v in range(0x80)]
READERS[0xFC] = _prefixed(_FC)
READERS[0xFD] = _prefixed(_FD)

_END = (I.END,)
_ELSE = (I.ELSE,)


def decode_instrs(data: bytes, pos: int,
                  offsets: Optional[List[int]] = None) -> Tuple[List[Tuple[Any, ...]], int]:
    """Decode instructions from ``pos`` up to and including the ``end`` that closes the sequence.

    Returns ``(instrs, new_pos)``; with an ``offsets`` list, ``offsets[i]`` gets the position of
    instruction i's opcode (only error messages need them: see :class:`.lazy.LazyFunc`).
    Like the reference interpreter, the sequence is not bounded by its declared size: callers compare
    ``new_pos`` with the size afterwards. Raises DecodeError ("illegal opcode", "END opcode expected",
    LEB and immediate errors); IndexError when the input ends first.
    """
    body: List[Tuple[Any, ...]] = []
    append = body.append
    track = offsets is not None
    oappend = offsets.append if offsets is not None else None
    simple = SIMPLE
    one_byte = ONE_BYTE
    readers = READERS
    depth = 0
    while True:
        if track:
            oappend(pos)  # type: ignore[misc]
        b = data[pos]
        pos += 1
        t = simple[b]
        if t is not None:
            append(t)
            continue
        row = one_byte[b]
        if row is not None:
            v = data[pos]
            if v < 0x80:
                pos += 1
                append(row[v])
            else:
                t, pos = readers[b](data, pos)  # type: ignore[misc]
                append(t)
            continue
        if b == 0x0B:
            append(_END)
            if depth == 0:
                return body, pos
            depth -= 1
            continue
        if b == 0x05:
            if depth == 0:
                raise DecodeError("END opcode expected", pos - 1)
            append(_ELSE)
            continue
        r = readers[b]
        if r is None:
            raise DecodeError("illegal opcode", pos - 1)
        t, pos = r(data, pos)
        append(t)
        if 0x02 <= b <= 0x04:
            depth += 1


def decode_const_expr(data: bytes, pos: int) -> Tuple[List[Tuple[Any, ...]], int]:
    """Decode a constant expression (any instructions; constness is checked by the validator).

    Returns the instructions without the final ``end``. Raises like :func:`decode_instrs`.
    """
    instrs, pos = decode_instrs(data, pos)
    instrs.pop()
    return instrs, pos


_MAX_LOCALS = 0xFFFFFFFF


def decode_body(data: bytes, pos: int, end: int, offsets: Optional[List[int]] = None) -> Tuple[
        List[Tuple[int, ValType]], List[Tuple[Any, ...]]]:
    """One function body from ``pos``, the offset right after its code-section size field, to
    ``end`` (where that size says it stops): ``(locals, instrs)``, and the instructions' offsets
    appended to ``offsets`` if given.

    Raises DecodeError ("too many locals", "section size mismatch", …); IndexError when the input
    ends first.
    """
    n, pos = _u32(data, pos)
    locals_ = []
    total = 0
    for _ in range(n):
        count, pos = _u32(data, pos)
        total += count
        if total > _MAX_LOCALS:
            raise DecodeError("too many locals", pos)
        t = VALTYPE_BY_CODE.get(data[pos])
        if t is None:
            raise DecodeError("malformed value type", pos)
        pos += 1
        locals_.append((count, t))
    body, pos = decode_instrs(data, pos, offsets)
    if pos != end:
        raise DecodeError("section size mismatch", end)
    return locals_, body
