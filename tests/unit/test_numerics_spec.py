"""The spec suite's numeric scripts, run directly on the numerics functions.

Most functions in i32.wast, f32.wast, conversions.wast, float_exprs.wast … are straight-line: they read
their parameters and apply numeric instructions. A tiny stack evaluator runs such bodies with
:data:`wasmi._exec.numerics.FUNCS`, so every ``assert_return``/``assert_trap`` on them checks the numerics
against the spec's own expected values, before (and independently of) the engine. Commands on functions
that are not straight-line are counted and left to the engine's spec tests; each file must have most of
its assertions checked here, so the test cannot pass by checking nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import CORE, wasm_tools, wast_json  # type: ignore[import-not-found]  # noqa: E402
from test_numerics import from_ours, is_arithmetic_nan, is_canonical_nan, to_ours  # noqa: E402

from wasmi import Trap  # noqa: E402
from wasmi._exec import numerics as N  # noqa: E402
from wasmi._syntax import instructions as I  # noqa: E402

# File -> the least fraction of its assert_return/assert_trap commands this evaluator must check.
FILES = {
    "i32.wast": 0.99, "i64.wast": 0.99, "f32.wast": 0.99, "f64.wast": 0.99, "f32_bitwise.wast": 0.99,
    "f64_bitwise.wast": 0.99, "f32_cmp.wast": 0.99, "f64_cmp.wast": 0.99, "conversions.wast": 0.99,
    "float_misc.wast": 0.99, "float_literals.wast": 0.99, "float_exprs.wast": 0.75, "int_exprs.wast": 0.99,
    "int_literals.wast": 0.99, "const.wast": 0.99,
}


class NotStraightLine(Exception):
    pass


def _zero(t: Any) -> Any:
    return {"i32": 0, "i64": 0, "f32": 0.0, "f64": 0.0}[t.text]


def evaluate(module: Any, func_index: int, args: List[Any]) -> List[Any]:
    """Run a straight-line body. Raises NotStraightLine for anything else, Trap from the numerics."""
    n_imported = sum(1 for i in module.imports if i.kind == 0)
    if func_index < n_imported:
        raise NotStraightLine
    func = module.funcs[func_index - n_imported]
    ftype = module.types[func.type_index]
    local_vals: List[Any] = list(args)
    for count, t in func.locals:
        if not t.is_num:
            raise NotStraightLine
        local_vals.extend([_zero(t)] * count)
    stack: List[Any] = []
    funcs = N.FUNCS
    body = func.body[:-1]
    if body and body[-1][0] is I.RETURN:  # a trailing return is the same as falling off the end
        body = body[:-1]
    for ins in body:
        op = ins[0]
        if op is I.LOCAL_GET:
            stack.append(local_vals[ins[1]])
        elif op is I.LOCAL_SET:
            local_vals[ins[1]] = stack.pop()
        elif op is I.LOCAL_TEE:
            local_vals[ins[1]] = stack[-1]
        elif op is I.I32_CONST:
            stack.append(ins[1] & 0xFFFFFFFF)
        elif op is I.I64_CONST:
            stack.append(ins[1])
        elif op is I.F32_CONST:
            stack.append(N.f32_from_bits(ins[1]))
        elif op is I.F64_CONST:
            stack.append(N.f64_from_bits(ins[1]))
        elif op is I.DROP:
            stack.pop()
        elif op is I.NOP:
            pass
        elif op.name in funcs:
            n = len(op.params)
            operands = stack[len(stack) - n :]
            del stack[len(stack) - n :]
            stack.append(funcs[op.name](*operands))
        else:
            raise NotStraightLine
    if len(stack) != len(ftype.results):
        raise NotStraightLine
    return stack


def _expected_ok(t: str, spec: str, got: Any) -> bool:
    bits = from_ours(t, got)
    if spec == "nan:canonical":
        return is_canonical_nan(t, bits)
    if spec == "nan:arithmetic":
        return is_arithmetic_nan(t, bits)
    want = int(spec)
    if t == "i64" or t == "i32":
        want &= (1 << (32 if t == "i32" else 64)) - 1
    return bits == want


def _run_file(name: str) -> Tuple[int, int, List[str]]:
    from wasmi._binary.decode import decode_module

    data = wast_json(CORE / name)
    module = None
    exports: Dict[str, int] = {}
    checked = total = 0
    bad: List[str] = []
    for cmd in data["commands"]:
        kind = cmd["type"]
        if kind == "module":
            module = decode_module(Path(cmd["filename"]).read_bytes())
            exports = {e.name: e.index for e in module.exports if e.kind == 0}
            continue
        if kind not in ("assert_return", "assert_trap") or cmd["action"]["type"] != "invoke":
            continue
        action = cmd["action"]
        if action.get("module") is not None or module is None:
            continue
        total += 1
        try:
            args = [to_ours(a["type"], int(a["value"]) & ((1 << (32 if a["type"] in ("i32", "f32") else 64)) - 1))
                    for a in action["args"]]
            try:
                results: Optional[List[Any]] = evaluate(module, exports[action["field"]], args)
                trap: Optional[str] = None
            except Trap as e:
                results, trap = None, e.message
        except (NotStraightLine, KeyError):
            continue
        checked += 1
        where = f"{name}:{cmd['line']} {action['field']}"
        if kind == "assert_trap":
            if trap is None or not trap.startswith(cmd["text"]):
                bad.append(f"{where}: expected trap {cmd['text']!r}, got {trap or results!r}")
        elif trap is not None:
            bad.append(f"{where}: unexpected trap {trap!r}")
        else:
            assert results is not None
            for exp, got in zip(cmd["expected"], results):
                if not _expected_ok(exp["type"], exp["value"], got):
                    bad.append(f"{where}{tuple(a['value'] for a in action['args'])}: expected {exp['value']}, got {got!r}")
    return checked, total, bad


@pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")
@pytest.mark.parametrize("name", sorted(FILES))
def test_spec_script(name: str) -> None:
    checked, total, bad = _run_file(name)
    assert not bad, f"{len(bad)} of {checked} checked assertions fail:\n" + "\n".join(bad[:20])
    assert total and checked >= FILES[name] * total, f"only {checked} of {total} assertions are straight-line"
