"""Run-time helpers referenced by name from generated code (the ``HELPERS`` namespace).

Bulk memory and table operators check their whole range before touching anything, as the spec
requires (a trapping ``memory.fill`` writes nothing).
"""

from __future__ import annotations

import struct
import types
from typing import Any, Dict, List

from ..errors import InternalError, Trap, TrapCode
from . import numerics
from .optable import MACHINE_OPS

_OOB_MEM = TrapCode.MemoryOutOfBounds
_OOB_TABLE = TrapCode.TableOutOfBounds


def _unreachable() -> None:
    raise Trap(TrapCode.UnreachableCodeReached)


def _fell_off() -> None:
    raise InternalError("the state machine of a translated function fell off a state")


class FuelCell:
    """A store's remaining fuel, shared by metered generated functions as their free variable ``_fu``
    (docs/RATIONALE.md "Why is fuel a closure cell?", "Why is the fuel counter a float?").

    The cell holds at most ``CHUNK`` units as a float (exact: every value is an integer below 2**53),
    the rest waits in ``reserve`` (an int); ``fc[0]`` reads and writes the total, as the one-element
    list a Store starts with did. Generated code charges ``n`` with ``if _fu < n.0: _F.refill(...)`` /
    ``_fu -= n.0``; the slow path below moves reserve into the cell or traps.
    """

    __slots__ = ("cell", "reserve")

    CHUNK = 1 << 52

    def __init__(self, fuel: int = 0) -> None:
        self.cell = types.CellType(0.0)
        self.reserve = 0
        self[0] = fuel

    def __getitem__(self, i: int) -> int:
        return int(self.cell.cell_contents) + self.reserve

    def __setitem__(self, i: int, value: int) -> None:
        value = int(value)
        c = value if value < self.CHUNK else self.CHUNK
        self.cell.cell_contents = float(c)
        self.reserve = value - c

    def _short(self, total: int, paid: tuple) -> None:
        """Out of fuel for a charge whose first segments ``paid`` were deferred pure segments: each is
        paid while it can be (it ran, unobservably), then the trap (docs/fuel.md)."""
        for d in paid:
            if total < d:
                break
            total -= d
        self[0] = total
        raise Trap(TrapCode.OutOfFuel)

    def refill(self, n: int, *paid: int) -> None:
        """Slow path of a charge of ``n`` <= CHUNK: leave at least ``n`` in the cell (the generated code
        then subtracts it) or trap. Raises Trap(OutOfFuel)."""
        total = self[0]
        if total < n:
            self._short(total, paid)
        self[0] = total

    def charge(self, n: int, *paid: int) -> None:
        """A whole charge of ``n`` (segments dearer than CHUNK, with custom costs). Raises
        Trap(OutOfFuel)."""
        total = self[0]
        if total < n:
            self._short(total, paid)
        self[0] = total - n


def code_namespace(values: Dict[str, Any]) -> Dict[str, Any]:
    """The globals of generated code: a fresh module's dict holding ``values``. PyPy's JIT treats a
    module's globals as constants until they are rebound; a plain dict cost ~8 ns per global read in
    compiled loops, most of the generated code's time (docs/RATIONALE.md "Why a module's dict for the
    generated code's globals?"). On CPython a module's dict is a plain dict."""
    ns: Dict[str, Any] = types.ModuleType("wasmi_generated").__dict__
    ns.update(values)
    return ns


def _bind_fuel(proto: Any, fc: Any) -> Any:
    """``proto`` (a metered function whose only free variable is ``_fu``) rebuilt around the
    store's fuel cell. Raises InternalError if ``fc`` is not a FuelCell."""
    if not isinstance(fc, FuelCell):
        raise InternalError("metered code needs the store's FuelCell")
    return types.FunctionType(proto.__code__, proto.__globals__, proto.__name__, proto.__defaults__, (fc.cell,))


def make_call_indirect(instance: Any) -> Any:
    """The ``call_indirect`` helper of one instance (a host function reached through a table sees
    that instance as its caller)."""

    def _ci(table: List[Any], i: int, ty: Any) -> Any:
        """The callable for ``call_indirect``: checks range, null and signature."""
        if i >= len(table):
            raise Trap(TrapCode.TableOutOfBounds, "undefined element")
        r = table[i]
        if r is None:
            raise Trap(TrapCode.IndirectCallToNull, f"uninitialized element {i}")
        if r.type is not ty:
            raise Trap(TrapCode.BadSignature)
        if r.binder is not None:
            return r.binder(instance)
        return r.fn

    return _ci


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


_S = struct.Struct
HELPERS: Dict[str, Any] = {
    "_unreachable": _unreachable,
    "_bind_fuel": _bind_fuel,
    "_fell_off": _fell_off,
    "_tget": _tget,
    "_tset": _tset,
    "_tfill": _tfill,
    "_tcopy": _tcopy,
    "_tinit": _tinit,
    "_mfill": _mfill,
    "_mcopy": _mcopy,
    "_minit": _minit,
    "_f32r": numerics.f32_round,
    "_copysign": numerics.copysign,
    "_ldf32": numerics.load_f32,
    "_stf32": numerics.store_f32,
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
    # what an access at a speculated (unwrapped) address raises when it is past the end: the
    # generated code then retries at the exact address (codegen.FuncTranslator.spec_addr)
    "_MEMX": (IndexError, OverflowError, struct.error),
    "__builtins__": __builtins__,
}
HELPERS.update(MACHINE_OPS)  # PyPy: wrapping machine-word operations (empty elsewhere)
_NUMERIC_NAMES: Dict[str, Any] = {"_n_" + name.replace(".", "_"): fn for name, fn in numerics.FUNCS.items()}
_NUMERIC_NAMES.update(numerics.NAMESPACE)  # names that numerics' own templates refer to


def _used_by_templates() -> Dict[str, Any]:
    """Only the numeric names some template mentions: every instance copies this namespace."""
    import re

    from . import codegen, optable

    texts = list(optable.PURE.values()) + list(optable.TRAPPING.values()) + list(codegen.INLINE.values())
    texts += list(numerics.EXPR_CONST_DIVISOR.values())
    used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(texts)))
    return {k: v for k, v in _NUMERIC_NAMES.items() if k in used}
