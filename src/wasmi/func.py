"""``Func`` (Wasm and host functions), ``TypedFunc`` (a function whose signature was checked once)
and ``Caller`` (what a host function sees of its caller).

Calls cross the host/Wasm boundary through small functions generated once per signature (and per
host function), with the value conversions inlined: the generated text is built only from fixed
snippets chosen by ValType, never from anything a module contains.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._exec.guest import call_guest
from ._exec.helpers import code_namespace
from ._exec.numerics import f32_round
from ._runtime.objects import FuncInstance
from ._syntax.types import FuncType, ValType
from .errors import HostError, I32Exit, Trap, WasmiError
from .extern import Extern
from .store import Store, as_store
from .values import F32, F64, FROM_RAW, I32, I64, TO_RAW, V128, ExternRef, FuncRef, func_type

__all__ = ["Func", "TypedFunc", "Caller"]

_WRONG_STORE = "object used with the wrong store (it belongs to another wasmi.Store)"


class Caller:
    """The first argument of host functions.

    ``data`` is the store's data (read and replace it), ``engine`` the store's engine, ``store`` the
    store itself; ``get_export(name)`` finds an export of the calling Wasm instance (typically
    ``"memory"``). A Caller is a context: pass it wherever a store is expected.
    """

    __slots__ = ("store", "_instance")

    def __init__(self, store: Store[Any], instance: Any) -> None:
        self.store = store
        self._instance = instance

    @property
    def data(self) -> Any:
        return self.store.data

    @data.setter
    def data(self, value: Any) -> None:
        self.store.data = value

    @property
    def engine(self) -> Any:
        return self.store.engine

    def get_export(self, name: str) -> Optional[Extern]:
        """The calling instance's export ``name``, or None (also when the host function was called
        directly from Python, without a calling instance)."""
        if self._instance is None:
            return None
        from .instance import wrap_extern

        ext = self._instance.exports.get(name)
        return None if ext is None else wrap_extern(ext, self.store)

    def get_fuel(self) -> int:
        """Raises WasmiError when fuel metering is disabled."""
        return self.store.get_fuel()

    def set_fuel(self, fuel: int) -> None:
        """Raises WasmiError when fuel metering is disabled."""
        self.store.set_fuel(fuel)

    def __repr__(self) -> str:
        return f"<wasmi.Caller of {'the host' if self._instance is None else 'an instance'}>"


# --- host functions (Wasm -> Python) ------------------------------------------------------------

_PASS = (Trap, I32Exit, RecursionError)  # these go through host functions unchanged
_RAW_TO_PY = {  # engine value a{i} -> the Python value a host function receives
    ValType.I32: "(a{i} - 4294967296 if a{i} > 2147483647 else a{i} + 0)",
    ValType.I64: "a{i} + 0",
    ValType.F32: "a{i}",
    ValType.F64: "a{i}",
    ValType.V128: "a{i}",
    ValType.EXTERNREF: "a{i}",
    ValType.FUNCREF: "FO(a{i})",
}
_PY_TO_RAW = {  # Python value {v} -> engine value (a TypeError sends the result to the slow path)
    ValType.I32: "{v} & 4294967295",
    ValType.I64: "TO[{k}]({v})",
    ValType.F32: "TO[{k}]({v})",
    ValType.F64: "TO[{k}]({v})",
    ValType.V128: "TO[{k}]({v})",
    ValType.EXTERNREF: "TO[{k}]({v})",
    ValType.FUNCREF: "TO[{k}]({v})",
}


def _host_error(err: BaseException) -> HostError:
    return HostError(f"host function raised {type(err).__name__}: {err}")


def _bad_results(rtypes: Tuple[ValType, ...]) -> Callable[[Any], Any]:
    """The slow path for results that are not the plain value(s): sequences, wrong types."""
    n = len(rtypes)
    conv = [TO_RAW[t] for t in rtypes]

    def slow(r: Any) -> Any:
        err: Optional[Exception] = None
        try:
            if n == 1:
                if isinstance(r, (tuple, list)) and len(r) == 1:
                    r = r[0]
                return conv[0](r)
            if not isinstance(r, (tuple, list)) or len(r) != n:
                raise TypeError(f"expected {n} results, got {r!r}")
            return tuple(c(v) for c, v in zip(conv, r))
        except (TypeError, ValueError, AttributeError) as e:
            err = e
        raise HostError(f"host function returned a bad result: {err}") from err

    return slow


_HOST_CACHE: Dict[Tuple[FuncType, str], Any] = {}


def _host_factory(ft: FuncType, form: str) -> Any:
    """``make(fn, C)`` → the engine-facing callable of a host function of type ``ft``.

    ``form``: "wrap" ``fn(*params)``, "wrap_caller" ``fn(caller, *params)``, "list"
    ``fn(caller, params) -> results``, "slice" ``fn(caller, params, results)`` (fills ``results``).
    """
    key = (ft, form)
    hit = _HOST_CACHE.get(key)
    if hit is not None:
        return hit
    n, nres = len(ft.params), len(ft.results)
    args = ", ".join(f"a{i}" for i in range(n))
    py = [_RAW_TO_PY[t].format(i=i) for i, t in enumerate(ft.params)]
    lines = [f"def host_call({args}):", "    try:"]
    if form == "wrap":
        lines.append(f"        r = fn({', '.join(py)})")
    elif form == "wrap_caller":
        lines.append(f"        r = fn({', '.join(['C'] + py)})")
    elif form == "list":
        lines.append(f"        r = fn(C, [{', '.join(py)}])")
    else:
        lines.append(f"        R = [None] * {nres}")
        lines.append(f"        fn(C, [{', '.join(py)}], R)")
        lines.append("        r = R[0]" if nres == 1 else "        r = R")
    lines += ["    except PASS:", "        raise", "    except Exception as e:", "        raise herr(e) from e"]
    if nres == 0:
        lines.append("    return None")
    else:
        if nres == 1:
            expr = _PY_TO_RAW[ft.results[0]].format(v="r", k=0)
        else:
            items = [_PY_TO_RAW[t].format(v=f"r[{k}]", k=k) for k, t in enumerate(ft.results)]
            expr = f"({', '.join(items)},) if len(r) == {nres} else slow(r)"
        lines += ["    try:", f"        return {expr}", "    except Exception:", "        return slow(r)"]
    src = "def make(fn, C):\n" + "".join("    " + ln + "\n" for ln in lines) + "    return host_call\n"
    ns = code_namespace({
        "PASS": _PASS, "herr": _host_error, "slow": _bad_results(ft.results), "FO": FROM_RAW[ValType.FUNCREF],
        "TO": [TO_RAW[t] for t in ft.results],
    })
    exec(compile(src, f"<wasmi host adapter {ft}>", "exec"), ns)
    make = ns["make"]
    _HOST_CACHE[key] = make
    return make


def make_host(store: Store[Any], ft: FuncType, fn: Callable[..., Any], form: str) -> FuncInstance:
    """A FuncInstance of store ``store`` that runs ``fn`` (see ``_host_factory`` for ``form``)."""
    if not callable(fn):
        raise TypeError(f"a host function must be callable, not {type(fn).__name__}")
    make = _host_factory(ft, form)

    def binder(instance: Any) -> Callable[..., Any]:
        return make(fn, Caller(store, instance))  # type: ignore[no-any-return]

    fi = FuncInstance(ft, binder(None), host=fn, store_id=store._uid)
    fi.binder = binder
    return fi


def new_form(fn: Callable[..., Any]) -> str:
    """"slice" when ``fn`` takes three positional arguments (caller, params, results), else "list"."""
    try:
        ps = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature
        return "list"
    positional = [p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return "slice" if len(positional) >= 3 and not any(p.kind is p.VAR_POSITIONAL for p in ps) else "list"


_ANNOT = {
    "i32": ValType.I32, "i64": ValType.I64, "f32": ValType.F32, "f64": ValType.F64, "v128": ValType.V128,
    "funcref": ValType.FUNCREF, "externref": ValType.EXTERNREF, "int": ValType.I32, "float": ValType.F64,
    "func": ValType.FUNCREF,
}
_ANNOT_CLASSES: Dict[Any, ValType] = {
    I32: ValType.I32, I64: ValType.I64, F32: ValType.F32, F64: ValType.F64, V128: ValType.V128,
    FuncRef: ValType.FUNCREF, ExternRef: ValType.EXTERNREF, int: ValType.I32, float: ValType.F64,
}


def _annot_type(a: Any, what: str) -> ValType:
    if isinstance(a, ValType):
        return a
    t = _ANNOT_CLASSES.get(a)
    if t is not None:
        return t
    if a is Func:
        return ValType.FUNCREF
    if a is inspect.Parameter.empty:
        raise TypeError(f"{what} has no annotation: Func.wrap reads the Wasm type from it")
    if isinstance(a, str):
        key = a.strip().strip("'\"")
        if key.startswith("Optional[") and key.endswith("]"):
            key = key[9:-1]
        key = key.split(".")[-1].lower()
        if key in _ANNOT:
            return _ANNOT[key]
    raise TypeError(f"cannot tell the Wasm type of {what} from its annotation {a!r} "
                    f"(use wasmi.I32, I64, F32, F64, V128, FuncRef, ExternRef or a ValType)")


def _split_tuple(ra: Any) -> Optional[List[Any]]:
    if isinstance(ra, (tuple, list)):
        return list(ra)
    if isinstance(ra, str):
        for prefix in ("tuple[", "Tuple[", "typing.Tuple["):
            if ra.startswith(prefix) and ra.endswith("]"):
                return [x.strip() for x in ra[len(prefix):-1].split(",") if x.strip()]
        return None
    args = getattr(ra, "__args__", None)
    if getattr(ra, "__origin__", None) is tuple and args is not None:
        return list(args)
    return None


def type_from_annotations(fn: Callable[..., Any]) -> Tuple[FuncType, bool]:
    """The FuncType written in ``fn``'s annotations, and whether its first parameter is the Caller.

    Raises TypeError for a parameter or result whose annotation is not a Wasm type."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError) as e:
        raise TypeError(f"cannot read the signature of {fn!r}: {e}") from None
    params = list(sig.parameters.values())
    pass_caller = False
    if params and (params[0].name == "caller" or params[0].annotation in (Caller, "Caller", "wasmi.Caller")):
        pass_caller = True
        params = params[1:]
    for p in params:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise TypeError(f"parameter {p.name!r}: Func.wrap needs plain positional parameters")
    ptypes = [_annot_type(p.annotation, f"parameter {p.name!r}") for p in params]
    ra = sig.return_annotation
    if isinstance(ra, str):
        ra = ra.strip().strip("'\"")
    parts = _split_tuple(ra)
    if ra is inspect.Signature.empty or ra is None or ra == "None":
        rtypes: List[ValType] = []
    elif parts is not None:
        rtypes = [_annot_type(a, "the result") for a in parts]
    else:
        rtypes = [_annot_type(ra, "the result")]
    return func_type(ptypes, rtypes), pass_caller


# --- calls from Python (Python -> Wasm) ---------------------------------------------------------

_ARG_IN = {  # Python value a{i} -> engine value, fast path inline, converter otherwise
    ValType.I32: "(a{i} & 4294967295 if type(a{i}) is int else TO[{i}](a{i}))",
    ValType.I64: "(a{i} if type(a{i}) is int and -9223372036854775808 <= a{i} <= 9223372036854775807 "
                 "else TO[{i}](a{i}))",
    ValType.F32: "F32R(a{i}) if type(a{i}) is float else TO[{i}](a{i})",
    ValType.F64: "(a{i} if type(a{i}) is float else TO[{i}](a{i}))",
    ValType.V128: "TO[{i}](a{i})",
    ValType.EXTERNREF: "TO[{i}](a{i})",
    ValType.FUNCREF: "FI(a{i}, S)",
}
_RES_OUT = {
    ValType.I32: "(r - 4294967296 if r > 2147483647 else r + 0)",
    ValType.I64: "r + 0",
    ValType.F32: "r",
    ValType.F64: "r",
}


def _funcref_arg(v: Any, store: Store[Any]) -> Any:
    fi = TO_RAW[ValType.FUNCREF](v)
    if fi is not None and fi.store_id != store._uid:
        raise WasmiError(_WRONG_STORE)
    return fi


_CALLERS: Dict[FuncType, Any] = {}


def _call_source(ft: FuncType, head: str, check: str) -> List[str]:
    """The body shared by untyped and typed calls: convert a0…, call, convert the result."""
    n = len(ft.params)
    conv = ", ".join(_ARG_IN[t].format(i=i) for i, t in enumerate(ft.params))
    lines = [head, *check.splitlines(), f"    r = call_guest(fi.fn, ({conv}{',' if n else ''}), S._depth)"]
    res = ft.results
    if not res:
        lines.append("    return None")
    elif len(res) == 1:
        lines.append(f"    return {_RES_OUT.get(res[0], 'OUT[0](r)')}")
    else:
        lines.append(f"    return tuple([{', '.join(f'OUT[{k}](r[{k}])' for k in range(len(res)))}])")
    return lines


def _namespace(ft: FuncType) -> Dict[str, Any]:
    return code_namespace({"call_guest": call_guest, "F32R": f32_round, "FI": _funcref_arg,
                           "WasmiError": WasmiError, "as_store": as_store, "WRONG": _WRONG_STORE,
                           "TO": [TO_RAW[t] for t in ft.params], "OUT": [FROM_RAW[t] for t in ft.results]})


def _caller_for(ft: FuncType) -> Any:
    """``invoke(S, fi, args)``: checks the count, converts the arguments, calls, converts the results."""
    hit = _CALLERS.get(ft)
    if hit is not None:
        return hit
    n = len(ft.params)
    check = (f"    if len(args) != {n}:\n"
             f"        raise WasmiError(f'expected {n} arguments, got {{len(args)}}')\n")
    if n:
        check += f"    {', '.join(f'a{i}' for i in range(n))}, = args\n"
    lines = _call_source(ft, "def invoke(S, fi, args):", check)
    ns = _namespace(ft)
    exec(compile("\n".join(lines) + "\n", f"<wasmi call adapter {ft}>", "exec"), ns)
    invoke = ns["invoke"]
    _CALLERS[ft] = invoke
    return invoke


class Func(Extern):
    """A function, defined in Wasm or on the host.

    ``Func.new(ctx, ty, fn)`` makes a host function of FuncType ``ty``: ``fn(caller, params)``
    receives the parameters as a list and returns None, one value, or a sequence of results; a
    ``fn(caller, params, results)`` fills the list ``results`` instead (wasmi's slice form).
    ``Func.wrap(ctx, fn)`` reads the type from ``fn``'s annotations. Call with ``func.call(ctx,
    *args)``: the result is None, one value, or a tuple (multi-value).
    """

    __slots__ = ("_fi",)

    def __init__(self, ctx: Any, ty: FuncType, fn: Callable[..., Any]) -> None:
        """Raises TypeError when ``ty`` is not a FuncType or ``fn`` not callable."""
        store = ctx if type(ctx) is Store else as_store(ctx)
        if not isinstance(ty, FuncType):
            raise TypeError("Func.new needs a wasmi.FuncType")
        self._fi = make_host(store, func_type(ty.params, ty.results), fn, new_form(fn))

    @classmethod
    def new(cls, ctx: Any, ty: FuncType, fn: Callable[..., Any]) -> Func:
        return cls(ctx, ty, fn)

    @classmethod
    def wrap(cls, ctx: Any, fn: Callable[..., Any]) -> Func:
        """A host function typed from ``fn``'s annotations: wasmi.I32/I64/F32/F64/V128/FuncRef/
        ExternRef, ValType members, their names as strings ("i64"), ``int`` (i32) and ``float``
        (f64); a tuple return annotation gives several results. A first parameter named ``caller``
        (or annotated Caller) receives the Caller. Raises TypeError for an unknown annotation."""
        store = ctx if type(ctx) is Store else as_store(ctx)
        ft, pass_caller = type_from_annotations(fn)
        self = cls.__new__(cls)
        self._fi = make_host(store, ft, fn, "wrap_caller" if pass_caller else "wrap")
        return self

    @classmethod
    def _from_instance(cls, fi: FuncInstance) -> Func:
        self = cls.__new__(cls)
        self._fi = fi
        return self

    def into_func(self) -> Optional[Func]:
        return self

    def ty(self, ctx: Any) -> FuncType:
        """The function's type. Raises WasmiError for another store's context."""
        store = ctx if type(ctx) is Store else as_store(ctx)
        if self._fi.store_id != store._uid:
            raise WasmiError(_WRONG_STORE)
        return self._fi.type

    def type(self, ctx: Any = None) -> FuncType:
        return self._fi.type

    def call(self, ctx: Any, *args: Any) -> Any:
        """Call with Python values; returns None, one value, or a tuple (multi-value).

        Raises Trap (HostError when a host function raised: the original exception is its
        ``__cause__``), I32Exit passed through from a host function, WasmiError for a wrong number of
        arguments or another store's context, TypeError for an argument of the wrong kind.
        """
        fi = self._fi
        if type(ctx) is not Store:
            ctx = as_store(ctx)
        if fi.store_id != ctx._uid:
            raise WasmiError(_WRONG_STORE)
        invoke = fi.conv
        if invoke is None:
            invoke = fi.conv = _caller_for(fi.type)
        return invoke(ctx, fi, args)

    def __call__(self, ctx: Any, *args: Any) -> Any:
        return self.call(ctx, *args)

    def typed(self, ctx: Any, params: Sequence[ValType], results: Sequence[ValType]) -> TypedFunc:
        """This function with its signature checked once: ``typed.call(ctx, *args)`` is faster.

        Raises WasmiError when the signature differs."""
        ft = self.ty(ctx)
        want = func_type(params, results)
        if ft != want:
            raise WasmiError(f"function type mismatch: the function is {ft}, not {want}")
        return TypedFunc(self._fi, as_store(ctx))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Func) and other._fi is self._fi

    def __hash__(self) -> int:
        return id(self._fi)

    def __repr__(self) -> str:
        return f"<wasmi.Func {self._fi.type}>"


class TypedFunc:
    """A Func whose signature was checked once (``func.typed`` / ``instance.get_typed_func``).

    ``call(ctx, *args)`` raises like ``Func.call`` (a wrong argument count is a TypeError)."""

    __slots__ = ("_fi", "_store", "call")

    def __init__(self, fi: FuncInstance, store: Store[Any]) -> None:
        self._fi = fi
        self._store = store
        ft = fi.type
        args = "".join(f", a{i}" for i in range(len(ft.params)))
        check = "    if ctx is not S and as_store(ctx) is not S:\n        raise WasmiError(WRONG)\n"
        lines = _call_source(ft, f"def call(ctx{args}):", check)
        ns = _namespace(ft)
        ns["S"] = store
        ns["fi"] = fi
        exec(compile("\n".join(lines) + "\n", f"<wasmi typed call {ft}>", "exec"), ns)
        self.call: Callable[..., Any] = ns["call"]

    def func(self) -> Func:
        """The untyped Func."""
        return Func._from_instance(self._fi)

    def ty(self, ctx: Any = None) -> FuncType:
        return self._fi.type

    def __repr__(self) -> str:
        return f"<wasmi.TypedFunc {self._fi.type}>"


def call_raw(store: Store[Any], fi: FuncInstance, args: Sequence[Any]) -> Any:
    """Call with values in the engine's representation (used by the spec runner)."""
    return call_guest(fi.fn, tuple(args), store._depth)
