"""Value types, typed value wrappers, and the conversion between Python values and the engine's
representation.

Public values: i32 and i64 are Python ints, returned *signed* and accepted signed or unsigned; f32 and
f64 are floats (an f32 argument is rounded to single precision); v128 is an unsigned 128-bit int (lane
0 in the low bits; 16 bytes are accepted too); funcref is a :class:`wasmi.Func` or None; externref is
any Python object, None being the null reference (:class:`ExternRef` marks one explicitly).

Where a Python value alone does not say its Wasm type (``Global.new``, ``Table.new``), wrap it:
``I32(5)``, ``I64(5)``, ``F32(1.5)``, ``F64(1.5)``, ``V128(n)``, ``ExternRef(obj)``, a Func, or
``Val(ValType.I64, 5)``. ``I32``… are int/float subclasses, so they also serve as annotations for
``Func.wrap`` and compute like plain numbers.
"""

from __future__ import annotations

import enum
from typing import Any, Callable, Dict, NamedTuple, Sequence

from ._exec import numerics
from ._syntax.types import FuncType as _FT, GlobalType, Limits, MemoryType, TableType, ValType

__all__ = [
    "ValType", "FuncType", "GlobalType", "MemoryType", "TableType", "Limits", "Mutability", "func_type",
    "Val", "I32", "I64", "F32", "F64", "V128", "FuncRef", "ExternRef", "val_type",
]

FuncType = _FT

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
_M128 = (1 << 128) - 1


class Mutability(enum.Enum):
    """wasmi's ``Mutability`` (``GlobalType(valtype, mutable)`` takes a bool; both are accepted)."""

    Const = False
    Var = True


def func_type(params: Sequence[ValType], results: Sequence[ValType]) -> _FT:
    """A FuncType from any sequences (FuncType itself needs tuples to be hashable).

    Raises TypeError for an element that is not a ValType."""
    p, r = tuple(params), tuple(results)
    for t in p + r:
        if not isinstance(t, ValType):
            raise TypeError(f"function types hold wasmi.ValType members, not {t!r}")
    return _FT(p, r)


class Val(NamedTuple):
    """A value with its type: ``Val(ValType.I64, 5)``."""

    ty: ValType
    value: Any


class I32(int):
    """An int that is an i32 (also the annotation for i32 in ``Func.wrap``)."""


class I64(int):
    """An int that is an i64."""


class F32(float):
    """A float that is an f32."""


class F64(float):
    """A float that is an f64."""


class V128(int):
    """An unsigned 128-bit int that is a v128 (lane 0 in the low bits)."""


class FuncRef:
    """Annotation for a funcref parameter or result in ``Func.wrap`` (values are Func or None)."""


class ExternRef:
    """A non-null external reference carrying ``value`` (any Python object).

    Accepted wherever an externref is expected; the engine and the results of calls carry the plain
    object (``ExternRef(x)`` arrives as ``x``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def data(self, ctx: Any = None) -> Any:
        """The carried object (wasmi's ``ExternRef::data``)."""
        return self.value

    def __repr__(self) -> str:
        return f"ExternRef({self.value!r})"


_WRAPPER_TYPES: Dict[type, ValType] = {
    I32: ValType.I32, I64: ValType.I64, F32: ValType.F32, F64: ValType.F64, V128: ValType.V128,
    ExternRef: ValType.EXTERNREF, FuncRef: ValType.FUNCREF,
}


def val_type(v: Any) -> ValType:
    """The Wasm type a wrapped value says it has.

    Raises TypeError for plain ints and floats (ambiguous) and for non-values."""
    if isinstance(v, Val):
        return v.ty
    t = _WRAPPER_TYPES.get(type(v))
    if t is not None:
        return t
    if getattr(v, "_fi", None) is not None:
        return ValType.FUNCREF
    if isinstance(v, (int, float)):
        raise TypeError(f"the Wasm type of {v!r} is ambiguous: wrap it as wasmi.I32/I64/F32/F64 or wasmi.Val")
    raise TypeError(f"not a Wasm value: {v!r}")


def _unwrap(v: Any, t: ValType) -> Any:
    """The plain value of a Val (checking its type). Raises TypeError on a type mismatch."""
    if v.ty is not t:
        raise TypeError(f"expected a {t} value, got a {v.ty} one")
    return v.value


def _i32_in(v: Any) -> int:
    if type(v) is int:
        return v & _M32
    if isinstance(v, int):
        return int(v) & _M32
    if isinstance(v, Val):
        return _i32_in(_unwrap(v, ValType.I32))
    raise TypeError(f"expected an int for i32, got {type(v).__name__}")


def _i64_in(x: Any) -> int:
    v: int
    if type(x) is int:
        v = x
    else:
        if isinstance(x, Val):
            x = _unwrap(x, ValType.I64)
        if not isinstance(x, int):
            raise TypeError(f"expected an int for i64, got {type(x).__name__}")
        v = int(x)
    if -0x8000000000000000 <= v <= 0x7FFFFFFFFFFFFFFF:
        return v
    v &= _M64
    return v - 0x10000000000000000 if v >= 0x8000000000000000 else v


def _float_of(v: Any, t: ValType) -> float:
    if isinstance(v, Val):
        v = _unwrap(v, t)
    if isinstance(v, (int, float)):
        return float(v)
    raise TypeError(f"expected a float for {t}, got {type(v).__name__}")


def _f32_in(v: Any) -> float:
    return numerics.f32_round(v if type(v) is float else _float_of(v, ValType.F32))


def _f64_in(v: Any) -> float:
    return v if type(v) is float else _float_of(v, ValType.F64)


def _v128_in(v: Any) -> int:
    if isinstance(v, Val):
        v = _unwrap(v, ValType.V128)
    if isinstance(v, (bytes, bytearray)) and len(v) == 16:
        return int.from_bytes(v, "little")
    if isinstance(v, int):
        return int(v) & _M128
    raise TypeError(f"expected an int or 16 bytes for v128, got {type(v).__name__}")


def _funcref_in(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, Val):
        return _funcref_in(_unwrap(v, ValType.FUNCREF))
    inner = getattr(v, "_fi", None)
    if inner is None:
        raise TypeError(f"expected a wasmi.Func or None for funcref, got {type(v).__name__}")
    return inner


def _externref_in(v: Any) -> Any:
    if type(v) is ExternRef:
        return v.value
    if isinstance(v, Val):
        return _externref_in(_unwrap(v, ValType.EXTERNREF))
    return v


def _i32_out(v: int) -> int:
    # comparisons yield bools inside the engine: + 0 makes them plain ints
    return v - 0x100000000 if v >= 0x80000000 else v + 0


def _i64_out(v: int) -> int:
    return v + 0


def _ident(v: Any) -> Any:
    return v


TO_RAW: Dict[ValType, Callable[[Any], Any]] = {
    ValType.I32: _i32_in,
    ValType.I64: _i64_in,
    ValType.F32: _f32_in,
    ValType.F64: _f64_in,
    ValType.FUNCREF: _funcref_in,
    ValType.EXTERNREF: _externref_in,
    ValType.V128: _v128_in,
}

FROM_RAW: Dict[ValType, Callable[[Any], Any]] = {
    ValType.I32: _i32_out,
    ValType.I64: _i64_out,
    ValType.F32: float,
    ValType.F64: float,
    ValType.EXTERNREF: _ident,
    ValType.V128: int,
}


def _funcref_out(v: Any) -> Any:
    if v is None:
        return None
    from .func import Func

    return Func._from_instance(v)


FROM_RAW[ValType.FUNCREF] = _funcref_out
