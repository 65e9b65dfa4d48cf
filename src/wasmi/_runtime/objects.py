"""Store objects (spec 4.2): function, table, memory and global instances.

They are engine-agnostic: the public API, the spec runner and the generated code all use them. The
generated code holds direct references to ``MemoryInstance.data`` (a ``bytearray``) and
``TableInstance.elements`` (a ``list``); both are grown *in place* so that those references stay valid
after a ``memory.grow``/``table.grow``, even one done by a callee.
"""

from __future__ import annotations

from typing import Any, Callable, List

from .._syntax.types import PAGE_SIZE, FuncType, GlobalType, MemoryType, TableType, ValType

MAX_TABLE_SIZE = 0xFFFFFFFF
MAX_TABLE_ELEMENTS = 10_000_000  # our cap: a list of this many references is ~80 MB
_INTERNED: dict = {}


def intern_type(ft: FuncType) -> FuncType:
    """The canonical object for a function type, so that signature checks are an ``is`` test."""
    return _INTERNED.setdefault(ft, ft)


class FuncInstance:
    """A function: ``fn`` is the Python callable taking the Wasm arguments in the engine's value
    representation and returning None, one value, or a tuple (multi-value). ``fn`` of a Wasm function
    is replaced by its compiled code on the first call (lazy translation)."""

    __slots__ = ("type", "fn", "host", "instance", "index", "store_id", "aliases", "binder", "conv",
                 "__weakref__")

    def __init__(self, type: FuncType, fn: Callable[..., Any], host: Any = None, instance: Any = None,
                 index: int = -1, store_id: int = 0) -> None:
        self.type = intern_type(type)
        self.fn = fn
        self.host = host  # the user's Python callable for host functions
        self.instance = instance
        self.index = index
        self.store_id = store_id
        self.aliases: List[Any] = []  # (namespace, name) pairs that hold ``fn`` of a lazy function
        self.binder: Any = None  # host functions: instance -> callable that knows its caller
        self.conv: Any = None  # the API's value converters for this signature, made on first use

    def bind(self, instance: Any) -> Callable[..., Any]:
        """The callable an importing instance uses (host functions see it as their caller)."""
        if self.binder is None:
            return self.fn
        return self.binder(instance)

    def __repr__(self) -> str:
        kind = "host" if self.host is not None else "wasm"
        return f"<FuncInstance {kind} {self.type}>"


class MemoryInstance:
    """A linear memory. ``grow`` returns the old size in pages, or -1 when it cannot grow."""

    __slots__ = ("type", "data", "max_pages", "limit_pages")

    def __init__(self, type: MemoryType, limit_pages: int = 65536) -> None:
        self.type = type
        lim = type.limits
        self.max_pages = lim.max if lim.max is not None else 65536
        self.limit_pages = limit_pages
        self.data = bytearray(lim.min * PAGE_SIZE)

    @property
    def pages(self) -> int:
        return len(self.data) >> 16

    def grow(self, delta: int) -> int:
        old = len(self.data) >> 16
        new = old + delta
        if new > self.max_pages or new > self.limit_pages:
            return -1
        if delta:
            try:
                self.data.extend(bytes(delta * PAGE_SIZE))
            except (MemoryError, BufferError, OverflowError):
                return -1
        return old

    def current_type(self) -> MemoryType:
        from .._syntax.types import Limits

        lim = self.type.limits
        return MemoryType(Limits(self.pages, lim.max, lim.is64, lim.shared))


class TableInstance:
    """A table of references (None is the null reference)."""

    __slots__ = ("type", "elements", "max")

    def __init__(self, type: TableType, init: Any = None) -> None:
        self.type = type
        self.max = type.limits.max if type.limits.max is not None else MAX_TABLE_SIZE
        self.elements: List[Any] = [init] * type.limits.min

    @property
    def elem_type(self) -> ValType:
        return self.type.elem

    def grow(self, delta: int, init: Any) -> int:
        old = len(self.elements)
        if old + delta > self.max or old + delta > MAX_TABLE_ELEMENTS:
            return -1
        if delta:
            try:
                self.elements.extend([init] * delta)
            except MemoryError:
                return -1
        return old

    def current_type(self) -> TableType:
        from .._syntax.types import Limits

        lim = self.type.limits
        return TableType(self.type.elem, Limits(len(self.elements), lim.max))


class GlobalInstance:
    __slots__ = ("type", "value")

    def __init__(self, type: GlobalType, value: Any) -> None:
        self.type = type
        self.value = value


class HostRef:
    """An ``externref`` made by the spec runner's ``(ref.extern N)``: equal when the numbers are."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HostRef) and other.n == self.n

    def __hash__(self) -> int:
        return hash(("HostRef", self.n))

    def __repr__(self) -> str:
        return f"(ref.extern {self.n})"


def default_value(t: ValType) -> Any:
    if t is ValType.F32 or t is ValType.F64:
        return 0.0
    if t.is_ref:
        return None
    return 0

