"""``Memory``, ``Table`` and ``Global``: the embedder's handles on store objects."""

from __future__ import annotations

from typing import Any

from ._runtime.objects import GlobalInstance, MemoryInstance, TableInstance
from ._syntax.types import GlobalType, MemoryType, TableType
from .errors import WasmiError
from .values import from_raw, to_raw

__all__ = ["Memory", "Table", "Global"]


class Memory:
    """A linear memory. ``Memory(store, MemoryType(Limits(min, max)))`` creates one."""

    __slots__ = ("_mi",)

    def __init__(self, store: Any, ty: MemoryType) -> None:
        self._mi = MemoryInstance(ty, store.engine.config.max_memory_pages)

    @classmethod
    def _wrap(cls, mi: MemoryInstance) -> Memory:
        self = cls.__new__(cls)
        self._mi = mi
        return self

    def type(self, store: Any = None) -> MemoryType:
        return self._mi.current_type()

    def size(self, store: Any = None) -> int:
        """Current size in pages."""
        return self._mi.pages

    def data_size(self, store: Any = None) -> int:
        return len(self._mi.data)

    def data(self, store: Any = None) -> bytearray:
        """The memory's bytes (the live buffer: do not keep memoryviews of it across calls, they
        would block ``memory.grow``)."""
        return self._mi.data

    def grow(self, store: Any, delta: int) -> int:
        """Grow by ``delta`` pages; returns the old size. Raises WasmiError if it cannot grow."""
        r = self._mi.grow(delta)
        if r < 0:
            raise WasmiError("out of bounds memory growth")
        return r

    def read(self, store: Any, offset: int, size: int) -> bytes:
        """Raises WasmiError when the range is out of bounds."""
        d = self._mi.data
        if offset < 0 or size < 0 or offset + size > len(d):
            raise WasmiError("out of bounds memory access")
        return bytes(d[offset:offset + size])

    def write(self, store: Any, offset: int, data: bytes) -> None:
        """Raises WasmiError when the range is out of bounds."""
        d = self._mi.data
        if offset < 0 or offset + len(data) > len(d):
            raise WasmiError("out of bounds memory access")
        d[offset:offset + len(data)] = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Memory) and other._mi is self._mi

    def __hash__(self) -> int:
        return id(self._mi)


class Table:
    """A table. ``Table(store, TableType(elem, Limits(min, max)), init)``."""

    __slots__ = ("_ti",)

    def __init__(self, store: Any, ty: TableType, init: Any = None) -> None:
        self._ti = TableInstance(ty, to_raw(ty.elem, init))

    @classmethod
    def _wrap(cls, ti: TableInstance) -> Table:
        self = cls.__new__(cls)
        self._ti = ti
        return self

    def type(self, store: Any = None) -> TableType:
        return self._ti.current_type()

    def size(self, store: Any = None) -> int:
        return len(self._ti.elements)

    def get(self, store: Any, index: int) -> Any:
        """Raises WasmiError when ``index`` is out of bounds."""
        if not 0 <= index < len(self._ti.elements):
            raise WasmiError("out of bounds table access")
        return from_raw(self._ti.type.elem, self._ti.elements[index], store)

    def set(self, store: Any, index: int, value: Any) -> None:
        if not 0 <= index < len(self._ti.elements):
            raise WasmiError("out of bounds table access")
        self._ti.elements[index] = to_raw(self._ti.type.elem, value)

    def grow(self, store: Any, delta: int, init: Any = None) -> int:
        r = self._ti.grow(delta, to_raw(self._ti.type.elem, init))
        if r < 0:
            raise WasmiError("out of bounds table growth")
        return r

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and other._ti is self._ti

    def __hash__(self) -> int:
        return id(self._ti)


class Global:
    """A global. ``Global(store, GlobalType(valtype, mutable), value)``."""

    __slots__ = ("_gi",)

    def __init__(self, store: Any, ty: GlobalType, value: Any) -> None:
        self._gi = GlobalInstance(ty, to_raw(ty.valtype, value))

    @classmethod
    def _wrap(cls, gi: GlobalInstance) -> Global:
        self = cls.__new__(cls)
        self._gi = gi
        return self

    def type(self, store: Any = None) -> GlobalType:
        return self._gi.type

    def get(self, store: Any = None) -> Any:
        return from_raw(self._gi.type.valtype, self._gi.value, store)

    def set(self, store: Any, value: Any) -> None:
        """Raises WasmiError for an immutable global."""
        if not self._gi.type.mutable:
            raise WasmiError("cannot set an immutable global")
        self._gi.value = to_raw(self._gi.type.valtype, value)

    @property
    def value(self) -> Any:
        return self.get()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Global) and other._gi is self._gi

    def __hash__(self) -> int:
        return id(self._gi)
