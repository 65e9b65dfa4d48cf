"""The state of a function body under validation: the spec's operand and control stacks (appendix
"Validation Algorithm") and the checks of immediates that several handlers share.

``vals`` holds value types, with ``None`` for the spec's *Unknown*; a control frame is a list
``[label_types, end_types, height, unreachable, kind, start_types]`` (lists, not tuples, because they
are compared with slices of ``vals``).
"""

from __future__ import annotations

from typing import Callable, List, Optional

from .._syntax.instructions import Op
from .._syntax.types import ValType
from ..errors import ValidationError
from .context import Context

Handler = Callable[["FuncValidator", tuple], None]

LABEL, END, HEIGHT, UNREACH, KIND, START = range(6)  # positions in a control frame
K_BLOCK, K_LOOP, K_IF, K_ELSE, K_FUNC = range(5)  # frame kinds


class Done(Exception):
    """Raised by the function's final ``end``: stops the walk without a per-instruction test."""


def tname(t: Optional[ValType]) -> str:
    return "unknown" if t is None else str(t)


class FuncValidator:
    """The state of one function body under validation (the spec's ``vals`` and ``ctrls``)."""

    __slots__ = ("ctx", "vals", "ctrls", "height", "locals")

    def __init__(self, ctx: Context, locals: List[ValType], results: List[Optional[ValType]]) -> None:
        self.ctx = ctx
        self.vals: List[Optional[ValType]] = []
        self.locals = locals
        self.height = 0  # height of the innermost frame, cached for the handlers' fast paths
        self.ctrls: List[list] = [[results, results, 0, False, K_FUNC, []]]

    # --- the spec's primitive operations (slow paths) -------------------------------------------
    def pop(self, expect: Optional[ValType]) -> Optional[ValType]:
        """``pop_val(expect)``; returns the actual type (None = Unknown).

        Raises:
            ValidationError: "type mismatch" when the stack is empty or holds another type.
        """
        vals = self.vals
        if len(vals) == self.height:
            if self.ctrls[-1][UNREACH]:
                return None
            raise ValidationError(f"type mismatch: expected {tname(expect)} but the stack is empty")
        actual = vals.pop()
        if actual is not expect and actual is not None and expect is not None:
            raise ValidationError(f"type mismatch: expected {tname(expect)}, found {actual}")
        return actual

    def pop_vals(self, types: list) -> None:
        """``pop_vals(types)``.

        Raises:
            ValidationError: "type mismatch".
        """
        vals = self.vals
        k = len(types)
        n = len(vals)
        if n - self.height >= k and vals[n - k:] == types:
            del vals[n - k:]
            return
        for t in reversed(types):
            self.pop(t)

    def pop_vals_actual(self, types: list) -> list:
        """``pop_vals(types)`` returning what was popped (Unknowns included), bottom first."""
        out = [self.pop(t) for t in reversed(types)]
        out.reverse()
        return out

    def set_unreachable(self) -> None:
        del self.vals[self.height:]
        self.ctrls[-1][UNREACH] = True

    def push_ctrl(self, kind: int, start: list, end: list) -> None:
        h = len(self.vals)
        self.ctrls.append([start if kind == K_LOOP else end, end, h, False, kind, start])
        self.height = h
        if start:
            self.vals.extend(start)

    def pop_frame_values(self, frame: list) -> None:
        """Pops the frame's results and checks that nothing else is left above its height.

        Raises:
            ValidationError: "type mismatch".
        """
        vals = self.vals
        end = frame[END]
        h = frame[HEIGHT]
        if len(vals) - h == len(end) and vals[h:] == end:
            del vals[h:]
            return
        for t in reversed(end):
            self.pop(t)
        if len(vals) != h:
            raise ValidationError(
                f"type mismatch: {len(vals) - h} value(s) left on the stack at the end of a block"
            )


# --- error helpers ----------------------------------------------------------------------------
def index_ok(x: object, n: int) -> bool:
    return isinstance(x, int) and 0 <= x < n


def unknown(what: str, x: object) -> ValidationError:
    return ValidationError(f"unknown {what} {x}")


def check_mem(v: FuncValidator, m: int) -> None:
    if not index_ok(m, len(v.ctx.mems)):
        raise unknown("memory", m)


def check_table(v: FuncValidator, t: int) -> ValType:
    tables = v.ctx.tables
    if not index_ok(t, len(tables)):
        raise unknown("table", t)
    return tables[t].elem


def check_elem(v: FuncValidator, e: int) -> ValType:
    elems = v.ctx.elems
    if not index_ok(e, len(elems)):
        raise unknown("elem segment", e)
    return elems[e]


def check_data(v: FuncValidator, d: int) -> None:
    if not index_ok(d, v.ctx.ndatas):
        raise unknown("data segment", d)


def check_align(op: Op, align: object) -> None:
    na = op.natural_align
    if not isinstance(align, int) or align < 0 or na is None or align > na:
        raise ValidationError(f"alignment must not be larger than natural ({op.name}: 2**{align} > {1 << (na or 0)})")


def check_lane(op: Op, lane: object, n: int) -> None:
    if not isinstance(lane, int) or not 0 <= lane < n:
        raise ValidationError(f"invalid lane index {lane} for {op.name}")
