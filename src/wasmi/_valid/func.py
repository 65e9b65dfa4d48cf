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

from typing import List, Optional

from .._syntax import ast
from .._syntax.instructions import LOCAL_GET
from .._syntax.types import ValType
from ..errors import ValidationError
from .access import HANDLERS as _ACCESS
from .context import Context
from .dispatch import BASE_TABLE, dispatch_table
from .stack import Done, FuncValidator, Handler

LOCAL_GET_HANDLER = _ACCESS[LOCAL_GET]

MAX_LOCALS = 50000
"""Implementation limit on the locals of one function (the same as wasm-tools and browsers)."""


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
    # local.get is a quarter of all operators in compiler output: its handler is inlined (when the
    # table has the standard one), which saves a call per local.get for a test per operator
    lg = LOCAL_GET if table[LOCAL_GET.index] is LOCAL_GET_HANDLER else None
    nlocals = len(locals_)
    push = v.vals.append  # v.vals is never replaced, only changed in place
    try:
        for pos, instr in enumerate(body):  # noqa: B007 - pos locates errors after the loop
            op = instr[0]
            if op is lg:
                x = instr[1]
                if 0 <= x < nlocals:
                    push(locals_[x])
                    continue
            table[op.index](v, instr)
    except Done:
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
