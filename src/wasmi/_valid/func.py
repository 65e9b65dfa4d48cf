"""Validation of function bodies: the spec's validation algorithm (appendix "Validation Algorithm") as a
visitor over the flat operator stream.

Each operator kind has one handler ``handler(v, instr)`` where ``v`` is the :class:`FuncValidator`
holding the operand stack (``vals``: value types, ``None`` for the spec's *Unknown*) and the control
stack (``ctrls``: frames). Handlers live in a list indexed by ``Op.index``; :func:`dispatch_table`
derives per-feature-set variants of it, and a code generator can walk with its own table (wrapping
these handlers) in the same pass.

Every handler takes a fast path when the stack holds exactly the expected types (the common case in
compiler output) and falls back to the spec's ``pop_val`` otherwise, which knows about Unknown and
the polymorphic stack after ``unreachable``/``br``/``br_table``/``return``.
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional

from ..errors import ValidationError
from .._syntax import ast
from .._syntax import instructions as ins
from .._syntax.instructions import OPS, Imm, Op
from .._syntax.types import EXTERNREF, FUNCREF, I32, ValType
from .context import Context

Handler = Callable[["FuncValidator", tuple], None]

# Control frame layout: a list [label_types, end_types, height, unreachable, kind, start_types].
LABEL, END, HEIGHT, UNREACH, KIND, START = range(6)
K_BLOCK, K_LOOP, K_IF, K_ELSE, K_FUNC = range(5)

MAX_LOCALS = 50000
"""Implementation limit on the locals of one function (the same as wasm-tools and browsers)."""


class _Done(Exception):
    """Raised by the function's final ``end``: stops the walk without a per-instruction test."""


def _tname(t: Optional[ValType]) -> str:
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
            raise ValidationError(f"type mismatch: expected {_tname(expect)} but the stack is empty")
        actual = vals.pop()
        if actual is not expect and actual is not None and expect is not None:
            raise ValidationError(f"type mismatch: expected {_tname(expect)}, found {actual}")
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
def _index_ok(x: object, n: int) -> bool:
    return isinstance(x, int) and 0 <= x < n


def _unknown(what: str, x: object) -> ValidationError:
    return ValidationError(f"unknown {what} {x}")


def _check_mem(v: FuncValidator, m: object) -> None:
    if not _index_ok(m, len(v.ctx.mems)):
        raise _unknown("memory", m)


def _check_table(v: FuncValidator, t: object) -> ValType:
    tables = v.ctx.tables
    if not _index_ok(t, len(tables)):
        raise _unknown("table", t)
    return tables[t].elem  # type: ignore[index]


def _check_elem(v: FuncValidator, e: object) -> ValType:
    elems = v.ctx.elems
    if not _index_ok(e, len(elems)):
        raise _unknown("elem segment", e)
    return elems[e]  # type: ignore[index]


def _check_data(v: FuncValidator, d: object) -> None:
    if not _index_ok(d, v.ctx.ndatas):
        raise _unknown("data segment", d)


def _check_align(op: Op, align: object) -> None:
    na = op.natural_align
    if not isinstance(align, int) or align < 0 or na is None or align > na:
        raise ValidationError(f"alignment must not be larger than natural ({op.name}: 2**{align} > {1 << (na or 0)})")


def _check_lane(op: Op, lane: object, n: int) -> None:
    if not isinstance(lane, int) or not 0 <= lane < n:
        raise ValidationError(f"invalid lane index {lane} for {op.name}")


# --- plain signatures -------------------------------------------------------------------------
def _plain(params: tuple, results: tuple) -> Handler:
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


def _with_check(check: Callable[[FuncValidator, tuple], None], typing: Handler) -> Handler:
    def h(v: FuncValidator, instr: tuple) -> None:
        check(v, instr)
        typing(v, instr)
    return h


def _memarg_handler(op: Op) -> Handler:
    typing = _plain(op.params or (), op.results or ())
    lanes = op.lanes if op.imm == Imm.MEMARG_LANE else 0
    na = op.natural_align

    def check(v: FuncValidator, instr: tuple) -> None:
        _check_mem(v, instr[3])
        _check_align(op, instr[1])
        if lanes:
            _check_lane(op, instr[4], lanes)

    def h(v: FuncValidator, instr: tuple) -> None:
        # Fast path: memory 0 exists and the alignment is at most natural (nearly every access).
        if not lanes and instr[3] == 0 and v.ctx.mems and 0 <= instr[1] <= na:  # type: ignore[operator]
            typing(v, instr)
        else:
            check(v, instr)
            typing(v, instr)
    return h


def _lane_handler(op: Op) -> Handler:
    typing = _plain(op.params or (), op.results or ())
    n = op.lanes

    def h(v: FuncValidator, instr: tuple) -> None:
        _check_lane(op, instr[1], n)
        typing(v, instr)
    return h


def _shuffle_handler(op: Op) -> Handler:
    typing = _plain(op.params or (), op.results or ())

    def h(v: FuncValidator, instr: tuple) -> None:
        lanes = instr[1]
        if len(lanes) != 16:
            raise ValidationError(f"invalid lane index: i8x16.shuffle needs 16 lanes, got {len(lanes)}")
        for lane in lanes:
            _check_lane(op, lane, 32)
        typing(v, instr)
    return h


# --- control ----------------------------------------------------------------------------------
def _unreachable(v: FuncValidator, instr: tuple) -> None:
    del v.vals[v.height:]
    v.ctrls[-1][UNREACH] = True


def _block(v: FuncValidator, instr: tuple) -> None:
    start, end = v.ctx.block_sig(instr[1])
    if start:
        v.pop_vals(start)
    v.push_ctrl(K_BLOCK, start, end)


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
    if not (len(vals) - h == len(end) and vals[h:] == end):
        v.pop_frame_values(frame)
        vals.extend(end)
    if frame[KIND] == K_IF and frame[START] != end:
        # An `if` without `else` has an implicit empty else branch, which must map params to results.
        raise ValidationError("type mismatch: if without else must have the same parameter and result types")
    ctrls.pop()
    if not ctrls:
        raise _Done
    v.height = ctrls[-1][HEIGHT]


def _label(v: FuncValidator, n: object) -> list:
    ctrls = v.ctrls
    if not _index_ok(n, len(ctrls)):
        raise _unknown("label", n)
    return ctrls[-1 - n][LABEL]  # type: ignore[operator]


def _br(v: FuncValidator, instr: tuple) -> None:
    v.pop_vals(_label(v, instr[1]))
    v.set_unreachable()


def _br_if(v: FuncValidator, instr: tuple) -> None:
    label = _label(v, instr[1])
    vals = v.vals
    if len(vals) > v.height and vals[-1] is I32:
        vals.pop()
    else:
        v.pop(I32)
    n = len(vals)
    k = len(label)
    if n - v.height >= k and vals[n - k:] == label:
        return
    v.pop_vals(label)
    vals.extend(label)


def _br_table(v: FuncValidator, instr: tuple) -> None:
    labels = instr[1]
    default = _label(v, instr[2])
    v.pop(I32)
    arity = len(default)
    vals = v.vals
    for n in labels:
        label = _label(v, n)
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
    if not _index_ok(x, len(sigs)):
        raise _unknown("function", x)
    params, results = sigs[x]
    if params:
        v.pop_vals(params)
    if results:
        v.vals.extend(results)


def _call_indirect(v: FuncValidator, instr: tuple) -> None:
    x, t = instr[1], instr[2]
    if _check_table(v, t) is not FUNCREF:
        raise ValidationError(f"type mismatch: call_indirect on table {t} whose elements are not funcref")
    sigs = v.ctx.type_sigs
    if not _index_ok(x, len(sigs)):
        raise _unknown("type", x)
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


# --- variables --------------------------------------------------------------------------------
def _local(v: FuncValidator, x: object) -> ValType:
    locals = v.locals
    if not _index_ok(x, len(locals)):
        raise _unknown("local", x)
    return locals[x]  # type: ignore[index]


def _local_get(v: FuncValidator, instr: tuple) -> None:
    x = instr[1]
    locals = v.locals
    if 0 <= x < len(locals):
        v.vals.append(locals[x])
    else:
        _local(v, x)


def _local_set(v: FuncValidator, instr: tuple) -> None:
    t = _local(v, instr[1])
    vals = v.vals
    if len(vals) > v.height and vals[-1] is t:
        vals.pop()
    else:
        v.pop(t)


def _local_tee(v: FuncValidator, instr: tuple) -> None:
    t = _local(v, instr[1])
    vals = v.vals
    if len(vals) > v.height and vals[-1] is t:
        return
    v.pop(t)
    vals.append(t)


def _global(v: FuncValidator, x: object):
    globals_ = v.ctx.globals
    if not _index_ok(x, len(globals_)):
        raise _unknown("global", x)
    return globals_[x]  # type: ignore[index]


def _global_get(v: FuncValidator, instr: tuple) -> None:
    v.vals.append(_global(v, instr[1]).valtype)


def _global_set(v: FuncValidator, instr: tuple) -> None:
    g = _global(v, instr[1])
    if not g.mutable:
        raise ValidationError(f"global is immutable: global.set {instr[1]}")
    v.pop(g.valtype)


# --- tables -----------------------------------------------------------------------------------
def _table_get(v: FuncValidator, instr: tuple) -> None:
    et = _check_table(v, instr[1])
    v.pop(I32)
    v.vals.append(et)


def _table_set(v: FuncValidator, instr: tuple) -> None:
    et = _check_table(v, instr[1])
    v.pop(et)
    v.pop(I32)


def _table_size(v: FuncValidator, instr: tuple) -> None:
    _check_table(v, instr[1])
    v.vals.append(I32)


def _table_grow(v: FuncValidator, instr: tuple) -> None:
    et = _check_table(v, instr[1])
    v.pop(I32)
    v.pop(et)
    v.vals.append(I32)


def _table_fill(v: FuncValidator, instr: tuple) -> None:
    et = _check_table(v, instr[1])
    v.pop(I32)
    v.pop(et)
    v.pop(I32)


def _pop3_i32(v: FuncValidator) -> None:
    v.pop(I32)
    v.pop(I32)
    v.pop(I32)


def _table_copy(v: FuncValidator, instr: tuple) -> None:
    dst = _check_table(v, instr[1])
    src = _check_table(v, instr[2])
    if dst is not src:
        raise ValidationError(f"type mismatch: table.copy from {src} table to {dst} table")
    _pop3_i32(v)


def _table_init(v: FuncValidator, instr: tuple) -> None:
    et = _check_table(v, instr[2])
    st = _check_elem(v, instr[1])
    if et is not st:
        raise ValidationError(f"type mismatch: table.init of {st} segment into {et} table")
    _pop3_i32(v)


def _elem_drop(v: FuncValidator, instr: tuple) -> None:
    _check_elem(v, instr[1])


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
    if not _index_ok(x, len(v.ctx.funcs)):
        raise _unknown("function", x)
    if x not in v.ctx.refs:
        raise ValidationError(f"undeclared function reference {x}")
    v.vals.append(FUNCREF)


# --- memory (non-memarg) ------------------------------------------------------------------------
def _mem_index_handler(op: Op) -> Handler:
    typing = _plain(op.params or (), op.results or ())

    def h(v: FuncValidator, instr: tuple) -> None:
        _check_mem(v, instr[1])
        typing(v, instr)
    return h


def _memory_copy(v: FuncValidator, instr: tuple) -> None:
    _check_mem(v, instr[1])
    _check_mem(v, instr[2])
    _pop3_i32(v)


def _memory_init(v: FuncValidator, instr: tuple) -> None:
    _check_mem(v, instr[2])
    _check_data(v, instr[1])
    _pop3_i32(v)


def _data_drop(v: FuncValidator, instr: tuple) -> None:
    _check_data(v, instr[1])


# --- the dispatch table -----------------------------------------------------------------------
_SPECIAL: Dict[Op, Handler] = {
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


def _build_base() -> List[Handler]:
    table: List[Handler] = []
    for op in OPS:
        h = _SPECIAL.get(op)
        if h is None:
            if op.params is None or op.results is None:
                raise RuntimeError(f"no validation rule for {op.name}")  # a new table row without a rule
            if op.imm in (Imm.MEMARG, Imm.MEMARG_LANE):
                h = _memarg_handler(op)
            elif op.imm == Imm.MEM:
                h = _mem_index_handler(op)
            elif op.imm == Imm.LANE:
                h = _lane_handler(op)
            elif op.imm == Imm.SHUFFLE:
                h = _shuffle_handler(op)
            else:
                h = _plain(op.params, op.results)
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


def _offset(func: ast.Func, pos: int) -> Optional[int]:
    offsets = func.offsets
    if offsets is not None and 0 <= pos < len(offsets):
        return offsets[pos]
    return None


def validate_func(
    ctx: Context, func: ast.Func, func_index: int, table: Optional[List[Handler]] = None
) -> FuncValidator:
    """Validates one function body (``func`` is function ``func_index`` of the index space).

    Returns the final validator state (useful to a code generator walking with its own ``table``).

    Raises:
        ValidationError: with the instruction's byte offset (when the body has ``offsets``) and
            ``func_index``.
    """
    if table is None:
        table = BASE_TABLE
    params, results = ctx.func_sigs[func_index]
    locals_: List[ValType] = list(params)  # type: ignore[arg-type]
    total = len(locals_)
    for count, t in func.locals:
        total += count
        if total > MAX_LOCALS:
            raise ValidationError(f"too many locals (more than {MAX_LOCALS})", func.body_offset, func_index)
        locals_.extend([t] * count)
    v = FuncValidator(ctx, locals_, results)
    body = func.body
    pos = -1
    instr: tuple = ()
    try:
        for pos, instr in enumerate(body):
            table[instr[0].index](v, instr)
    except _Done:
        if pos != len(body) - 1:
            raise ValidationError(
                "operators remaining after the end of the function", _offset(func, pos + 1), func_index
            ) from None
        return v
    except ValidationError as e:
        raise ValidationError(e.message, _offset(func, pos), func_index) from None
    except (IndexError, TypeError, AttributeError, KeyError) as e:
        # Only a syntax tree built by hand can hold a malformed instruction tuple; say which one.
        raise ValidationError(f"malformed instruction {instr!r}", _offset(func, pos), func_index) from e
    raise ValidationError("function body must end with end", _offset(func, len(body) - 1), func_index)


__all__ = ["FuncValidator", "validate_func", "dispatch_table", "BASE_TABLE", "Handler"]
