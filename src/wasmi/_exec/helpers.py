"""Run-time helpers referenced by name from generated code (the ``HELPERS`` namespace).

Bulk memory and table operators check their whole range before touching anything, as the spec
requires (a trapping ``memory.fill`` writes nothing).
"""

from __future__ import annotations

import math
import struct
from typing import Any, Dict, List

from ..errors import InternalError, Trap, TrapCode
from . import fops

_OOB_MEM = TrapCode.MemoryOutOfBounds
_OOB_TABLE = TrapCode.TableOutOfBounds


def _unreachable() -> None:
    raise Trap(TrapCode.UnreachableCodeReached)


def _fell_off() -> None:
    raise InternalError("the state machine of a translated function fell off a state")


def _oof() -> None:
    raise Trap(TrapCode.OutOfFuel)


def _ci(table: List[Any], i: int, ty: Any) -> Any:
    """The callable for ``call_indirect``: checks range, null and signature."""
    if i >= len(table):
        raise Trap(TrapCode.TableOutOfBounds, "undefined element")
    r = table[i]
    if r is None:
        raise Trap(TrapCode.IndirectCallToNull, f"uninitialized element {i}")
    if r.type is not ty:
        raise Trap(TrapCode.BadSignature)
    return r.fn


def _tget(table: List[Any], i: int) -> Any:
    if i >= len(table):
        raise Trap(_OOB_TABLE)
    return table[i]


def _tset(table: List[Any], i: int, v: Any) -> None:
    if i >= len(table):
        raise Trap(_OOB_TABLE)
    table[i] = v


def _tfill(table: List[Any], d: int, v: Any, n: int) -> None:
    if d + n > len(table):
        raise Trap(_OOB_TABLE)
    table[d:d + n] = [v] * n


def _tcopy(dst: List[Any], src: List[Any], d: int, s: int, n: int) -> None:
    if d + n > len(dst) or s + n > len(src):
        raise Trap(_OOB_TABLE)
    dst[d:d + n] = src[s:s + n]


def _tinit(table: List[Any], elems: List[Any], seg: int, d: int, s: int, n: int) -> None:
    e = elems[seg]
    if d + n > len(table) or s + n > len(e):
        raise Trap(_OOB_TABLE)
    table[d:d + n] = e[s:s + n]


def _mfill(mem: bytearray, d: int, v: int, n: int) -> None:
    if d + n > len(mem):
        raise Trap(_OOB_MEM)
    mem[d:d + n] = bytes((v & 0xFF,)) * n


def _mcopy(dst: bytearray, src: bytearray, d: int, s: int, n: int) -> None:
    if d + n > len(dst) or s + n > len(src):
        raise Trap(_OOB_MEM)
    dst[d:d + n] = src[s:s + n]


def _minit(mem: bytearray, datas: List[bytes], seg: int, d: int, s: int, n: int) -> None:
    data = datas[seg]
    if d + n > len(mem) or s + n > len(data):
        raise Trap(_OOB_MEM)
    mem[d:d + n] = data[s:s + n]


def _rotl32(a: int, b: int) -> int:
    b &= 31
    return ((a << b) | (a >> (32 - b))) & 0xFFFFFFFF


def _rotr32(a: int, b: int) -> int:
    b &= 31
    return ((a >> b) | (a << (32 - b))) & 0xFFFFFFFF


def _rotl64(a: int, b: int) -> int:
    b &= 63
    a &= 0xFFFFFFFFFFFFFFFF
    r = ((a << b) | (a >> (64 - b))) & 0xFFFFFFFFFFFFFFFF
    return r - 0x10000000000000000 if r >= 0x8000000000000000 else r


def _rotr64(a: int, b: int) -> int:
    b &= 63
    a &= 0xFFFFFFFFFFFFFFFF
    r = ((a >> b) | (a << (64 - b))) & 0xFFFFFFFFFFFFFFFF
    return r - 0x10000000000000000 if r >= 0x8000000000000000 else r


def _fdivx(a: float, b: float) -> float:
    return a / b if b else fops.fdiv(a, b)


_S = struct.Struct
HELPERS: Dict[str, Any] = {
    "_unreachable": _unreachable,
    "_oof": _oof,
    "_fell_off": _fell_off,
    "_ci": _ci,
    "_tget": _tget,
    "_tset": _tset,
    "_tfill": _tfill,
    "_tcopy": _tcopy,
    "_tinit": _tinit,
    "_mfill": _mfill,
    "_mcopy": _mcopy,
    "_minit": _minit,
    "_rotl32": _rotl32,
    "_rotr32": _rotr32,
    "_rotl64": _rotl64,
    "_rotr64": _rotr64,
    "_ctz32": fops.i32_ctz,
    "_ctz64": fops.i64_ctz,
    "_clz64": fops.i64_clz,
    "_popcnt": fops.popcnt,
    "_f32r": fops.f32r,
    "_fdivx": _fdivx,
    "_fsqrt": fops.fsqrt,
    "_fmin": fops.fmin,
    "_fmax": fops.fmax,
    "_fceil": fops.fceil,
    "_ffloor": fops.ffloor,
    "_ftrunc": fops.ftrunc,
    "_fnearest": fops.fnearest,
    "_fabs": math.fabs,
    "_copysign": math.copysign,
    "_f32ci": fops.f32_convert_int,
    "_f32bits": fops.f32_bits,
    "_f32frombits": fops.f32_from_bits,
    "_f64bits": fops.f64_bits_s,
    "_f64frombits": fops.f64_from_bits,
    "_i32tss": fops.i32_trunc_sat_s,
    "_i32tsu": fops.i32_trunc_sat_u,
    "_i64tss": fops.i64_trunc_sat_s,
    "_i64tsu": fops.i64_trunc_sat_u,
    "_i32ts": fops.i32_trunc_s,
    "_i32tu": fops.i32_trunc_u,
    "_i64ts": fops.i64_trunc_s,
    "_i64tu": fops.i64_trunc_u,
    "_i32divs": fops.i32_div_s,
    "_i32divu": fops.i32_div_u,
    "_i32rems": fops.i32_rem_s,
    "_i32remu": fops.i32_rem_u,
    "_i64divs": fops.i64_div_s,
    "_i64divu": fops.i64_div_u,
    "_i64rems": fops.i64_rem_s,
    "_i64remu": fops.i64_rem_u,
    "_ldf32": fops.load_f32,
    "_stf32": fops.store_f32,
    "_uI": _S("<I").unpack_from,
    "_uq": _S("<q").unpack_from,
    "_ud": _S("<d").unpack_from,
    "_ub": _S("<b").unpack_from,
    "_uh": _S("<h").unpack_from,
    "_uH": _S("<H").unpack_from,
    "_ui": _S("<i").unpack_from,
    "_pI": _S("<I").pack_into,
    "_pq": _S("<q").pack_into,
    "_pd": _S("<d").pack_into,
    "_pH": _S("<H").pack_into,
    "__builtins__": __builtins__,
}
