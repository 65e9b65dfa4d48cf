"""Per-signature dispatch lists for tables whose contents never change after instantiation.

A ``call_indirect`` through such a table indexes a list that already holds, for every slot, the callable
to run: the Wasm function (kept current when lazy translation replaces its stub), a host function bound
to the calling instance, or a small function raising the slot's trap (null entry, wrong signature). The
generated call is then ``D{t}_{ty}[i](args)`` instead of the general test of range, null, signature and
binder (docs/RATIONALE.md "Why dispatch lists for frozen tables?").
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable, Dict, List

from .._syntax import instructions as I
from .._syntax.ast import Module
from .._syntax.types import ExternKind, ValType
from ..errors import Trap, TrapCode

# every operator that can write a table after instantiation (table.copy/init: as destination)
_WRITERS = (I.TABLE_SET, I.TABLE_GROW, I.TABLE_FILL)
_ANY_WRITER = frozenset(_WRITERS + (I.TABLE_COPY, I.TABLE_INIT))
_first = itemgetter(0)


def frozen_tables(module: Module) -> Dict[int, int]:
    """The module's tables nobody can change once its active segments are applied — defined here (not
    imported), not exported, and written by no operator in any function body — each with its size (it
    cannot grow: the declared minimum). Computed once per module."""
    hit = module.derived.get("frozen_tables")
    if hit is not None:
        return hit
    if module.derived.get("bodies_on_demand"):
        # a big module in compilation_mode="lazy": proving no body writes a table would decode them all
        hit = module.derived["frozen_tables"] = {}
        return hit
    nimp = len(module.imported(ExternKind.TABLE))
    cand = {nimp + j for j, t in enumerate(module.tables) if t.type.elem is ValType.FUNCREF}
    for ex in module.exports:
        if ex.kind == ExternKind.TABLE:
            cand.discard(ex.index)
    writes = module.derived.get("table_writes")  # recorded by the validator when it saw every body
    if writes is not None:
        cand -= writes
    elif cand:
        for f in module.funcs:
            # C-speed test first: almost no body writes a table
            if _ANY_WRITER.isdisjoint(map(_first, f.body)):
                continue
            for ins in f.body:
                op = ins[0]
                if op in _WRITERS:
                    cand.discard(ins[1])
                elif op is I.TABLE_COPY or op is I.TABLE_INIT:
                    cand.discard(ins[1] if op is I.TABLE_COPY else ins[2])
            if not cand:
                break
    hit = module.derived["frozen_tables"] = {t: module.tables[t - nimp].type.limits.min for t in cand}
    return hit


class DispatchNeed:
    """A translated function's request for the dispatch list of (table, type index), carried in its
    constants and turned into the list by the instance that binds the function."""

    __slots__ = ("table", "type_index")

    def __init__(self, table: int, type_index: int) -> None:
        self.table = table
        self.type_index = type_index


def _null(i: int) -> Callable[..., Any]:
    def trap(*args: Any) -> Any:
        raise Trap(TrapCode.IndirectCallToNull, f"uninitialized element {i}")

    return trap


def _bad_signature(*args: Any) -> Any:
    raise Trap(TrapCode.BadSignature)


def build_dispatch(instance: Any, table: int, ty: Any) -> List[Any]:
    """The callables of ``instance``'s table ``table`` for signature ``ty`` (an interned FuncType).
    Slots holding a Wasm function are registered as aliases of it, so lazy translation updates them."""
    elements = instance.tables[table].elements
    out: List[Any] = []
    for i, r in enumerate(elements):
        if r is None:
            out.append(_null(i))
        elif r.type is not ty:
            out.append(_bad_signature)
        elif r.binder is not None:
            out.append(r.binder(instance))
        else:
            out.append(r.fn)
            r.aliases.append((out, i))
    return out
