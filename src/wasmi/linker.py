"""``Linker``: names host functions and instances, resolves a module's imports, instantiates."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from ._exec.instantiate import instantiate
from ._runtime.objects import FuncInstance
from ._syntax.types import FuncType
from .engine import Engine
from .errors import LinkError, WasmiError
from .func import _make_host, _type_from_annotations, call_raw
from .instance import Instance, unwrap_extern
from .module import Module
from .values import func_type

__all__ = ["Linker", "InstancePre"]


class _HostDef:
    """A host function defined on the linker, made into a FuncInstance once per store."""

    __slots__ = ("ty", "fn", "pass_caller", "per_store")

    def __init__(self, ty: FuncType, fn: Callable[..., Any], pass_caller: bool) -> None:
        self.ty = ty
        self.fn = fn
        self.pass_caller = pass_caller
        self.per_store: Dict[int, FuncInstance] = {}

    def for_store(self, store: Any) -> FuncInstance:
        fi = self.per_store.get(id(store))
        if fi is None:
            fi = _make_host(store, self.ty, self.fn, self.pass_caller)
            self.per_store[id(store)] = fi
        return fi


class InstancePre:
    """An instance whose start function has not run yet."""

    def __init__(self, store: Any, inst: Any, start: Optional[FuncInstance]) -> None:
        self._store = store
        self._inst = inst
        self._start = start

    def start(self, store: Any) -> Instance:
        """Run the start function (if any). Raises Trap."""
        if self._start is not None:
            s, self._start = self._start, None
            call_raw(store, s, ())
        return Instance(self._inst)

    def ensure_no_start(self, store: Any) -> Instance:
        """The instance, when the module has no start function; raises WasmiError otherwise."""
        if self._start is not None:
            raise WasmiError("the module has a start function")
        return Instance(self._inst)


class Linker:
    def __init__(self, engine: Optional[Engine] = None) -> None:
        self.engine = engine
        self._defs: Dict[Tuple[str, str], Any] = {}
        self.allow_shadowing = False

    def _put(self, module: str, name: str, item: Any) -> None:
        key = (module, name)
        if key in self._defs and not self.allow_shadowing:
            raise LinkError(f"{module}::{name} is already defined")
        self._defs[key] = item

    def define(self, module: str, name: str, extern: Any) -> Linker:
        """Define an import from a Func, Memory, Table or Global."""
        self._put(module, name, unwrap_extern(extern))
        return self

    def func_wrap(self, module: str, name: str, fn: Callable[..., Any]) -> Linker:
        """Define a host function typed from its annotations (see Func.wrap)."""
        ft, pass_caller = _type_from_annotations(fn)
        self._put(module, name, _HostDef(ft, fn, pass_caller))
        return self

    def func_new(self, module: str, name: str, ty: FuncType, fn: Callable[..., Any]) -> Linker:
        """Define a host function ``fn(caller, *params)`` of type ``ty``."""
        self._put(module, name, _HostDef(func_type(ty.params, ty.results), fn, True))
        return self

    def instance(self, store: Any, name: str, instance: Instance) -> Linker:
        """Define every export of ``instance`` under the module name ``name``."""
        for ex_name, ext in instance._inst.exports.items():
            self._put(name, ex_name, ext)
        return self

    def get(self, store: Any, module: str, name: str) -> Any:
        from .instance import wrap_extern

        item = self._defs.get((module, name))
        if item is None:
            return None
        if isinstance(item, _HostDef):
            item = item.for_store(store)
        return wrap_extern(item)

    def _resolve(self, store: Any, module: Module) -> List[Any]:
        out = []
        for imp in module._ast.imports:
            item = self._defs.get((imp.module, imp.name))
            if item is None:
                raise LinkError(f"unknown import: {imp.module}::{imp.name}")
            if isinstance(item, _HostDef):
                item = item.for_store(store)
            out.append(item)
        return out

    def instantiate(self, store: Any, module: Module) -> InstancePre:
        """Resolve imports and initialise the instance (segments), without running start.

        Raises LinkError (unknown or incompatible import), Trap (a failing segment),
        InstantiationError (resource limits) and WasmiError (module and store from engines with
        different fuel settings).
        """
        if module._compiled.fuel != store.engine.config.consume_fuel:
            # the module's code was translated with (or without) fuel checks for its own engine
            raise WasmiError("the module and the store come from engines with different fuel settings")
        externs = self._resolve(store, module)
        inst, start = instantiate(module._compiled, store, externs)
        return InstancePre(store, inst, start)

    def instantiate_and_start(self, store: Any, module: Module) -> Instance:
        return self.instantiate(store, module).start(store)
