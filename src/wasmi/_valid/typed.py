"""Handlers for operators typed by a plain signature in the instruction table (numeric, SIMD, memory
accesses), with the checks of their immediates: memory index, alignment, lane indices."""

from __future__ import annotations

from .._syntax.instructions import Imm, Op
from ..errors import ValidationError
from .stack import FuncValidator, Handler, check_align, check_lane, check_mem


# --- plain signatures -------------------------------------------------------------------------
def plain(params: tuple, results: tuple) -> Handler:
    """A handler for an operator typed by a fixed signature, with a fast path per common shape."""
    pl = list(params)
    rl = list(results)
    np = len(pl)
    if np == 0 and len(rl) == 0:
        def h0(v: FuncValidator, instr: tuple) -> None:
            pass
        return h0
    if np == 0 and len(rl) == 1:
        r = rl[0]

        def h01(v: FuncValidator, instr: tuple) -> None:
            v.vals.append(r)
        return h01
    if np == 1 and len(rl) == 1:
        a = pl[0]
        r = rl[0]

        def h11(v: FuncValidator, instr: tuple) -> None:
            vals = v.vals
            if len(vals) > v.height and vals[-1] is a:
                vals[-1] = r
            else:
                v.pop(a)
                vals.append(r)
        return h11
    if np == 2 and len(rl) == 1:
        a, b = pl
        r = rl[0]

        def h21(v: FuncValidator, instr: tuple) -> None:
            vals = v.vals
            if len(vals) - 1 > v.height and vals[-1] is b and vals[-2] is a:
                del vals[-1]
                vals[-1] = r
            else:
                v.pop(b)
                v.pop(a)
                vals.append(r)
        return h21

    def hn(v: FuncValidator, instr: tuple) -> None:
        v.pop_vals(pl)
        if rl:
            v.vals.extend(rl)
    return hn



def memarg_handler(op: Op) -> Handler:
    typing = plain(op.params or (), op.results or ())
    lanes = op.lanes if op.imm == Imm.MEMARG_LANE else 0
    na = op.natural_align

    def check(v: FuncValidator, instr: tuple) -> None:
        check_mem(v, instr[3])
        check_align(op, instr[1])
        if lanes:
            check_lane(op, instr[4], lanes)

    params, results = op.params or (), op.results or ()
    if not lanes and len(params) == 1 and len(results) == 1:  # a load: `plain`'s h11, inlined
        a, r = params[0], results[0]

        def load(v: FuncValidator, instr: tuple) -> None:
            vals = v.vals
            if (instr[3] == 0 and 0 <= instr[1] <= na and v.ctx.mems  # type: ignore[operator]
                    and len(vals) > v.height and vals[-1] is a):
                vals[-1] = r
            else:
                check(v, instr)
                typing(v, instr)
        return load
    elif not lanes and len(params) == 2 and not results:  # a store
        a, b = params

        def store(v: FuncValidator, instr: tuple) -> None:
            vals = v.vals
            if (instr[3] == 0 and 0 <= instr[1] <= na and v.ctx.mems  # type: ignore[operator]
                    and len(vals) - 1 > v.height and vals[-1] is b and vals[-2] is a):
                del vals[-2:]
            else:
                check(v, instr)
                typing(v, instr)
        return store

    def h(v: FuncValidator, instr: tuple) -> None:
        # Fast path: memory 0 exists and the alignment is at most natural (nearly every access).
        if not lanes and instr[3] == 0 and v.ctx.mems and 0 <= instr[1] <= na:  # type: ignore[operator]
            typing(v, instr)
        else:
            check(v, instr)
            typing(v, instr)
    return h


def lane_handler(op: Op) -> Handler:
    typing = plain(op.params or (), op.results or ())
    n = op.lanes

    def h(v: FuncValidator, instr: tuple) -> None:
        check_lane(op, instr[1], n)
        typing(v, instr)
    return h


def shuffle_handler(op: Op) -> Handler:
    typing = plain(op.params or (), op.results or ())

    def h(v: FuncValidator, instr: tuple) -> None:
        lanes = instr[1]
        if len(lanes) != 16:
            raise ValidationError(f"invalid lane index: i8x16.shuffle needs 16 lanes, got {len(lanes)}")
        for lane in lanes:
            check_lane(op, lane, 32)
        typing(v, instr)
    return h


def mem_index_handler(op: Op) -> Handler:
    typing = plain(op.params or (), op.results or ())

    def h(v: FuncValidator, instr: tuple) -> None:
        check_mem(v, instr[1])
        typing(v, instr)
    return h
