"""``Instance``: an instantiated module and its exports."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from ._exec.instantiate import ModuleInstance
from ._runtime.objects import FuncInstance, GlobalInstance, MemoryInstance, TableInstance
from .extern import Global, Memory, Table
from .func import Func

__all__ = ["Instance", "wrap_extern", "unwrap_extern"]


def wrap_extern(ext: Any) -> Any:
    """Runtime object → API handle."""
    if isinstance(ext, FuncInstance):
        return Func._from_instance(ext)
    if isinstance(ext, MemoryInstance):
        return Memory._wrap(ext)
    if isinstance(ext, TableInstance):
        return Table._wrap(ext)
    if isinstance(ext, GlobalInstance):
        return Global._wrap(ext)
    raise TypeError(f"not an extern: {ext!r}")


def unwrap_extern(ext: Any) -> Any:
    """API handle → runtime object. Raises TypeError for anything else."""
    for attr in ("_fi", "_mi", "_ti", "_gi"):
        inner = getattr(ext, attr, None)
        if inner is not None:
            return inner
    if isinstance(ext, (FuncInstance, MemoryInstance, TableInstance, GlobalInstance)):
        return ext
    raise TypeError(f"not a Func, Memory, Table or Global: {ext!r}")


class Instance:
    __slots__ = ("_inst",)

    def __init__(self, inst: ModuleInstance) -> None:
        self._inst = inst

    def get_export(self, store: Any, name: str) -> Any:
        """The export called ``name`` (Func, Memory, Table or Global), or None."""
        ext = self._inst.exports.get(name)
        return None if ext is None else wrap_extern(ext)

    def _get(self, name: str, cls: type) -> Any:
        ext = self._inst.exports.get(name)
        return wrap_extern(ext) if isinstance(ext, cls) else None

    def get_func(self, store: Any, name: str) -> Optional[Func]:
        return self._get(name, FuncInstance)

    def get_memory(self, store: Any, name: str) -> Optional[Memory]:
        return self._get(name, MemoryInstance)

    def get_table(self, store: Any, name: str) -> Optional[Table]:
        return self._get(name, TableInstance)

    def get_global(self, store: Any, name: str) -> Optional[Global]:
        return self._get(name, GlobalInstance)

    def exports(self, store: Any = None) -> Iterator[Tuple[str, Any]]:
        for name, ext in self._inst.exports.items():
            yield name, wrap_extern(ext)
