"""``Linker``: names host functions and externs, resolves a module's imports, instantiates.
``InstancePre``: an instance whose start function has not run yet."""

from __future__ import annotations

import weakref
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._exec.guest import call_guest
from ._exec.instantiate import instantiate
from ._runtime.objects import FuncInstance, GlobalInstance, MemoryInstance, TableInstance
from ._syntax.types import ExternKind, FuncType
from .engine import Engine
from .errors import LinkError, WasmiError
from .extern import Extern, ExternType, check_store
from .func import Func, make_host, new_form, type_from_annotations
from .instance import Instance, extern_store_id, unwrap_extern
from .module import Module
from .store import Store, as_store
from .values import func_type

__all__ = ["Linker", "InstancePre"]


class _HostDef:
    """A host function defined on the linker, made into a FuncInstance once per store."""

    __slots__ = ("ty", "fn", "form", "per_store")

    def __init__(self, ty: FuncType, fn: Callable[..., Any], form: str) -> None:
        self.ty = ty
        self.fn = fn
        self.form = form
        self.per_store: weakref.WeakKeyDictionary[Store[Any], FuncInstance] = weakref.WeakKeyDictionary()

    def for_store(self, store: Store[Any]) -> FuncInstance:
        fi = self.per_store.get(store)
        if fi is None:
            fi = make_host(store, self.ty, self.fn, self.form)
            self.per_store[store] = fi
        return fi


class InstancePre:
    """An instantiated module whose start function has not run (from ``Linker.instantiate``)."""

    __slots__ = ("_store", "_inst", "_start", "_done")

    def __init__(self, store: Store[Any], inst: Any, start: Optional[FuncInstance]) -> None:
        self._store = store
        self._inst = inst
        self._start = start
        self._done = False

    def _take(self, ctx: Any) -> Store[Any]:
        store = check_store(ctx, self._store)
        if self._done:
            raise WasmiError("this InstancePre was already started")
        self._done = True
        return store

    def start(self, ctx: Any) -> Instance:
        """Run the start function (if any) and return the instance. Raises Trap (also HostError,
        I32Exit from host functions), WasmiError when called twice or with another store."""
        store = self._take(ctx)
        if self._start is not None:
            call_guest(self._start.fn, (), store._depth)
        return Instance(self._inst)

    def ensure_no_start(self, ctx: Any) -> Instance:
        """The instance, when the module has no start function; raises WasmiError otherwise."""
        if self._start is not None:
            raise WasmiError("the module has a start function (use InstancePre.start)")
        self._take(ctx)
        return Instance(self._inst)


def _describe(ext: Any) -> str:
    if isinstance(ext, FuncInstance):
        return f"func {ext.type}"
    if isinstance(ext, MemoryInstance):
        return f"memory {ext.current_type().limits.min}" + (
            "" if ext.type.limits.max is None else f" {ext.type.limits.max}")
    if isinstance(ext, TableInstance):
        t = ext.current_type()
        return f"table {t.limits.min}{'' if t.limits.max is None else f' {t.limits.max}'} {t.elem}"
    if isinstance(ext, GlobalInstance):
        return f"global {'mut ' if ext.type.mutable else ''}{ext.type.valtype}"
    return repr(ext)


class Linker:
    """``Linker(engine=None)``: definitions by (module, name), then ``instantiate``.

    Defining a name twice raises LinkError unless ``allow_shadowing(True)``.
    """

    __slots__ = ("engine", "_defs", "_shadow")

    def __init__(self, engine: Optional[Engine] = None) -> None:
        self.engine = engine
        self._defs: Dict[Tuple[str, str], Any] = {}
        self._shadow = False

    def allow_shadowing(self, allow: bool = True) -> Linker:
        """Let later definitions replace earlier ones of the same name."""
        self._shadow = bool(allow)
        return self

    def _put(self, module: str, name: str, item: Any) -> None:
        if not isinstance(module, str) or not isinstance(name, str):
            raise TypeError("module and name must be str")
        key = (module, name)
        if key in self._defs and not self._shadow:
            raise LinkError(f"{module}::{name} is already defined (allow_shadowing(True) permits it)")
        self._defs[key] = item

    def define(self, module: str, name: str, extern: Extern) -> Linker:
        """Define ``module::name`` as a Func, Memory, Table or Global. Raises TypeError for anything
        else, LinkError for a duplicate."""
        if not isinstance(extern, Extern):
            raise TypeError(f"not a Func, Memory, Table or Global: {extern!r}")
        self._put(module, name, extern)
        return self

    def func_wrap(self, module: str, name: str, fn: Callable[..., Any]) -> Linker:
        """Define a host function typed from its annotations (see Func.wrap); it is made once per
        store that instantiates through this linker."""
        ft, pass_caller = type_from_annotations(fn)
        if not callable(fn):
            raise TypeError("a host function must be callable")
        self._put(module, name, _HostDef(ft, fn, "wrap_caller" if pass_caller else "wrap"))
        return self

    def func_new(self, module: str, name: str, ty: FuncType, fn: Callable[..., Any]) -> Linker:
        """Define a host function of type ``ty`` (``fn`` as in Func.new)."""
        if not isinstance(ty, FuncType):
            raise TypeError("func_new needs a wasmi.FuncType")
        if not callable(fn):
            raise TypeError("a host function must be callable")
        self._put(module, name, _HostDef(func_type(ty.params, ty.results), fn, new_form(fn)))
        return self

    def instance(self, ctx: Any, name: str, instance: Instance) -> Linker:
        """Define every export of ``instance`` under the module name ``name``."""
        for export in instance.exports(ctx):
            self._put(name, export.name, export.extern)
        return self

    def alias_module(self, module: str, as_module: str) -> Linker:
        """Define every name of ``module`` also under ``as_module``."""
        items = [(n, v) for (m, n), v in self._defs.items() if m == module]
        for n, v in items:
            self._put(as_module, n, v)
        return self

    def alias(self, module: str, name: str, as_module: str, as_name: str) -> Linker:
        """Define ``as_module::as_name`` as what ``module::name`` is. Raises LinkError if undefined."""
        item = self._defs.get((module, name))
        if item is None:
            raise LinkError(f"unknown definition: {module}::{name}")
        self._put(as_module, as_name, item)
        return self

    def get(self, ctx: Any, module: str, name: str) -> Optional[Extern]:
        """The definition of ``module::name`` for the context's store, or None."""
        store = as_store(ctx)
        item = self._defs.get((module, name))
        if item is None:
            return None
        if isinstance(item, _HostDef):
            return Func._from_instance(item.for_store(store))
        return item  # type: ignore[no-any-return]

    def _resolve(self, store: Store[Any], module: Module) -> List[Any]:
        out = []
        m = module._ast
        for imp in m.imports:
            where = f"{imp.module}::{imp.name}"
            item = self._defs.get((imp.module, imp.name))
            if item is None:
                raise LinkError(f"unknown import: {where} is not defined "
                                f"(the module expects {ExternType(_want(m, imp))})")
            if isinstance(item, _HostDef):
                raw = item.for_store(store)
            else:
                sid = extern_store_id(item)
                if sid is not None and sid != store._uid:
                    raise LinkError(f"import {where}: the definition belongs to another store")
                raw = unwrap_extern(item)
            _check_kind(imp, raw, m, where)
            out.append(raw)
        return out

    def instantiate(self, ctx: Any, module: Module) -> InstancePre:
        """Resolve imports and initialise the instance (segments), without running start.

        Raises LinkError (an import missing, or of the wrong kind or type: the message names it),
        Trap (a failing segment), InstantiationError (resource limits), WasmiError (module and store
        of engines with different fuel settings).
        """
        store = as_store(ctx)
        if not isinstance(module, Module):
            raise TypeError(f"instantiate takes a wasmi.Module, not {type(module).__name__}")
        if module.engine is not store.engine and module._compiled.fuel != store.engine._config._fuel:
            # the module's code was translated with (or without) fuel checks for its own engine
            raise WasmiError("the module and the store come from engines with different fuel settings")
        externs = self._resolve(store, module)
        inst, start = instantiate(module._compiled, store, externs)
        return InstancePre(store, inst, start)

    def instantiate_and_start(self, ctx: Any, module: Module) -> Instance:
        """``instantiate`` then ``start``; raises like both."""
        return self.instantiate(ctx, module).start(ctx)


def _want(m: Any, imp: Any) -> Any:
    return m.types[imp.desc] if imp.kind == ExternKind.FUNC else imp.desc


def _check_kind(imp: Any, raw: Any, m: Any, where: str) -> None:
    """A precise LinkError for the common mismatches (the engine checks everything again)."""
    from ._exec.instantiate import match_import

    try:
        match_import(imp, raw, m)
    except LinkError:
        raise LinkError(f"incompatible import type for {where}: the module expects "
                        f"{ExternType(_want(m, imp))}, the linker has {_describe(raw)}") from None



