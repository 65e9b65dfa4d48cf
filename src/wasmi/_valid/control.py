"""Handlers for control (blocks, branches, calls) and parametric (drop, select) operators."""

from __future__ import annotations

from typing import Dict, Optional

from .._syntax import instructions as ins
from .._syntax.instructions import Op
from .._syntax.types import FUNCREF, I32, ValType
from ..errors import ValidationError
from .stack import (
    END,
    HEIGHT,
    K_BLOCK,
    K_ELSE,
    K_IF,
    K_LOOP,
    KIND,
    LABEL,
    START,
    UNREACH,
    Done,
    FuncValidator,
    Handler,
    check_table,
    index_ok,
    unknown,
)


# --- control ----------------------------------------------------------------------------------
def _unreachable(v: FuncValidator, instr: tuple) -> None:
    del v.vals[v.height:]
    v.ctrls[-1][UNREACH] = True


def _block(v: FuncValidator, instr: tuple) -> None:
    ctx = v.ctx
    start, end = ctx.block_cache.get(instr[1]) or ctx.block_sig(instr[1])
    if start:
        v.pop_vals(start)
        v.push_ctrl(K_BLOCK, start, end)
    else:
        # push_ctrl inlined for the common block without parameters
        h = v.height = len(v.vals)
        v.ctrls.append([end, end, h, False, K_BLOCK, start])


def _loop(v: FuncValidator, instr: tuple) -> None:
    start, end = v.ctx.block_sig(instr[1])
    if start:
        v.pop_vals(start)
    v.push_ctrl(K_LOOP, start, end)


def _if(v: FuncValidator, instr: tuple) -> None:
    start, end = v.ctx.block_sig(instr[1])
    vals = v.vals
    if len(vals) > v.height and vals[-1] is I32:
        vals.pop()
    else:
        v.pop(I32)
    if start:
        v.pop_vals(start)
    v.push_ctrl(K_IF, start, end)


def _else(v: FuncValidator, instr: tuple) -> None:
    frame = v.ctrls[-1]
    if frame[KIND] != K_IF:
        raise ValidationError("else without a matching if")
    v.pop_frame_values(frame)
    frame[KIND] = K_ELSE
    frame[UNREACH] = False
    if frame[START]:
        v.vals.extend(frame[START])


def _end(v: FuncValidator, instr: tuple) -> None:
    ctrls = v.ctrls
    frame = ctrls[-1]
    end = frame[END]
    vals = v.vals
    h = frame[HEIGHT]
    # Fast path: exactly the results are above the frame; popping and pushing them back is a no-op.
    if not (len(vals) - h == len(end) and (not end or vals[h:] == end)):
        v.pop_frame_values(frame)
        vals.extend(end)
    if frame[KIND] == K_IF and frame[START] != end:
        # An `if` without `else` has an implicit empty else branch, which must map params to results.
        raise ValidationError("type mismatch: if without else must have the same parameter and result types")
    ctrls.pop()
    if not ctrls:
        raise Done
    v.height = ctrls[-1][HEIGHT]


def label_types(v: FuncValidator, n: int) -> list:
    ctrls = v.ctrls
    if not index_ok(n, len(ctrls)):
        raise unknown("label", n)
    return ctrls[-1 - n][LABEL]


def _br(v: FuncValidator, instr: tuple) -> None:
    v.pop_vals(label_types(v, instr[1]))
    v.set_unreachable()


def _br_if(v: FuncValidator, instr: tuple) -> None:
    n = instr[1]
    ctrls = v.ctrls
    label = ctrls[-1 - n][LABEL] if type(n) is int and 0 <= n < len(ctrls) else label_types(v, n)
    vals = v.vals
    if len(vals) > v.height and vals[-1] is I32:
        vals.pop()
    else:
        v.pop(I32)
    k = len(label)
    if not k:
        return
    n = len(vals)
    if n - v.height >= k and vals[n - k:] == label:
        return
    v.pop_vals(label)
    vals.extend(label)


def _br_table(v: FuncValidator, instr: tuple) -> None:
    labels = instr[1]
    default = label_types(v, instr[2])
    v.pop(I32)
    arity = len(default)
    vals = v.vals
    for n in labels:
        label = label_types(v, n)
        if len(label) != arity:
            raise ValidationError(
                f"type mismatch: br_table targets have different arities ({len(label)} and {arity})"
            )
        # Popping and pushing back exactly the label's types changes nothing: skip it (tables with
        # thousands of targets are common in compiled switch statements).
        if len(vals) - v.height >= arity and vals[len(vals) - arity:] == label:
            continue
        vals.extend(v.pop_vals_actual(label))
    v.pop_vals(default)
    v.set_unreachable()


def _return(v: FuncValidator, instr: tuple) -> None:
    v.pop_vals(v.ctrls[0][END])
    v.set_unreachable()


def _call(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    sigs = v.ctx.func_sigs
    if (type(x) is not int or not 0 <= x < len(sigs)) and not index_ok(x, len(sigs)):
        raise unknown("function", x)
    params, results = sigs[x]
    vals = v.vals
    if params:
        k = len(params)
        n = len(vals)
        if n - v.height >= k and vals[n - k:] == params:
            del vals[n - k:]  # pop_vals' fast path, inlined: calls are frequent
        else:
            v.pop_vals(params)
    if results:
        vals.extend(results)


def _call_indirect(v: FuncValidator, instr: tuple) -> None:
    x, t = instr[1], instr[2]
    if check_table(v, t) is not FUNCREF:
        raise ValidationError(f"type mismatch: call_indirect on table {t} whose elements are not funcref")
    sigs = v.ctx.type_sigs
    if not index_ok(x, len(sigs)):
        raise unknown("type", x)
    v.pop(I32)
    params, results = sigs[x]
    if params:
        v.pop_vals(params)
    if results:
        v.vals.extend(results)


# --- parametric -------------------------------------------------------------------------------
def _drop(v: FuncValidator, instr: tuple) -> None:
    vals = v.vals
    if len(vals) > v.height:
        vals.pop()
    else:
        v.pop(None)


def _is_num_or_vec(t: Optional[ValType]) -> bool:
    return t is None or not t.is_ref


def _select(v: FuncValidator, instr: tuple) -> None:
    vals = v.vals
    n = len(vals)
    if n - 2 > v.height and vals[-1] is I32:
        t = vals[-2]
        if t is vals[-3] and t is not None and not t.is_ref:
            del vals[-2:]
            return
    v.pop(I32)
    t1 = v.pop(None)
    t2 = v.pop(None)
    if not (_is_num_or_vec(t1) and _is_num_or_vec(t2)):
        raise ValidationError("type mismatch: select without a type needs numeric or vector operands")
    if t1 is not t2 and t1 is not None and t2 is not None:
        raise ValidationError(f"type mismatch: select operands {t2} and {t1} differ")
    vals.append(t2 if t1 is None else t1)


def _select_t(v: FuncValidator, instr: tuple) -> None:
    types = instr[1]
    if len(types) != 1:
        raise ValidationError(f"invalid result arity: typed select needs exactly 1 type, got {len(types)}")
    t = types[0]
    v.pop(I32)
    v.pop(t)
    v.pop(t)
    v.vals.append(t)


HANDLERS: Dict[Op, Handler] = {
    ins.UNREACHABLE: _unreachable,
    ins.BLOCK: _block,
    ins.LOOP: _loop,
    ins.IF: _if,
    ins.ELSE: _else,
    ins.END: _end,
    ins.BR: _br,
    ins.BR_IF: _br_if,
    ins.BR_TABLE: _br_table,
    ins.RETURN: _return,
    ins.CALL: _call,
    ins.CALL_INDIRECT: _call_indirect,
    ins.DROP: _drop,
    ins.SELECT: _select,
    ins.SELECT_T: _select_t,
}
