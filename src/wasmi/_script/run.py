"""``wasmi run FILE.wasm|.wat --invoke NAME [ARGS...]``: instantiate a module and call one export.

Arguments are parsed by the function's parameter types (ints for i32/i64, floats for f32/f64, one
128-bit int for v128, lane 0 lowest); results are printed one per line (v128 as 32 hex digits).
Imports cannot be satisfied from the command line (a module that imports anything fails with a
LinkError) — WASI comes later.
"""

from __future__ import annotations

import argparse
from typing import Any, List

from .._syntax.types import ValType
from ..engine import Config, Engine
from ..errors import WasmiError
from ..linker import Linker
from ..module import Module
from ..store import Store
from ..wat import parse_file


def _parse_arg(t: ValType, text: str) -> Any:
    try:
        if t in (ValType.I32, ValType.I64):
            return int(text, 0)
        if t in (ValType.F32, ValType.F64):
            return float(text)
        if t is ValType.V128:
            v = int(text, 0)  # the 128 bits as one integer, lane 0 lowest (0x... or decimal)
            if not -(1 << 127) <= v < (1 << 128):
                raise ValueError
            return v & ((1 << 128) - 1)
    except ValueError:
        raise WasmiError(f"cannot read {text!r} as {t}") from None
    raise WasmiError(f"cannot pass a {t} argument from the command line")


def main_run(ns: argparse.Namespace) -> int:
    """Raises WasmiError (decode, validation, link, trap); the CLI prints it and exits with 1."""
    fuel = ns.fuel is not None
    engine = Engine(Config(consume_fuel=fuel))
    module = Module(engine, parse_file(ns.module))
    store: Store[Any] = Store(engine)
    if fuel:
        store.set_fuel(ns.fuel)
    instance = Linker(engine).instantiate_and_start(store, module)
    name = ns.invoke or "_start"
    func = instance.get_func(store, name)
    if func is None:
        raise WasmiError(f"the module exports no function {name!r}")
    ft = func.type(store)
    if len(ns.args) != len(ft.params):
        raise WasmiError(f"{name} takes {len(ft.params)} arguments ({ft}), got {len(ns.args)}")
    args = [_parse_arg(t, a) for t, a in zip(ft.params, ns.args)]
    result = func.call(store, *args)
    values: List[Any] = [] if result is None else list(result) if isinstance(result, tuple) else [result]
    for t, v in zip(ft.results, values):
        # v128: all 32 hex digits, so lanes can be read off (lane 0 is the last 8/16/32/64 bits)
        print(f"0x{v:032x}" if t is ValType.V128 else v)
    return 0
