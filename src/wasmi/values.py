"""Value types and the conversion between Python values and the engine's representation.

Public values: i32 and i64 are Python ints, returned *signed* (like wasmtime-py) and accepted signed
or unsigned; f32 and f64 are floats (an f32 argument is rounded to single precision); funcref is a
:class:`wasmi.Func` or None; externref is any Python object, None being the null reference.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Sequence, Tuple

from ._exec import numerics
from ._syntax.types import FuncType as _FT
from ._syntax.types import GlobalType, Limits, MemoryType, TableType, ValType

__all__ = ["ValType", "FuncType", "GlobalType", "MemoryType", "TableType", "Limits", "func_type"]

FuncType = _FT


def func_type(params: Sequence[ValType], results: Sequence[ValType]) -> _FT:
    """A FuncType from any sequences (FuncType itself needs tuples to be hashable)."""
    return _FT(tuple(params), tuple(results))


def _i32_in(v: Any) -> int:
    return (v if type(v) is int else int(v)) & 0xFFFFFFFF


def _i64_in(v: Any) -> int:
    v = int(v) & 0xFFFFFFFFFFFFFFFF
    return v - 0x10000000000000000 if v >= 0x8000000000000000 else v


def _f32_in(v: Any) -> float:
    return numerics.f32_round(float(v))


def _f64_in(v: Any) -> float:
    return float(v)


def _funcref_in(v: Any) -> Any:
    if v is None:
        return None
    inner = getattr(v, "_fi", None)
    if inner is None:
        raise TypeError(f"expected a wasmi.Func or None for funcref, got {type(v).__name__}")
    return inner


def _ident(v: Any) -> Any:
    return v


def _i32_out(v: int) -> int:
    # comparisons yield bools inside the engine: int() makes them plain ints
    return v - 0x100000000 if v >= 0x80000000 else int(v)


def _i64_out(v: int) -> int:
    return int(v)


TO_RAW: Dict[ValType, Callable[[Any], Any]] = {
    ValType.I32: _i32_in,
    ValType.I64: _i64_in,
    ValType.F32: _f32_in,
    ValType.F64: _f64_in,
    ValType.FUNCREF: _funcref_in,
    ValType.EXTERNREF: _ident,
    ValType.V128: lambda v: int(v) & ((1 << 128) - 1),
}

FROM_RAW: Dict[ValType, Callable[[Any], Any]] = {
    ValType.I32: _i32_out,
    ValType.I64: _i64_out,
    ValType.F32: float,
    ValType.F64: float,
    ValType.EXTERNREF: _ident,
    ValType.V128: int,
}


def to_raw(t: ValType, v: Any) -> Any:
    return TO_RAW[t](v)


def from_raw(t: ValType, v: Any, store: Any = None) -> Any:
    if t is ValType.FUNCREF:
        if v is None:
            return None
        from .func import Func

        return Func._from_instance(v)
    return FROM_RAW[t](v)


def results_from_raw(types: Tuple[ValType, ...], r: Any, store: Any = None) -> Any:
    if not types:
        return None
    if len(types) == 1:
        return from_raw(types[0], r, store)
    return tuple(from_raw(t, v, store) for t, v in zip(types, r))
