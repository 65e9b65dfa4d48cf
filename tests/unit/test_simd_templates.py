"""The inline templates of wasmi._exec.simd (EXPR, LANE_EXPR) give exactly their function's result.

The functions themselves are checked against wasmtime in test_simd.py; here each template is compiled
the way the code generator would use it (operands as plain names, the NAMESPACE as globals) and run
on edge and random operands next to the function.
"""

from __future__ import annotations

import random

import pytest

from wasmi._exec import simd
from wasmi._syntax.instructions import OPS_BY_NAME
from wasmi._syntax.types import ValType

EDGE_V128 = [
    0,
    1,
    (1 << 128) - 1,
    1 << 127,
    sum(0x80 << (8 * i) for i in range(16)),
    sum(0x7F << (8 * i) for i in range(16)),
    0x0123456789ABCDEF_FEDCBA9876543210,
]
EDGE_I32 = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
EDGE_I64 = [0, 1, -1, 0x7FFFFFFFFFFFFFFF, -0x8000000000000000, 0xFFFFFFFF, -0x80000000]


def _operands(op_name: str, rng: random.Random, n: int):
    op = OPS_BY_NAME[op_name]
    assert op.params is not None
    pools = []
    for t in op.params:
        if t is ValType.V128:
            pools.append(EDGE_V128 + [rng.getrandbits(128) for _ in range(n)])
        elif t is ValType.I64:
            pools.append(EDGE_I64 + [rng.getrandbits(64) - (1 << 63) for _ in range(n)])
        else:
            pools.append(EDGE_I32 + [rng.getrandbits(32) for _ in range(n)])
    for _ in range(n * 4):
        yield tuple(rng.choice(p) for p in pools)


def test_template_names_are_instructions() -> None:
    for name in list(simd.EXPR) + list(simd.LANE_EXPR):
        assert name in simd.SIMD_FUNCS


@pytest.mark.parametrize("name", sorted(simd.EXPR))
def test_expr_matches_function(name: str) -> None:
    fn = simd.SIMD_FUNCS[name]
    names = ["x", "y", "z"][: len(OPS_BY_NAME[name].params or ())]
    code = compile(simd.EXPR[name].format(*names), name, "eval")
    rng = random.Random(name)
    for args in _operands(name, rng, 200):
        env = dict(simd.NAMESPACE, **dict(zip(names, args)))
        assert eval(code, env) == fn(*args), (name, [hex(a) for a in args])


@pytest.mark.parametrize("name", sorted(simd.LANE_EXPR))
def test_lane_expr_matches_function(name: str) -> None:
    fn = simd.SIMD_FUNCS[name]
    op = OPS_BY_NAME[name]
    names = ["x", "y"][: len(op.params or ())]
    rng = random.Random(name)
    for lane in range(op.lanes):
        code = compile(simd.LANE_EXPR[name].format(*names, **simd.lane_fields(name, lane)), name, "eval")
        for args in _operands(name, rng, 30):
            env = dict(simd.NAMESPACE, **dict(zip(names, args)))
            want = fn(args[0], lane, *args[1:])
            assert eval(code, env) == want, (name, lane, [hex(a) for a in args])
