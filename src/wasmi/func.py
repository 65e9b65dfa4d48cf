"""``Func`` (Wasm and host functions) and ``Caller`` (what a host function sees of its caller)."""

from __future__ import annotations

import inspect
from typing import Any, Callable, List, Optional, Sequence, Tuple

from ._exec.guest import call_guest
from ._runtime.objects import FuncInstance
from ._syntax.types import FuncType, ValType
from .errors import HostError, Trap, WasmiError
from .values import FROM_RAW, TO_RAW, from_raw, func_type, results_from_raw

__all__ = ["Func", "Caller"]


class Caller:
    """Passed as the first argument of host functions: ``data`` (the store's data) and
    ``get_export(name)`` (an export of the calling instance, or None)."""

    __slots__ = ("store", "_instance")

    def __init__(self, store: Any, instance: Any) -> None:
        self.store = store
        self._instance = instance

    @property
    def data(self) -> Any:
        return self.store.data

    @data.setter
    def data(self, value: Any) -> None:
        self.store.data = value

    def get_export(self, name: str) -> Any:
        if self._instance is None:
            return None
        from .instance import wrap_extern

        ext = self._instance.exports.get(name)
        return None if ext is None else wrap_extern(ext)

    def get_fuel(self) -> int:
        return self.store.get_fuel()

    def set_fuel(self, fuel: int) -> None:
        self.store.set_fuel(fuel)


def _make_host(store: Any, ft: FuncType, fn: Callable[..., Any], pass_caller: bool = True) -> FuncInstance:
    """A FuncInstance whose calls convert values, run ``fn`` and wrap its exceptions as HostError."""
    pconv = [FROM_RAW.get(t) for t in ft.params]
    ptypes = ft.params
    rtypes = ft.results
    rconv = [TO_RAW[t] for t in rtypes]
    nres = len(rtypes)

    def binder(instance: Any) -> Callable[..., Any]:
        def host_call(*args: Any) -> Any:
            py = [c(a) if c is not None else from_raw(t, a) for c, a, t in zip(pconv, args, ptypes)]
            err: Optional[BaseException] = None
            try:
                if pass_caller:
                    r = fn(Caller(store, instance), *py)
                else:
                    r = fn(*py)
            except (Trap, RecursionError):
                raise
            except Exception as e:  # any host failure becomes a wasmi error
                err = e
            if err is not None:
                raise HostError(f"host function raised {type(err).__name__}: {err}") from err
            try:
                if nres == 0:
                    return None
                if nres == 1:
                    if isinstance(r, (tuple, list)) and len(r) == 1:
                        r = r[0]
                    return rconv[0](r)
                if not isinstance(r, (tuple, list)) or len(r) != nres:
                    raise TypeError(f"expected {nres} results, got {r!r}")
                return tuple(c(v) for c, v in zip(rconv, r))
            except (TypeError, ValueError) as e:
                err = e
            raise HostError(f"host function returned a bad result: {err}") from err

        return host_call

    fi = FuncInstance(ft, binder(None), host=fn, store_id=id(store))
    fi.binder = binder
    return fi


_ANNOT = {
    "i32": ValType.I32, "i64": ValType.I64, "f32": ValType.F32, "f64": ValType.F64,
    "funcref": ValType.FUNCREF, "externref": ValType.EXTERNREF, "int": ValType.I32, "float": ValType.F64,
}


def _annot_type(a: Any, what: str) -> ValType:
    if isinstance(a, ValType):
        return a
    if a is int:
        return ValType.I32
    if a is float:
        return ValType.F64
    if isinstance(a, str):
        # under `from __future__ import annotations` a string annotation arrives quoted once more
        key = a.strip().strip("'\"").split(".")[-1].lower()
        if key in _ANNOT:
            return _ANNOT[key]
    raise TypeError(f"cannot tell the Wasm type of {what} from its annotation {a!r}")


def _type_from_annotations(fn: Callable[..., Any]) -> tuple:
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    pass_caller = False
    if params and (params[0].name == "caller" or params[0].annotation in (Caller, "Caller", "wasmi.Caller")):
        # the first parameter receives the Caller
        pass_caller = True
        params = params[1:]
    ptypes = [_annot_type(p.annotation, f"parameter {p.name!r}") for p in params]
    ra = sig.return_annotation
    if isinstance(ra, str):
        ra = ra.strip().strip("'\"")
    if ra is inspect.Signature.empty or ra is None or ra == "None":
        rtypes: List[ValType] = []
    elif isinstance(ra, (tuple, list)):
        rtypes = [_annot_type(a, "the result") for a in ra]
    elif isinstance(ra, str) and ra.startswith(("tuple[", "Tuple[")):
        inner = ra[ra.index("[") + 1:-1]
        rtypes = [_annot_type(x.strip(), "the result") for x in inner.split(",")]
    else:
        rtypes = [_annot_type(ra, "the result")]
    return func_type(ptypes, rtypes), pass_caller


class Func:
    """A function (Wasm or host). Call it with ``func.call(store, *args)``."""

    __slots__ = ("_fi",)

    def __init__(self, store: Any, ty: FuncType, fn: Callable[..., Any]) -> None:
        """A host function of type ``ty``: ``fn(caller, *params)`` returns None, a value or a tuple."""
        ft = func_type(ty.params, ty.results)
        self._fi = _make_host(store, ft, fn, True)

    @classmethod
    def new(cls, store: Any, ty: FuncType, fn: Callable[..., Any]) -> Func:
        return cls(store, ty, fn)

    @classmethod
    def wrap(cls, store: Any, fn: Callable[..., Any]) -> Func:
        """A host function typed from ``fn``'s annotations (ValType members, "i32"…, int → i32,
        float → f64); a first parameter named ``caller`` receives the Caller."""
        ft, pass_caller = _type_from_annotations(fn)
        self = cls.__new__(cls)
        self._fi = _make_host(store, ft, fn, pass_caller)
        return self

    @classmethod
    def _from_instance(cls, fi: FuncInstance) -> Func:
        self = cls.__new__(cls)
        self._fi = fi
        return self

    def type(self, store: Any = None) -> FuncType:
        return self._fi.type

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Func) and other._fi is self._fi

    def __hash__(self) -> int:
        return id(self._fi)

    def __repr__(self) -> str:
        return f"<wasmi.Func {self._fi.type}>"

    def call(self, store: Any, *args: Any) -> Any:
        """Call with Python values; returns None, one value, or a tuple (multi-value).

        Raises Trap (including HostError from a host function) and WasmiError for a wrong number of
        arguments; TypeError for an argument of the wrong kind.
        """
        fi = self._fi
        conv = fi.conv
        if conv is None:
            conv = fi.conv = _converters(fi.type)
        pin, rout = conv
        if len(args) != len(pin):
            raise WasmiError(f"expected {len(pin)} arguments, got {len(args)}")
        raw = [c(a) for c, a in zip(pin, args)]
        r = call_guest(fi.fn, raw, store.engine.config.max_call_depth)
        return rout(r) if rout is not None else None

    def __call__(self, store: Any, *args: Any) -> Any:
        return self.call(store, *args)


def _converters(ft: FuncType) -> Tuple[Tuple[Callable[[Any], Any], ...], Optional[Callable[[Any], Any]]]:
    """Per signature, once: argument converters and one result converter (None: no results)."""
    pin = tuple(TO_RAW[t] for t in ft.params)
    rts = ft.results
    rout: Optional[Callable[[Any], Any]]
    if not rts:
        rout = None
    elif len(rts) == 1:
        t0 = rts[0]
        rout = FROM_RAW[t0] if t0 in FROM_RAW else (lambda v: from_raw(t0, v))
    else:
        rout = lambda r: results_from_raw(rts, r)  # noqa: E731 - a converter like the others
    return pin, rout


def call_raw(store: Any, fi: FuncInstance, args: Sequence[Any]) -> Any:
    """Call with values in the engine's representation (used by the spec runner)."""
    return call_guest(fi.fn, tuple(args), store.engine.config.max_call_depth)
