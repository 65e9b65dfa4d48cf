"""The validation context C of the spec (chapter 3.1.1): the index spaces a module's code may refer to.

Built once per module by :func:`build_context`, which also checks every type index that the index
spaces themselves depend on (imported and defined functions), so later phases can index freely.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from .._syntax import ast
from .._syntax.instructions import REF_FUNC
from .._syntax.types import ExternKind, FuncType, GlobalType, MemoryType, TableType, ValType
from ..errors import ValidationError

BlockSig = Tuple[List[Optional[ValType]], List[Optional[ValType]]]


class Context:
    """Everything a function body or constant expression is checked against.

    Types are kept as lists (not tuples) where they are compared with slices of the operand stack,
    because ``list == tuple`` is always False in Python.
    """

    __slots__ = (
        "types", "type_sigs", "funcs", "func_sigs", "tables", "mems", "globals", "const_globals",
        "elems", "ndatas", "refs", "n_imported_funcs", "block_cache", "table_writes",
    )

    def __init__(self) -> None:
        self.types: List[FuncType] = []
        self.type_sigs: List[BlockSig] = []
        self.funcs: List[FuncType] = []
        self.func_sigs: List[BlockSig] = []
        self.tables: List[TableType] = []
        self.mems: List[MemoryType] = []
        self.globals: List[GlobalType] = []
        # Constant expressions see only imported globals in 2.0 (spec 3.4.10, context C').
        self.const_globals: List[GlobalType] = []
        self.elems: List[ValType] = []
        self.ndatas = 0
        self.refs: Set[int] = set()
        # tables some operator writes (table.set/grow/fill, table.copy/init as destination): what the
        # engine needs to know which tables stay as instantiation left them (_exec/dispatch.py)
        self.table_writes: Set[int] = set()
        self.n_imported_funcs = 0
        self.block_cache: Dict[object, BlockSig] = {}

    def block_sig(self, bt: object) -> BlockSig:
        """Parameter and result types of a block type.

        Raises:
            ValidationError: "unknown type N" for a type index out of range.
        """
        sig = self.block_cache.get(bt)
        if sig is not None:
            return sig
        if bt is None:
            sig = ([], [])
        elif isinstance(bt, ValType):
            sig = ([], [bt])
        elif isinstance(bt, int) and not isinstance(bt, bool) and 0 <= bt < len(self.types):
            sig = self.type_sigs[bt]
        else:
            raise ValidationError(f"unknown type {bt}")
        self.block_cache[bt] = sig
        return sig


def _sig(ft: FuncType) -> BlockSig:
    return (list(ft.params), list(ft.results))


def _type_of(module: ast.Module, index: object) -> FuncType:
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(module.types):
        return module.types[index]
    raise ValidationError(f"unknown type {index}")


def _collect_refs(expr: Optional[ast.Expr], refs: Set[int]) -> None:
    if expr:
        for instr in expr:
            if instr[0] is REF_FUNC:
                refs.add(instr[1])


def build_context(module: ast.Module) -> Context:
    """The context C of a module (and C' for constant expressions).

    Raises:
        ValidationError: "unknown type N" when an imported or defined function names a missing type.
    """
    c = Context()
    c.types = list(module.types)
    c.type_sigs = [_sig(t) for t in module.types]
    for imp in module.imports:
        kind = imp.kind
        if kind == ExternKind.FUNC:
            c.funcs.append(_type_of(module, imp.desc))
        elif kind == ExternKind.TABLE:
            c.tables.append(imp.desc)  # type: ignore[arg-type]
        elif kind == ExternKind.MEMORY:
            c.mems.append(imp.desc)  # type: ignore[arg-type]
        elif kind == ExternKind.GLOBAL:
            c.globals.append(imp.desc)  # type: ignore[arg-type]
        else:
            raise ValidationError(f"unknown import kind {kind!r}")
    c.n_imported_funcs = len(c.funcs)
    c.const_globals = list(c.globals)
    for f in module.funcs:
        c.funcs.append(_type_of(module, f.type_index))
    c.func_sigs = [_sig(t) for t in c.funcs]
    c.tables.extend(t.type for t in module.tables)
    c.mems.extend(m.type for m in module.memories)
    c.globals.extend(g.type for g in module.globals)
    c.elems = [e.type for e in module.elems]
    c.ndatas = len(module.datas)
    # C.refs: functions referenced anywhere outside function bodies (spec 3.4.10).
    refs = c.refs
    for g in module.globals:
        _collect_refs(g.init, refs)
    for e in module.elems:
        _collect_refs(e.offset, refs)
        for expr in e.init:
            _collect_refs(expr, refs)
    for d in module.datas:
        _collect_refs(d.offset, refs)
    for ex in module.exports:
        if ex.kind == ExternKind.FUNC:
            refs.add(ex.index)
    return c


__all__ = ["Context", "build_context", "BlockSig"]
