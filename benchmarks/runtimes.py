"""One adapter per measured runtime: the same four steps (load, instantiate, look up an export, call)
written in each runtime's own public API, so the runner can time every runtime the same way.

Host functions are given as ``(FuncImport, pyfunc)`` pairs; ``pyfunc`` takes and returns plain ints and
is written so that it is correct whether a runtime passes i32 values signed or unsigned (it only uses
xor), so no adapter has to add a conversion layer that would distort the Wasm→host timings.

Each adapter's constructor raises ImportError (package not installed) or RuntimeError (package present
but lacking the API) so the runner can report *why* a runtime is not measured.
"""

from __future__ import annotations

import functools
import io
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from wasm_imports import FuncImport

HostFuncs = Sequence[Tuple[FuncImport, Callable[..., Any]]]


def _dist_version(dist: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:  # noqa: BLE001 - a missing version must not stop the benchmark
        return "unknown"


class Adapter:
    #: set by the worker from the FACTORIES key
    name = ""
    description = ""
    #: calls of each export before steady-state timing (pwasm "auto" compiles on the second call)
    warmup_calls = 1
    #: False if a second instance of one module object misbehaves; the runner then instantiates a
    #: freshly loaded module each time (loading not timed)
    reinstantiable = True

    def version(self) -> str:
        raise NotImplementedError

    def load(self, data: bytes) -> Any:
        """bytes → the runtime's module object (the translate phase)."""
        raise NotImplementedError

    def instantiate(self, module: Any, host: HostFuncs) -> Any:
        raise NotImplementedError

    def export(self, instance: Any, name: str) -> Callable[..., Any]:
        """A callable for the export, with as little wrapping as the runtime's API allows."""
        raise NotImplementedError


class Wasmi(Adapter):
    """wasmi-py through its wasmi-like public API; ``mode`` is ``Config(compilation_mode=...)``;
    ``fuel`` turns metering on (``Config(consume_fuel=True)``) with a budget that never runs out."""

    #: the metered runtime's store budget, re-set before every call of an export: about 2**50, far above
    #: what any benchmark input consumes, and an int of the size a real "practically unlimited" budget has
    FUEL_BUDGET = 10**15

    def __init__(self, mode: Optional[str] = None, fuel: bool = False) -> None:
        import wasmi

        missing = [n for n in ("Engine", "Store", "Module", "Linker") if not hasattr(wasmi, n)]
        if missing:
            raise RuntimeError("wasmi has no " + ", ".join(missing) + " yet")
        self.wasmi = wasmi
        self.mode = mode
        self.fuel = fuel
        kwargs: Dict[str, Any] = {}
        if mode is not None:
            kwargs["compilation_mode"] = mode
        if fuel:
            kwargs["consume_fuel"] = True
        self.engine = wasmi.Engine(wasmi.Config(**kwargs)) if kwargs else wasmi.Engine()
        self.description = "wasmi-py, " + (", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "default Config")
        if fuel:
            self.description += f", fuel {self.FUEL_BUDGET:.0e} per call"

    def version(self) -> str:
        return getattr(self.wasmi, "__version__", "unknown")

    def load(self, data: bytes) -> Any:
        return self.wasmi.Module(self.engine, data)

    def instantiate(self, module: Any, host: HostFuncs) -> Any:
        wasmi = self.wasmi
        store = wasmi.Store(self.engine)
        linker = wasmi.Linker(self.engine)
        for imp, fn in host:
            linker.func_wrap(imp.module, imp.name, _annotated(fn, imp, wasmi))
        instance = linker.instantiate_and_start(store, module)
        return store, instance

    def export(self, instance: Any, name: str) -> Callable[..., Any]:
        store, inst = instance
        call = functools.partial(inst.get_func(store, name).call, store)
        if not self.fuel:
            return call
        set_fuel, budget = store.set_fuel, self.FUEL_BUDGET

        def metered(*args: Any) -> Any:
            # a fresh budget per call (one method call, well under 1 us against calls of milliseconds)
            set_fuel(budget)
            return call(*args)

        return metered


def _annotated(fn: Callable[..., Any], imp: FuncImport, wasmi: Any) -> Callable[..., Any]:
    """A copy of ``fn`` whose annotations (``"i32"`` …, as ``Func.wrap`` documents) give ``func_wrap``
    the import's Wasm type. Raises ValueError for multi-value results (no program needs them)."""
    if len(imp.results) > 1:
        raise ValueError(f"{imp.module}.{imp.name}: multi-value host results are not supported here")
    params = [f"p{i}" for i in range(len(imp.params))]
    ns: Dict[str, Any] = {"fn": fn}
    exec(f"def host({', '.join(params)}):\n    return fn({', '.join(params)})\n", ns)  # noqa: S102
    host = ns["host"]
    ann: Dict[str, Any] = dict(zip(params, imp.params))
    ann["return"] = imp.results[0] if imp.results else None
    host.__annotations__ = ann
    return host


class Pwasm(Adapter):
    """pwasm (PyPI) with ``instantiate(..., mode=mode)``; its on-disk code cache is turned off."""

    def __init__(self, mode: str) -> None:
        # Without this a second process (or repetition) would load compiled code from ~/.cache and the
        # translate timings would measure a cache hit instead of pwasm's compiler.
        os.environ["PWASM_CACHE_DIR"] = ""
        import pwasm

        self.pwasm = pwasm
        self.mode = mode
        self.warmup_calls = 2 if mode == "auto" else 1
        self.description = f"pwasm, instantiate(mode={mode!r}), disk cache off"

    def version(self) -> str:
        return _dist_version("pwasm")

    def load(self, data: bytes) -> Any:
        return self.pwasm.decode_module(data)

    def instantiate(self, module: Any, host: HostFuncs) -> Any:
        imports: Dict[str, Dict[str, Any]] = {}
        for imp, fn in host:
            imports.setdefault(imp.module, {})[imp.name] = fn
        return self.pwasm.instantiate(module, imports, mode=self.mode)

    def export(self, instance: Any, name: str) -> Callable[..., Any]:
        return getattr(instance.exports, name)


class Pywasm(Adapter):
    """pywasm (PyPI): ``Runtime().instance(ModuleDesc)`` and ``Runtime.invocate``."""

    description = "pywasm, core.Runtime"
    # a plain interpreter with nothing to warm up, and each call costs seconds on the C programs
    warmup_calls = 0
    # a second instance of one ModuleDesc computes wrong results (seen with the C programs' data)
    reinstantiable = False

    def __init__(self) -> None:
        import pywasm

        self.pywasm = pywasm

    def version(self) -> str:
        return _dist_version("pywasm")

    def load(self, data: bytes) -> Any:
        return self.pywasm.core.ModuleDesc.from_reader(io.BytesIO(data))

    def instantiate(self, module: Any, host: HostFuncs) -> Any:
        core = self.pywasm.core
        runtime = core.Runtime()
        for imp, fn in host:
            ftype = core.FuncType([getattr(core.ValType, t)() for t in imp.params],
                                  [getattr(core.ValType, t)() for t in imp.results])
            runtime.imports.setdefault(imp.module, {})[imp.name] = runtime.allocate_func_host(
                ftype, _pywasm_host(fn, len(imp.results)))
        return runtime, runtime.instance(module)

    def export(self, instance: Any, name: str) -> Callable[..., Any]:
        runtime, inst = instance
        invocate = runtime.invocate

        def call(*args: Any) -> Any:
            out = invocate(inst, name, list(args))
            return out[0] if len(out) == 1 else out

        return call


def _pywasm_host(fn: Callable[..., Any], nresults: int) -> Callable[..., Any]:
    # pywasm calls host functions as f(machine, args) and expects a list of results.
    if nresults == 0:
        def host(machine: Any, args: List[Any]) -> List[Any]:
            fn(*args)
            return []
    else:
        def host(machine: Any, args: List[Any]) -> List[Any]:
            return [fn(*args)]
    return host


class Wasmtime(Adapter):
    """wasmtime-py (native, Cranelift): the reference for results and the native baseline."""

    description = "wasmtime-py (native Cranelift JIT)"

    def __init__(self) -> None:
        import wasmtime

        self.wasmtime = wasmtime
        self.engine = wasmtime.Engine()

    def version(self) -> str:
        return _dist_version("wasmtime")

    def load(self, data: bytes) -> Any:
        return self.wasmtime.Module(self.engine, data)

    def instantiate(self, module: Any, host: HostFuncs) -> Any:
        wt = self.wasmtime
        store = wt.Store(self.engine)
        linker = wt.Linker(self.engine)
        for imp, fn in host:
            ftype = wt.FuncType([getattr(wt.ValType, t)() for t in imp.params],
                                [getattr(wt.ValType, t)() for t in imp.results])
            linker.define_func(imp.module, imp.name, ftype, fn)
        return store, linker.instantiate(store, module)

    def export(self, instance: Any, name: str) -> Callable[..., Any]:
        store, inst = instance
        return functools.partial(inst.exports(store)[name], store)


#: runner name → factory; the order is the column order of the reports.
FACTORIES: Dict[str, Callable[[], Adapter]] = {
    "wasmi": lambda: Wasmi(),
    "pwasm-compile": lambda: Pwasm("compile"),
    "pwasm-auto": lambda: Pwasm("auto"),
    "pywasm": lambda: Pywasm(),
    "wasmtime": lambda: Wasmtime(),
    # not in the default set: extra wasmi-py configurations
    "wasmi-eager": lambda: Wasmi("eager"),
    "wasmi-lazy-translation": lambda: Wasmi("lazy_translation"),
    "wasmi-lazy": lambda: Wasmi("lazy"),
    "wasmi-fuel": lambda: Wasmi(fuel=True),
}

DEFAULT_RUNTIMES = ["wasmi", "pwasm-compile", "pwasm-auto", "pywasm", "wasmtime"]
