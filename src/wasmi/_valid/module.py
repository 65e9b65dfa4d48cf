"""Module-level validation (spec chapter 3.4): limits, constant expressions, segments, start, exports,
then every function body through :mod:`.func`."""

from __future__ import annotations

from typing import Callable, FrozenSet, Iterable, List, Optional

from .._syntax import ast, instructions as ins
from .._syntax.types import F32, F64, FUNCREF, I32, I64, V128, ExternKind, Limits, ValType
from ..errors import ValidationError
from .context import Context, build_context
from .func import dispatch_table, validate_func

MAX_PAGES = 65536
MAX_TABLE_SIZE = 2**32 - 1

_CONST_TYPES = {
    ins.I32_CONST: I32,
    ins.I64_CONST: I64,
    ins.F32_CONST: F32,
    ins.F64_CONST: F64,
    ins.V128_CONST: V128,
}


def _check_limits(lim: Limits, bound: int, too_big: str) -> None:
    if lim.is64:
        raise ValidationError("64-bit limits require the memory64 feature, which is not part of 2.0")
    if lim.shared:
        raise ValidationError("shared memories require the threads feature, which is not part of 2.0")
    if lim.min > bound or (lim.max is not None and lim.max > bound):
        raise ValidationError(too_big)
    if lim.max is not None and lim.min > lim.max:
        raise ValidationError(f"size minimum must not be greater than maximum ({lim.min} > {lim.max})")


def _check_table_type(tt: object) -> None:
    elem = getattr(tt, "elem", None)
    if not isinstance(elem, ValType) or not elem.is_ref:
        raise ValidationError(f"type mismatch: table elements must be references, not {elem}")
    _check_limits(tt.limits, MAX_TABLE_SIZE, "table size must be at most 2^32-1")  # type: ignore[attr-defined]


def _check_memory_type(mt: object) -> None:
    _check_limits(mt.limits, MAX_PAGES, "memory size must be at most 65536 pages (4GiB)")  # type: ignore[attr-defined]


def check_const(
    ctx: Context, expr: Optional[ast.Expr], expected: ValType, features: Optional[FrozenSet[str]] = None
) -> None:
    """Checks a constant expression (spec 3.3.10) of type ``expected`` in the context C'.

    Raises:
        ValidationError: "constant expression required", "unknown global N", "unknown function N",
            or "type mismatch".
    """
    if expr is None:
        raise ValidationError("type mismatch: missing constant expression")
    stack: List[ValType] = []
    for instr in expr:
        op = instr[0]
        if features is not None and op.feature != "mvp" and op.feature not in features:
            raise ValidationError(f"{op.name} requires the {op.feature} feature, which is disabled")
        t = _CONST_TYPES.get(op)
        if t is not None:
            stack.append(t)
        elif op is ins.REF_NULL:
            rt = instr[1]
            if not isinstance(rt, ValType) or not rt.is_ref:
                raise ValidationError(f"type mismatch: ref.null of non-reference type {rt}")
            stack.append(rt)
        elif op is ins.REF_FUNC:
            x = instr[1]
            if not isinstance(x, int) or not 0 <= x < len(ctx.funcs):
                raise ValidationError(f"unknown function {x}")
            stack.append(FUNCREF)
        elif op is ins.GLOBAL_GET:
            x = instr[1]
            if not isinstance(x, int) or not 0 <= x < len(ctx.const_globals):
                raise ValidationError(f"unknown global {x}")
            g = ctx.const_globals[x]
            if g.mutable:
                raise ValidationError(f"constant expression required: global.get {x} of a mutable global")
            stack.append(g.valtype)
        else:
            raise ValidationError(f"constant expression required: {op.name} is not a constant instruction")
    if len(stack) != 1 or stack[0] is not expected:
        found = " ".join(map(str, stack)) or "nothing"
        raise ValidationError(f"type mismatch: constant expression must give {expected}, gives {found}")


def _check_exports(ctx: Context, exports: Iterable[ast.Export]) -> None:
    spaces = {
        ExternKind.FUNC: ("function", len(ctx.funcs)),
        ExternKind.TABLE: ("table", len(ctx.tables)),
        ExternKind.MEMORY: ("memory", len(ctx.mems)),
        ExternKind.GLOBAL: ("global", len(ctx.globals)),
    }
    seen = set()
    for ex in exports:
        space = spaces.get(ex.kind)
        if space is None:
            raise ValidationError(f"unknown export kind {ex.kind!r}")
        what, n = space
        if not isinstance(ex.index, int) or not 0 <= ex.index < n:
            raise ValidationError(f"unknown {what} {ex.index}")
        if ex.name in seen:
            raise ValidationError(f"duplicate export name {ex.name!r}")
        seen.add(ex.name)


def validate_module(
    module: ast.Module, features: Optional[Iterable[str]] = None, bodies: bool = True
) -> Callable[[ast.Func, int], None]:
    """Validates a module (spec 3.4.10).

    ``features``: the ``Op.feature`` names enabled ("mvp" is always on); None enables all of 2.0.
    An instruction of a disabled feature is rejected. With ``bodies=False`` the function bodies are
    left out (``compilation_mode="lazy"``): the returned ``check(func, func_index)`` validates one
    of them against this module, and raises like this function.

    Raises:
        ValidationError: with the spec's wording; for errors inside a function body also the function
            index and, when the module was decoded from binary, the instruction's byte offset.
    """
    feats = None if features is None else frozenset(features)
    table = dispatch_table(feats)
    ctx = build_context(module)

    for imp in module.imports:
        if imp.kind == ExternKind.TABLE:
            _check_table_type(imp.desc)
        elif imp.kind == ExternKind.MEMORY:
            _check_memory_type(imp.desc)
    for t in module.tables:
        _check_table_type(t.type)
        if t.init is not None:
            check_const(ctx, t.init, t.type.elem, feats)
    for m in module.memories:
        _check_memory_type(m.type)
    if len(ctx.mems) > 1:
        raise ValidationError(f"multiple memories ({len(ctx.mems)}) are not allowed in WebAssembly 2.0")

    for g in module.globals:
        check_const(ctx, g.init, g.type.valtype, feats)

    for i, e in enumerate(module.elems):
        if not isinstance(e.type, ValType) or not e.type.is_ref:
            raise ValidationError(f"type mismatch: element segment {i} of non-reference type {e.type}")
        for expr in e.init:
            check_const(ctx, expr, e.type, feats)
        if e.mode == ast.ElemMode.ACTIVE:
            if not isinstance(e.table, int) or not 0 <= e.table < len(ctx.tables):
                raise ValidationError(f"unknown table {e.table}")
            if ctx.tables[e.table].elem is not e.type:
                raise ValidationError(
                    f"type mismatch: element segment {i} of {e.type} for a table of {ctx.tables[e.table].elem}"
                )
            check_const(ctx, e.offset, I32, feats)
        elif e.mode not in (ast.ElemMode.PASSIVE, ast.ElemMode.DECLARATIVE):
            raise ValidationError(f"unknown element segment mode {e.mode!r}")

    for d in module.datas:
        if d.mode == ast.ElemMode.ACTIVE:
            if not isinstance(d.memory, int) or not 0 <= d.memory < len(ctx.mems):
                raise ValidationError(f"unknown memory {d.memory}")
            check_const(ctx, d.offset, I32, feats)
        elif d.mode != ast.ElemMode.PASSIVE:
            raise ValidationError(f"unknown data segment mode {d.mode!r}")

    if module.start is not None:
        x = module.start
        if not isinstance(x, int) or not 0 <= x < len(ctx.funcs):
            raise ValidationError(f"unknown function {x}")
        ft = ctx.funcs[x]
        if ft.params or ft.results:
            raise ValidationError(f"start function {x} must have type [] -> [], not {ft}")

    _check_exports(ctx, module.exports)

    def check(func: ast.Func, func_index: int) -> None:
        validate_func(ctx, func, func_index, table)

    if bodies:
        base = ctx.n_imported_funcs
        for i, f in enumerate(module.funcs):
            validate_func(ctx, f, base + i, table)
        # every body was seen: the engine need not walk them again for table writers
        module.derived["table_writes"] = frozenset(ctx.table_writes)
    return check


__all__ = ["validate_module", "check_const"]
