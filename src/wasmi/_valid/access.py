"""Handlers for variable, table, reference and bulk-memory operators."""

from __future__ import annotations

from typing import Dict

from .._syntax import instructions as ins
from .._syntax.instructions import Op
from .._syntax.types import EXTERNREF, FUNCREF, I32, GlobalType, ValType
from ..errors import ValidationError
from .stack import FuncValidator, Handler, check_data, check_elem, check_mem, check_table, index_ok, unknown


# --- variables --------------------------------------------------------------------------------
def _local(v: FuncValidator, x: int) -> ValType:
    locals = v.locals
    if not index_ok(x, len(locals)):
        raise unknown("local", x)
    return locals[x]


def _local_get(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    locals = v.locals
    if 0 <= x < len(locals):
        v.vals.append(locals[x])
    else:
        _local(v, x)


def _local_set(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    locals = v.locals
    t = locals[x] if type(x) is int and 0 <= x < len(locals) else _local(v, x)
    vals = v.vals
    if len(vals) > v.height and vals[-1] is t:
        vals.pop()
    else:
        v.pop(t)


def _local_tee(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    locals = v.locals
    t = locals[x] if type(x) is int and 0 <= x < len(locals) else _local(v, x)
    vals = v.vals
    if len(vals) > v.height and vals[-1] is t:
        return
    v.pop(t)
    vals.append(t)


def _global(v: FuncValidator, x: int) -> GlobalType:
    globals_ = v.ctx.globals
    if not index_ok(x, len(globals_)):
        raise unknown("global", x)
    return globals_[x]


def _global_get(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    globals_ = v.ctx.globals
    v.vals.append((globals_[x] if type(x) is int and 0 <= x < len(globals_) else _global(v, x)).valtype)


def _global_set(v: FuncValidator, instr: tuple) -> None:
    g = _global(v, instr[1])
    if not g.mutable:
        raise ValidationError(f"global is immutable: global.set {instr[1]}")
    v.pop(g.valtype)


# --- tables -----------------------------------------------------------------------------------
def _table_get(v: FuncValidator, instr: tuple) -> None:
    et = check_table(v, instr[1])
    v.pop(I32)
    v.vals.append(et)


def _table_set(v: FuncValidator, instr: tuple) -> None:
    et = check_table(v, instr[1])
    v.ctx.table_writes.add(instr[1])
    v.pop(et)
    v.pop(I32)


def _table_size(v: FuncValidator, instr: tuple) -> None:
    check_table(v, instr[1])
    v.vals.append(I32)


def _table_grow(v: FuncValidator, instr: tuple) -> None:
    et = check_table(v, instr[1])
    v.ctx.table_writes.add(instr[1])
    v.pop(I32)
    v.pop(et)
    v.vals.append(I32)


def _table_fill(v: FuncValidator, instr: tuple) -> None:
    et = check_table(v, instr[1])
    v.ctx.table_writes.add(instr[1])
    v.pop(I32)
    v.pop(et)
    v.pop(I32)


def pop3_i32(v: FuncValidator) -> None:
    v.pop(I32)
    v.pop(I32)
    v.pop(I32)


def _table_copy(v: FuncValidator, instr: tuple) -> None:
    dst = check_table(v, instr[1])
    v.ctx.table_writes.add(instr[1])
    src = check_table(v, instr[2])
    if dst is not src:
        raise ValidationError(f"type mismatch: table.copy from {src} table to {dst} table")
    pop3_i32(v)


def _table_init(v: FuncValidator, instr: tuple) -> None:
    et = check_table(v, instr[2])
    v.ctx.table_writes.add(instr[2])
    st = check_elem(v, instr[1])
    if et is not st:
        raise ValidationError(f"type mismatch: table.init of {st} segment into {et} table")
    pop3_i32(v)


def _elem_drop(v: FuncValidator, instr: tuple) -> None:
    check_elem(v, instr[1])


# --- references -------------------------------------------------------------------------------
def _ref_null(v: FuncValidator, instr: tuple) -> None:
    t = instr[1]
    if t is not FUNCREF and t is not EXTERNREF:
        raise ValidationError(f"type mismatch: ref.null of non-reference type {t}")
    v.vals.append(t)


def _ref_is_null(v: FuncValidator, instr: tuple) -> None:
    t = v.pop(None)
    if t is not None and not t.is_ref:
        raise ValidationError(f"type mismatch: ref.is_null of {t}")
    v.vals.append(I32)


def _ref_func(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    if not index_ok(x, len(v.ctx.funcs)):
        raise unknown("function", x)
    if x not in v.ctx.refs:
        raise ValidationError(f"undeclared function reference {x}")
    v.vals.append(FUNCREF)



def _memory_copy(v: FuncValidator, instr: tuple) -> None:
    check_mem(v, instr[1])
    check_mem(v, instr[2])
    pop3_i32(v)


def _memory_init(v: FuncValidator, instr: tuple) -> None:
    check_mem(v, instr[2])
    check_data(v, instr[1])
    pop3_i32(v)


def _data_drop(v: FuncValidator, instr: tuple) -> None:
    check_data(v, instr[1])


HANDLERS: Dict[Op, Handler] = {
    ins.LOCAL_GET: _local_get,
    ins.LOCAL_SET: _local_set,
    ins.LOCAL_TEE: _local_tee,
    ins.GLOBAL_GET: _global_get,
    ins.GLOBAL_SET: _global_set,
    ins.TABLE_GET: _table_get,
    ins.TABLE_SET: _table_set,
    ins.TABLE_SIZE: _table_size,
    ins.TABLE_GROW: _table_grow,
    ins.TABLE_FILL: _table_fill,
    ins.TABLE_COPY: _table_copy,
    ins.TABLE_INIT: _table_init,
    ins.ELEM_DROP: _elem_drop,
    ins.REF_NULL: _ref_null,
    ins.REF_IS_NULL: _ref_is_null,
    ins.REF_FUNC: _ref_func,
    ins.MEMORY_COPY: _memory_copy,
    ins.MEMORY_INIT: _memory_init,
    ins.DATA_DROP: _data_drop,
}
