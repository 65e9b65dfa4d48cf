"""Instantiation (spec 4.5.4): import matching, allocation, segments, start — in the spec's order.

Also the per-instance namespace that generated code runs in, and lazy translation: a defined
function's ``fn`` starts as a stub that translates and compiles the function on its first call, then
replaces itself everywhere it is referenced.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from .._runtime.objects import (
    MAX_TABLE_ELEMENTS,
    FuncInstance,
    GlobalInstance,
    MemoryInstance,
    TableInstance,
    intern_type,
)
from .._syntax import instructions as I
from .._syntax.ast import Module
from .._syntax.types import ExternKind, GlobalType, Limits, MemoryType, TableType
from ..errors import InstantiationError, InternalError, LinkError, Trap, TrapCode
from . import numerics
from .align import VIEW_CODES, VIEWS_OK
from .compiled import CompiledModule
from .dispatch import DispatchNeed, build_dispatch
from .helpers import HELPERS, FuelCell, code_namespace, make_call_indirect


class ModuleInstance:
    __slots__ = ("module", "compiled", "funcs", "tables", "memories", "globals", "elems", "datas",
                 "exports", "ns", "store", "__weakref__")

    def __init__(self, compiled: CompiledModule, store: Any) -> None:
        self.compiled = compiled
        self.module = compiled.module
        self.store = store
        self.funcs: List[FuncInstance] = []
        self.tables: List[TableInstance] = []
        self.memories: List[MemoryInstance] = []
        self.globals: List[GlobalInstance] = []
        self.elems: List[Any] = []
        self.datas: List[bytes] = []
        self.exports: Dict[str, Any] = {}
        self.ns: Dict[str, Any] = {}

    # --- lazy translation ---------------------------------------------------------------------
    def compile_func(self, index: int) -> Callable[..., Any]:
        """Translate (or fetch from the module's cache) and bind function ``index``."""
        code, consts = self.compiled.code_for(index)
        ns = self.ns
        if consts:
            ns.update(consts)
            # functions are translated once the active segments are applied: the tables are final
            for name, v in consts.items():
                if type(v) is DispatchNeed and type(ns[name]) is DispatchNeed:
                    ns[name] = build_dispatch(self, v.table, ns[f"ty{v.type_index}"])
        exec(code, ns)
        fn = ns.pop(f"_wasm_f{index}")
        ns[f"f{index}"] = fn
        fi = self.funcs[index]
        fi.fn = fn
        for other_ns, name in fi.aliases:
            other_ns[name] = fn
        return fn

    def _stub(self, index: int) -> Callable[..., Any]:
        def stub(*args: Any) -> Any:
            f = self.funcs[index]
            fn = f.fn
            if fn is stub:
                fn = self.compile_func(index)
            return fn(*args)

        return stub


def _limits_match(actual: Limits, min_: int, max_: Optional[int], expected: Limits) -> bool:
    if min_ < expected.min:
        return False
    if expected.max is not None:
        if max_ is None or max_ > expected.max:
            return False
    return True


def match_import(imp: Any, ext: Any, module: Module) -> None:
    """Raise LinkError("incompatible import type") unless ``ext`` fits the import ``imp``."""
    bad = LinkError(f"incompatible import type: {imp.module!r} {imp.name!r}")
    k = imp.kind
    if k == ExternKind.FUNC:
        if not isinstance(ext, FuncInstance) or ext.type != module.types[imp.desc]:
            raise bad
    elif k == ExternKind.TABLE:
        if not isinstance(ext, TableInstance):
            raise bad
        tt: TableType = imp.desc
        if ext.type.elem != tt.elem:
            raise bad
        mx = ext.type.limits.max
        if not _limits_match(ext.type.limits, len(ext.elements), mx, tt.limits):
            raise bad
    elif k == ExternKind.MEMORY:
        if not isinstance(ext, MemoryInstance):
            raise bad
        mt: MemoryType = imp.desc
        if not _limits_match(ext.type.limits, ext.pages, ext.type.limits.max, mt.limits):
            raise bad
    elif k == ExternKind.GLOBAL:
        if not isinstance(ext, GlobalInstance):
            raise bad
        gt: GlobalType = imp.desc
        if ext.type.mutable != gt.mutable or ext.type.valtype != gt.valtype:
            raise bad
    else:
        raise bad


def eval_const(expr: List[tuple], inst: ModuleInstance) -> Any:
    """Evaluate a constant expression (with 3.0's extended-const arithmetic)."""
    stack: List[Any] = []
    for ins in expr:
        op = ins[0]
        if op is I.I32_CONST:
            stack.append(ins[1] & 0xFFFFFFFF)
        elif op is I.I64_CONST:
            v = ins[1] & 0xFFFFFFFFFFFFFFFF
            stack.append(v - 0x10000000000000000 if v >= 0x8000000000000000 else v)
        elif op is I.F32_CONST:
            stack.append(numerics.f32_from_bits(ins[1]))
        elif op is I.F64_CONST:
            stack.append(numerics.f64_from_bits(ins[1]))
        elif op is I.V128_CONST:
            stack.append(ins[1])
        elif op is I.REF_NULL:
            stack.append(None)
        elif op is I.REF_FUNC:
            stack.append(inst.funcs[ins[1]])
        elif op is I.GLOBAL_GET:
            stack.append(inst.globals[ins[1]].value)
        elif op is I.END:
            break
        elif op.name in ("i32.add", "i32.sub", "i32.mul", "i64.add", "i64.sub", "i64.mul"):
            b, a = stack.pop(), stack.pop()
            r = a + b if op.name.endswith("add") else a - b if op.name.endswith("sub") else a * b
            if op.name.startswith("i32"):
                r &= 0xFFFFFFFF
            else:
                r = ((r + 0x8000000000000000) & 0xFFFFFFFFFFFFFFFF) - 0x8000000000000000
            stack.append(r)
        else:
            raise InternalError(f"not a constant instruction: {op.name}")
    if len(stack) != 1:
        raise InternalError("constant expression does not give one value")
    return stack[0]


_BASE_NS: Dict[str, Any] = {}


def build_namespace(inst: ModuleInstance, fuel_cell: FuelCell) -> None:
    if not _BASE_NS:
        from .helpers import _used_by_templates

        _BASE_NS.update(HELPERS)
        _BASE_NS.update(_used_by_templates())
    ns = code_namespace(_BASE_NS)
    nimp = len(inst.module.imported(ExternKind.FUNC))
    for i, f in enumerate(inst.funcs):
        ns[f"r{i}"] = f
        if i < nimp and f.host is not None:
            # a host function gets a wrapper that knows the calling instance (for Caller)
            ns[f"f{i}"] = f.bind(inst)
        else:
            ns[f"f{i}"] = f.fn
            if i < nimp:
                f.aliases.append((ns, f"f{i}"))
    for i, m in enumerate(inst.memories):
        ns[f"M{i}"] = m.data
        ns[f"MI{i}"] = m
    for i, t in enumerate(inst.tables):
        ns[f"T{i}"] = t.elements
        ns[f"TI{i}"] = t
    for i, g in enumerate(inst.globals):
        ns[f"G{i}"] = g
    for i, ft in enumerate(inst.module.types):
        ns[f"ty{i}"] = intern_type(ft)
    ns["_ci"] = make_call_indirect(inst)
    ns["_E"] = inst.elems
    ns["_D"] = inst.datas
    ns["_F"] = fuel_cell
    inst.ns = ns
    if VIEWS_OK:
        for i, m in enumerate(inst.memories):
            if not m.type.limits.is64:
                m.share_views(inst, f"V{i}", VIEW_CODES)  # typed views, kept current by grow


def instantiate(compiled: CompiledModule, store: Any,
                externs: List[Any]) -> Tuple[ModuleInstance, Optional[FuncInstance]]:
    """Create an instance and run its segment initialisation; returns it and its start function,
    which the caller runs (on the guest thread).

    Raises LinkError (imports), Trap (a failing segment).
    """
    module = compiled.module
    if len(externs) != len(module.imports):
        raise LinkError("wrong number of imports")
    for imp, ext in zip(module.imports, externs):
        match_import(imp, ext, module)
    inst = ModuleInstance(compiled, store)
    sid = store._uid
    for imp, ext in zip(module.imports, externs):
        k = imp.kind
        if k == ExternKind.FUNC:
            inst.funcs.append(ext)
        elif k == ExternKind.TABLE:
            inst.tables.append(ext)
        elif k == ExternKind.MEMORY:
            inst.memories.append(ext)
        else:
            inst.globals.append(ext)
    nimp = len(inst.funcs)
    for j, f in enumerate(module.funcs):
        idx = nimp + j
        fi = FuncInstance(module.types[f.type_index], _placeholder, None, inst, idx, sid)
        inst.funcs.append(fi)
        fi.fn = inst._stub(idx)
    for t in module.tables:
        init = eval_const(t.init, inst) if t.init else None
        if t.type.limits.min > MAX_TABLE_ELEMENTS:
            raise InstantiationError(f"table of {t.type.limits.min} elements exceeds the limit of "
                                     f"{MAX_TABLE_ELEMENTS}")
        try:
            inst.tables.append(TableInstance(t.type, init))
        except MemoryError:
            raise InstantiationError(f"out of memory allocating a table of {t.type.limits.min} elements") from None
    for m in module.memories:
        pages = m.type.limits.min
        if pages > compiled.memory_limit_pages:
            raise InstantiationError(f"memory of {pages} pages exceeds the configured limit of "
                                     f"{compiled.memory_limit_pages}")
        try:
            inst.memories.append(MemoryInstance(m.type, compiled.memory_limit_pages))
        except MemoryError:
            raise InstantiationError(f"out of memory allocating {pages} pages") from None
    for g in module.globals:
        inst.globals.append(GlobalInstance(g.type, eval_const(g.init, inst)))
    for e in module.elems:
        inst.elems.append([eval_const(x, inst) for x in e.init])
    for d in module.datas:
        inst.datas.append(bytes(d.init))
    for ex in module.exports:
        k = ex.kind
        src = (inst.funcs, inst.tables, inst.memories, inst.globals)[int(k)]
        inst.exports[ex.name] = src[ex.index]
    fc = store._fuel
    if not isinstance(fc, FuelCell):
        # metered functions share the store's fuel as a closure cell (helpers.FuelCell keeps the
        # ``_fuel[0]`` protocol of the list a Store starts with)
        fc = store._fuel = FuelCell(fc[0])
    build_namespace(inst, fc)
    # active element segments, then data segments (a failing one traps; earlier ones stay applied)
    for i, e in enumerate(module.elems):
        if e.mode == "active":
            off = eval_const(e.offset or [], inst)
            table = inst.tables[e.table].elements
            items = inst.elems[i]
            if off + len(items) > len(table):
                raise Trap(TrapCode.TableOutOfBounds)
            table[off:off + len(items)] = items
            inst.elems[i] = ()
        elif e.mode == "declarative":
            inst.elems[i] = ()
    for i, d in enumerate(module.datas):
        if d.mode == "active":
            off = eval_const(d.offset or [], inst)
            mem = inst.memories[d.memory].data
            data = inst.datas[i]
            if off + len(data) > len(mem):
                raise Trap(TrapCode.MemoryOutOfBounds)
            mem[off:off + len(data)] = data
            inst.datas[i] = b""
    if compiled.eager:  # after the segments: dispatch lists (dispatch.py) read the filled tables
        for idx in range(nimp, len(inst.funcs)):
            inst.compile_func(idx)
    start = inst.funcs[module.start] if module.start is not None else None
    return inst, start


def _placeholder(*args: Any) -> Any:
    raise InternalError("function called before its instance was set up")

