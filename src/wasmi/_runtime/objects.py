"""Store objects (spec 4.2): function, table, memory and global instances.

They are engine-agnostic: the public API, the spec runner and the generated code all use them. The
generated code holds direct references to ``MemoryInstance.data`` (a ``bytearray``) and
``TableInstance.elements`` (a ``list``); both are grown *in place* so that those references stay valid
after a ``memory.grow``/``table.grow``, even one done by a callee. A memory's typed views
(``MemoryInstance.views``) cannot survive a resize: ``grow`` releases them, extends the bytearray, makes
new ones and stores them into every namespace that uses them.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, Dict, List, Tuple

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
    """A linear memory. ``grow`` returns the old size in pages, or -1 when it cannot grow.

    ``views`` maps a memoryview format (``"I"``, ``"q"``, ...) to a cast of ``data`` once some instance
    asked for them (:meth:`share_views`); they are rebuilt by every ``grow``."""

    __slots__ = ("type", "data", "max_pages", "limit_pages", "views", "_sharers")

    def __init__(self, type: MemoryType, limit_pages: int = 65536) -> None:
        self.type = type
        lim = type.limits
        self.max_pages = lim.max if lim.max is not None else 65536
        self.limit_pages = limit_pages
        self.data = bytearray(lim.min * PAGE_SIZE)
        self.views: Dict[str, memoryview] = {}
        # (weak reference to an owner with a namespace ``ns``, name prefix) per user of the views;
        # weak, so that instances importing a long-lived memory can still be freed
        self._sharers: List[Tuple[Any, str]] = []

    @property
    def pages(self) -> int:
        return len(self.data) >> 16

    def share_views(self, owner: Any, prefix: str, codes: Tuple[str, ...]) -> None:
        """Put the typed views into ``owner.ns`` as ``{prefix}{code}`` now and after every grow."""
        for code in codes:
            if code not in self.views:
                self.views[code] = memoryview(self.data).cast(code)  # type: ignore[call-overload]
        self._sharers.append((weakref.ref(owner), prefix))
        self._publish(owner.ns, prefix)

    def _publish(self, ns: Dict[str, Any], prefix: str) -> None:
        for code, v in self.views.items():
            ns[prefix + code] = v

    def grow(self, delta: int) -> int:
        old = len(self.data) >> 16
        new = old + delta
        if new > self.max_pages or new > self.limit_pages:
            return -1
        if delta:
            views = self.views
            for v in views.values():
                try:
                    v.release()  # a bytearray with live views cannot be resized
                except BufferError:
                    pass  # a view of our view exists: extend fails below, grow returns -1
            try:
                self.data.extend(bytes(delta * PAGE_SIZE))
            except (MemoryError, BufferError, OverflowError):
                # BufferError: someone else (a host) holds a view of the data
                old = -1
            for code in views:
                views[code] = memoryview(self.data).cast(code)  # type: ignore[call-overload]
            if views:
                live = []
                for ref, prefix in self._sharers:
                    owner = ref()
                    if owner is not None:
                        live.append((ref, prefix))
                        self._publish(owner.ns, prefix)
                self._sharers = live
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

