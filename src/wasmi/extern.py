"""``Extern`` (what can be imported and exported) and its kinds ``Memory``, ``Table``, ``Global``
(``Func`` lives in func.py); ``ExternType`` describes one.

Every handle remembers its store: using it with another store's context raises WasmiError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Union

from ._runtime.objects import GlobalInstance, MemoryInstance, TableInstance
from ._syntax.types import ExternKind, FuncType, GlobalType, MemoryType, TableType, ValType
from .errors import WasmiError
from .store import Store, as_store
from .values import FROM_RAW, TO_RAW, Mutability, val_type

if TYPE_CHECKING:
    from .func import Func

__all__ = ["Extern", "ExternType", "Memory", "Table", "Global", "check_store"]

AnyType = Union[FuncType, TableType, MemoryType, GlobalType]


def check_store(ctx: Any, owner: Optional[Store[Any]]) -> Store[Any]:
    """The store of ``ctx``; raises WasmiError when an object of store ``owner`` is used with it
    (TypeError when ``ctx`` is not a Store or Caller)."""
    store = ctx if type(ctx) is Store else as_store(ctx)
    if owner is not None and store is not owner:
        raise WasmiError("object used with the wrong store (it belongs to another wasmi.Store)")
    return store


class ExternType:
    """The type of an extern: one of FuncType, TableType, MemoryType, GlobalType (``ty``), with
    ``kind`` ("func", "table", "memory", "global") and accessors that give None for other kinds.

    Raises TypeError for anything that is not one of those types."""

    __slots__ = ("ty", "kind")

    def __init__(self, ty: AnyType) -> None:
        if isinstance(ty, FuncType):
            self.kind = "func"
        elif isinstance(ty, TableType):
            self.kind = "table"
        elif isinstance(ty, MemoryType):
            self.kind = "memory"
        elif isinstance(ty, GlobalType):
            self.kind = "global"
        else:
            raise TypeError(f"not an extern type: {ty!r}")
        self.ty = ty

    def func(self) -> Optional[FuncType]:
        return self.ty if isinstance(self.ty, FuncType) else None

    def table(self) -> Optional[TableType]:
        return self.ty if isinstance(self.ty, TableType) else None

    def memory(self) -> Optional[MemoryType]:
        return self.ty if isinstance(self.ty, MemoryType) else None

    def global_(self) -> Optional[GlobalType]:
        return self.ty if isinstance(self.ty, GlobalType) else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExternType) and other.ty == self.ty

    def __hash__(self) -> int:
        return hash(self.ty)

    def __repr__(self) -> str:
        return f"ExternType({self.ty!r})"

    def __str__(self) -> str:
        return f"{self.kind} {_type_text(self.ty)}"


def _type_text(ty: AnyType) -> str:
    if isinstance(ty, FuncType):
        return str(ty)
    if isinstance(ty, GlobalType):
        return f"{'mut ' if ty.mutable else ''}{ty.valtype}"
    lim = ty.limits
    text = f"{lim.min}" + ("" if lim.max is None else f" {lim.max}")
    return f"{text} {ty.elem}" if isinstance(ty, TableType) else text


EXTERN_KIND_NAMES = {ExternKind.FUNC: "func", ExternKind.TABLE: "table", ExternKind.MEMORY: "memory",
                     ExternKind.GLOBAL: "global"}


class Extern:
    """Base of Func, Memory, Table and Global: what an instance exports and a linker defines."""

    __slots__ = ()

    def into_func(self) -> Optional[Func]:
        """This extern if it is a Func, else None (likewise ``into_memory`` …)."""
        return None

    def into_memory(self) -> Optional[Memory]:
        return None

    def into_table(self) -> Optional[Table]:
        return None

    def into_global(self) -> Optional[Global]:
        return None

    def ty(self, ctx: Any) -> Any:
        raise NotImplementedError

    def extern_type(self, ctx: Any) -> ExternType:
        """The ExternType of this extern. Raises like ``ty``."""
        return ExternType(self.ty(ctx))


class Memory(Extern):
    """A linear memory: ``Memory.new(ctx, MemoryType(Limits(min, max)))``.

    ``data(ctx)`` is the live ``bytearray``: reads and writes through it are the memory's, and it stays
    the same object when the memory grows. Index it or slice it; do not keep a ``memoryview`` of it
    across calls (a live view makes ``memory.grow`` fail).
    """

    __slots__ = ("_mi", "_store")

    def __init__(self, ctx: Any, ty: MemoryType) -> None:
        """Raises WasmiError for limits that are invalid or above the engine's page cap."""
        store = check_store(ctx, None)
        if not isinstance(ty, MemoryType):
            raise TypeError("Memory needs a wasmi.MemoryType")
        lim = ty.limits
        cap = store.engine._config._pages
        if lim.min < 0 or lim.min > 65536 or (lim.max is not None and not lim.min <= lim.max <= 65536):
            raise WasmiError(f"invalid memory limits: min {lim.min}, max {lim.max}")
        if lim.min > cap:
            raise WasmiError(f"memory of {lim.min} pages exceeds the configured limit of {cap}")
        self._mi = MemoryInstance(ty, cap)
        self._store: Optional[Store[Any]] = store

    @classmethod
    def new(cls, ctx: Any, ty: MemoryType) -> Memory:
        return cls(ctx, ty)

    @classmethod
    def _wrap(cls, mi: MemoryInstance, store: Optional[Store[Any]] = None) -> Memory:
        self = cls.__new__(cls)
        self._mi = mi
        self._store = store
        return self

    def into_memory(self) -> Optional[Memory]:
        return self

    def ty(self, ctx: Any) -> MemoryType:
        """The type with the current size as minimum."""
        check_store(ctx, self._store)
        return self._mi.current_type()

    def type(self, ctx: Any = None) -> MemoryType:
        return self._mi.current_type()

    def size(self, ctx: Any) -> int:
        """Current size in pages."""
        check_store(ctx, self._store)
        return len(self._mi.data) >> 16

    def data_size(self, ctx: Any) -> int:
        """Current size in bytes."""
        check_store(ctx, self._store)
        return len(self._mi.data)

    def data(self, ctx: Any) -> bytearray:
        """The memory's live bytes (see the class docstring)."""
        check_store(ctx, self._store)
        return self._mi.data

    def grow(self, ctx: Any, delta: int) -> int:
        """Grow by ``delta`` pages; returns the old size. Raises WasmiError if it cannot grow (the
        maximum, the engine's page cap, or a live memoryview of ``data``)."""
        check_store(ctx, self._store)
        if delta < 0:
            raise WasmiError("memory cannot shrink")
        r = self._mi.grow(delta)
        if r < 0:
            raise WasmiError(f"out of bounds memory growth (by {delta} pages from {self._mi.pages})")
        return r

    def read(self, ctx: Any, offset: int, size: int) -> bytes:
        """``size`` bytes at ``offset``. Raises WasmiError when the range is out of bounds."""
        check_store(ctx, self._store)
        d = self._mi.data
        if offset < 0 or size < 0 or offset + size > len(d):
            raise WasmiError(f"out of bounds memory access: {size} bytes at {offset} (size {len(d)})")
        return bytes(d[offset:offset + size])

    def write(self, ctx: Any, offset: int, data: Union[bytes, bytearray, memoryview]) -> None:
        """Raises WasmiError when the range is out of bounds (nothing is written then)."""
        check_store(ctx, self._store)
        d = self._mi.data
        n = len(data)
        if offset < 0 or offset + n > len(d):
            raise WasmiError(f"out of bounds memory access: {n} bytes at {offset} (size {len(d)})")
        d[offset:offset + n] = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Memory) and other._mi is self._mi

    def __hash__(self) -> int:
        return id(self._mi)

    def __repr__(self) -> str:
        return f"<wasmi.Memory {self._mi.pages} pages>"


class Table(Extern):
    """A table of references: ``Table.new(ctx, TableType(ValType.FUNCREF, Limits(min, max)), init)``.
    Elements are Func/None (funcref) or any object/None (externref)."""

    __slots__ = ("_ti", "_store")

    def __init__(self, ctx: Any, ty: TableType, init: Any = None) -> None:
        """Raises WasmiError for invalid limits, TypeError for an ``init`` of the wrong type."""
        store = check_store(ctx, None)
        if not isinstance(ty, TableType) or not ty.elem.is_ref:
            raise TypeError("Table needs a wasmi.TableType of funcref or externref")
        lim = ty.limits
        if lim.min < 0 or (lim.max is not None and lim.max < lim.min) or lim.min > 10_000_000:
            raise WasmiError(f"invalid table limits: min {lim.min}, max {lim.max}")
        self._ti = TableInstance(ty, self._raw(ty.elem, init, store))
        self._store: Optional[Store[Any]] = store

    @staticmethod
    def _raw(elem: ValType, v: Any, store: Any) -> Any:
        r = TO_RAW[elem](v)
        if elem is ValType.FUNCREF and r is not None and r.store_id != store._uid:
            raise WasmiError("object used with the wrong store (it belongs to another wasmi.Store)")
        return r

    @classmethod
    def new(cls, ctx: Any, ty: TableType, init: Any = None) -> Table:
        return cls(ctx, ty, init)

    @classmethod
    def _wrap(cls, ti: TableInstance, store: Optional[Store[Any]] = None) -> Table:
        self = cls.__new__(cls)
        self._ti = ti
        self._store = store
        return self

    def into_table(self) -> Optional[Table]:
        return self

    def ty(self, ctx: Any) -> TableType:
        """The type with the current size as minimum."""
        check_store(ctx, self._store)
        return self._ti.current_type()

    def type(self, ctx: Any = None) -> TableType:
        return self._ti.current_type()

    def size(self, ctx: Any) -> int:
        check_store(ctx, self._store)
        return len(self._ti.elements)

    def _check(self, index: int, n: int = 1) -> None:
        size = len(self._ti.elements)
        if index < 0 or n < 0 or index + n > size:
            raise WasmiError(f"out of bounds table access: {n} elements at {index} (size {size})")

    def get(self, ctx: Any, index: int) -> Any:
        """Raises WasmiError when ``index`` is out of bounds."""
        check_store(ctx, self._store)
        self._check(index)
        return FROM_RAW[self._ti.type.elem](self._ti.elements[index])

    def set(self, ctx: Any, index: int, value: Any) -> None:
        """Raises WasmiError when out of bounds, TypeError for a value of the wrong type."""
        store = check_store(ctx, self._store)
        self._check(index)
        self._ti.elements[index] = self._raw(self._ti.type.elem, value, store)

    def grow(self, ctx: Any, delta: int, init: Any = None) -> int:
        """Add ``delta`` elements set to ``init``; returns the old size. Raises WasmiError past the
        maximum."""
        store = check_store(ctx, self._store)
        if delta < 0:
            raise WasmiError("a table cannot shrink")
        r = self._ti.grow(delta, self._raw(self._ti.type.elem, init, store))
        if r < 0:
            raise WasmiError(f"out of bounds table growth (by {delta} from {len(self._ti.elements)})")
        return r

    def fill(self, ctx: Any, index: int, value: Any, n: int) -> None:
        """Set ``n`` elements from ``index`` to ``value``. Raises WasmiError when out of bounds."""
        store = check_store(ctx, self._store)
        self._check(index, n)
        raw = self._raw(self._ti.type.elem, value, store)
        self._ti.elements[index:index + n] = [raw] * n

    @staticmethod
    def copy(ctx: Any, dst: Table, dst_index: int, src: Table, src_index: int, n: int) -> None:
        """Copy ``n`` elements (overlap allowed). Raises WasmiError when out of bounds or when the
        element types differ."""
        check_store(ctx, dst._store)
        check_store(ctx, src._store)
        if dst._ti.type.elem is not src._ti.type.elem:
            raise WasmiError(f"table element types differ: {dst._ti.type.elem} and {src._ti.type.elem}")
        src._check(src_index, n)
        dst._check(dst_index, n)
        dst._ti.elements[dst_index:dst_index + n] = src._ti.elements[src_index:src_index + n]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and other._ti is self._ti

    def __hash__(self) -> int:
        return id(self._ti)

    def __repr__(self) -> str:
        return f"<wasmi.Table {self._ti.type.elem} x{len(self._ti.elements)}>"


class Global(Extern):
    """A global: ``Global.new(ctx, wasmi.I64(5), Mutability.Var)`` (the value says the type), or
    ``Global(ctx, GlobalType(ValType.I64, True), 5)``."""

    __slots__ = ("_gi", "_store")

    def __init__(self, ctx: Any, ty: GlobalType, value: Any) -> None:
        """Raises TypeError for a value that is not a ``ty.valtype``."""
        store = check_store(ctx, None)
        if not isinstance(ty, GlobalType):
            raise TypeError("Global needs a wasmi.GlobalType")
        raw = TO_RAW[ty.valtype](value)
        if ty.valtype is ValType.FUNCREF and raw is not None and raw.store_id != store._uid:
            raise WasmiError("object used with the wrong store (it belongs to another wasmi.Store)")
        self._gi = GlobalInstance(GlobalType(ty.valtype, bool(ty.mutable)), raw)
        self._store: Optional[Store[Any]] = store

    @classmethod
    def new(cls, ctx: Any, value: Any, mutability: Union[Mutability, bool] = Mutability.Const) -> Global:
        """Raises TypeError when the value's type is ambiguous (a plain int or float)."""
        mut = mutability.value if isinstance(mutability, Mutability) else bool(mutability)
        return cls(ctx, GlobalType(val_type(value), mut), value)

    @classmethod
    def _wrap(cls, gi: GlobalInstance, store: Optional[Store[Any]] = None) -> Global:
        self = cls.__new__(cls)
        self._gi = gi
        self._store = store
        return self

    def into_global(self) -> Optional[Global]:
        return self

    def ty(self, ctx: Any) -> GlobalType:
        check_store(ctx, self._store)
        return self._gi.type

    def type(self, ctx: Any = None) -> GlobalType:
        return self._gi.type

    def get(self, ctx: Any) -> Any:
        check_store(ctx, self._store)
        return FROM_RAW[self._gi.type.valtype](self._gi.value)

    def set(self, ctx: Any, value: Any) -> None:
        """Raises WasmiError for an immutable global, TypeError for a value of the wrong type."""
        store = check_store(ctx, self._store)
        t = self._gi.type
        if not t.mutable:
            raise WasmiError("cannot set an immutable global")
        raw = TO_RAW[t.valtype](value)
        if t.valtype is ValType.FUNCREF and raw is not None and raw.store_id != store._uid:
            raise WasmiError("object used with the wrong store (it belongs to another wasmi.Store)")
        self._gi.value = raw

    @property
    def value(self) -> Any:
        return FROM_RAW[self._gi.type.valtype](self._gi.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Global) and other._gi is self._gi

    def __hash__(self) -> int:
        return id(self._gi)

    def __repr__(self) -> str:
        return f"<wasmi.Global {_type_text(self._gi.type)}>"

