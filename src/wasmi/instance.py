"""``Instance``: an instantiated module and its exports; ``Export``: one named export."""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple, Optional, Sequence

from ._exec.instantiate import ModuleInstance
from ._runtime.objects import FuncInstance, GlobalInstance, MemoryInstance, TableInstance
from ._syntax.types import ValType
from .errors import WasmiError
from .extern import Extern, Global, Memory, Table, check_store
from .func import Func, TypedFunc
from .store import Store

__all__ = ["Instance", "Export", "wrap_extern", "unwrap_extern"]


def wrap_extern(ext: Any, store: Optional[Store[Any]]) -> Extern:
    """Runtime object → API handle (of ``store``). Raises TypeError for anything else."""
    if isinstance(ext, FuncInstance):
        return Func._from_instance(ext)
    if isinstance(ext, MemoryInstance):
        return Memory._wrap(ext, store)
    if isinstance(ext, TableInstance):
        return Table._wrap(ext, store)
    if isinstance(ext, GlobalInstance):
        return Global._wrap(ext, store)
    raise TypeError(f"not an extern: {ext!r}")


def unwrap_extern(ext: Any) -> Any:
    """API handle → runtime object. Raises TypeError for anything else."""
    if isinstance(ext, Func):
        return ext._fi
    if isinstance(ext, Memory):
        return ext._mi
    if isinstance(ext, Table):
        return ext._ti
    if isinstance(ext, Global):
        return ext._gi
    raise TypeError(f"not a Func, Memory, Table or Global: {ext!r}")


def extern_store_id(ext: Extern) -> Optional[int]:
    """The serial (Store._uid) of the store an API handle belongs to (None: not known)."""
    if isinstance(ext, Func):
        return ext._fi.store_id
    store = getattr(ext, "_store", None)
    return None if store is None else store._uid


class Export(NamedTuple):
    """An export of an instance: ``name`` and the ``extern`` (unpacks as ``name, extern``)."""

    name: str
    extern: Extern

    def into_extern(self) -> Extern:
        return self.extern

    def into_func(self) -> Optional[Func]:
        return self.extern.into_func()

    def into_memory(self) -> Optional[Memory]:
        return self.extern.into_memory()

    def into_table(self) -> Optional[Table]:
        return self.extern.into_table()

    def into_global(self) -> Optional[Global]:
        return self.extern.into_global()


class Instance:
    """An instantiated module (from ``Linker.instantiate``). Every method takes the context (Store
    or Caller) and raises WasmiError when it is another store's."""

    __slots__ = ("_inst",)

    def __init__(self, inst: ModuleInstance) -> None:
        self._inst = inst

    def _store(self, ctx: Any) -> Store[Any]:
        return check_store(ctx, self._inst.store)

    def get_export(self, ctx: Any, name: str) -> Optional[Extern]:
        """The export called ``name`` (Func, Memory, Table or Global), or None."""
        store = self._store(ctx)
        ext = self._inst.exports.get(name)
        return None if ext is None else wrap_extern(ext, store)

    def _get(self, ctx: Any, name: str, cls: type) -> Any:
        store = self._store(ctx)
        ext = self._inst.exports.get(name)
        return wrap_extern(ext, store) if isinstance(ext, cls) else None

    def get_func(self, ctx: Any, name: str) -> Optional[Func]:
        """The function export ``name``, or None (missing, or not a function)."""
        return self._get(ctx, name, FuncInstance)  # type: ignore[no-any-return]

    def get_typed_func(self, ctx: Any, name: str, params: Sequence[ValType],
                       results: Sequence[ValType]) -> TypedFunc:
        """The function export ``name`` checked against the signature. Raises WasmiError when it
        is missing, not a function, or of another type."""
        f = self.get_func(ctx, name)
        if f is None:
            raise WasmiError(f"no function export named {name!r}")
        return f.typed(ctx, params, results)

    def get_memory(self, ctx: Any, name: str) -> Optional[Memory]:
        return self._get(ctx, name, MemoryInstance)  # type: ignore[no-any-return]

    def get_table(self, ctx: Any, name: str) -> Optional[Table]:
        return self._get(ctx, name, TableInstance)  # type: ignore[no-any-return]

    def get_global(self, ctx: Any, name: str) -> Optional[Global]:
        return self._get(ctx, name, GlobalInstance)  # type: ignore[no-any-return]

    def exports(self, ctx: Any) -> Iterator[Export]:
        """Every export, in the module's order."""
        store = self._store(ctx)
        return iter([Export(name, wrap_extern(ext, store)) for name, ext in self._inst.exports.items()])

    def __repr__(self) -> str:
        return f"<wasmi.Instance with {len(self._inst.exports)} exports>"
