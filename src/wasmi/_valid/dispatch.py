"""The dispatch table: one handler per operator, in a list indexed by ``Op.index``.

Operators with their own rules are listed in ``_SPECIAL``; every other operator gets a handler built
from its signature in the instruction table. :func:`dispatch_table` derives a table per feature set in
which the operators of disabled features raise, so the walk never tests features.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional

from .._syntax.instructions import OPS, Imm, Op
from ..errors import ValidationError
from . import access as A, control as C
from .stack import FuncValidator, Handler
from .typed import lane_handler, mem_index_handler, memarg_handler, plain, shuffle_handler

_SPECIAL: Dict[Op, Handler] = {**C.HANDLERS, **A.HANDLERS}


def _build_base() -> List[Handler]:
    table: List[Handler] = []
    for op in OPS:
        h = _SPECIAL.get(op)
        if h is None:
            if op.params is None or op.results is None:
                raise RuntimeError(f"no validation rule for {op.name}")  # a new table row without a rule
            if op.imm in (Imm.MEMARG, Imm.MEMARG_LANE):
                h = memarg_handler(op)
            elif op.imm == Imm.MEM:
                h = mem_index_handler(op)
            elif op.imm == Imm.LANE:
                h = lane_handler(op)
            elif op.imm == Imm.SHUFFLE:
                h = shuffle_handler(op)
            else:
                h = plain(op.params, op.results)
        table.append(h)
    return table


BASE_TABLE: List[Handler] = _build_base()
_TABLES: Dict[Optional[FrozenSet[str]], List[Handler]] = {None: BASE_TABLE}


def _disabled(op: Op) -> Handler:
    def h(v: FuncValidator, instr: tuple) -> None:
        raise ValidationError(f"{op.name} requires the {op.feature} feature, which is disabled")
    return h


def dispatch_table(features: Optional[FrozenSet[str]]) -> List[Handler]:
    """The handler list for a feature set (None = all of 2.0); operators of disabled features are
    rejected by their handler, so the walk itself never tests features."""
    table = _TABLES.get(features)
    if table is None:
        table = list(BASE_TABLE)
        for op in OPS:
            if op.feature != "mvp" and op.feature not in features:  # type: ignore[operator]
                table[op.index] = _disabled(op)
        _TABLES[features] = table
    return table
