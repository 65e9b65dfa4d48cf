"""Under PyPy, i64 arithmetic, i32 products, i64 shifts, rotates and unsigned compares run as
``__pypy__.intop`` machine-word operations (optable.MACHINE_OPS). A child pypy3 (when one is on PATH)
runs the operators through generated code, in loops long enough to be JIT-compiled, on edge and random
operands; its results must be this interpreter's (whose templates are the plain-int ones)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any, List

import pytest

from wasmi import Engine, Linker, Module, Store

SRC = Path(__file__).resolve().parents[2] / "src"

BIN64 = ["add", "sub", "mul", "shl", "shr_u", "shr_s", "rotl", "rotr", "lt_u", "gt_u", "le_u", "ge_u"]
WAT = "(module\n" + "".join(
    f'  (func (export "i64.{op}") (param i64 i64) (result i64) (i64.{op} (local.get 0) (local.get 1)))\n'
    for op in BIN64 if op[:2] not in ("lt", "gt", "le", "ge")
) + "".join(
    f'  (func (export "i64.{op}") (param i64 i64) (result i32) (i64.{op} (local.get 0) (local.get 1)))\n'
    for op in BIN64 if op[:2] in ("lt", "gt", "le", "ge")
) + "".join(
    f'  (func (export "i64.{op}_{k}") (param i64) (result i64) (i64.{op} (local.get 0) (i64.const {k})))\n'
    for op in ("rotl", "rotr", "shl", "shr_u") for k in (1, 13, 32, 63)
) + """  (func (export "i32.mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
  (func (export "dot") (param i32 i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.mul (local.get 2) (local.get 3))))
  ;; a loop of products and sums, as hashes do
  (func (export "lcg") (param i64 i32) (result i64)
    (block $d (loop $l
      (br_if $d (i32.eqz (local.get 1)))
      (local.set 0 (i64.add (i64.mul (local.get 0) (i64.const 6364136223846793005))
                            (i64.const 1442695040888963407)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br $l)))
    (local.get 0)))
"""

EDGE64 = [0, 1, -1, 2, 63, 64, 2**31, 2**32 - 1, 2**32, 2**62, 2**63 - 1, -2**63, -2**63 + 1, -2**32]
EDGE32 = [0, 1, 2, 0x7FFFFFFF, -0x80000000, -1, 65535, 65536, 123456789]

CHILD = r"""
import json, sys
from wasmi import Engine, Linker, Module, Store
job = json.load(sys.stdin)
engine = Engine(); store = Store(engine)
inst = Linker(engine).instantiate_and_start(store, Module(engine, job["wat"]))
out = []
for name, args_list in job["calls"]:
    f = inst.get_func(store, name)
    for _ in range(3):  # the last round runs JIT-compiled code
        res = [f.call(store, *args) for args in args_list]
    out.append(res)
print(json.dumps(out))
"""


def _calls() -> List[Any]:
    rnd = random.Random(7)
    r64 = EDGE64 + [rnd.randrange(-2**63, 2**63) for _ in range(40)]
    r32 = EDGE32 + [rnd.randrange(-2**31, 2**31) for _ in range(40)]
    calls: List[Any] = []
    for op in BIN64:
        calls.append((f"i64.{op}", [[a, b] for a in r64[:24] for b in r64[:24]]))
    for op in ("rotl", "rotr", "shl", "shr_u"):
        for k in (1, 13, 32, 63):
            calls.append((f"i64.{op}_{k}", [[a] for a in r64]))
    calls.append(("i32.mul", [[a, b] for a in r32 for b in r32[:20]]))
    calls.append(("dot", [[a, b, c, d] for a, b, c, d in zip(r32, r32[3:], r32[5:], r32[7:])]))
    calls.append(("lcg", [[a, n] for a in r64[:10] for n in (0, 1, 1000)]))
    return calls


def _here(calls: List[Any]) -> List[Any]:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    return [[inst.get_func(store, name).call(store, *args) for args in args_list] for name, args_list in calls]


@pytest.mark.skipif(shutil.which("pypy3") is None, reason="no pypy3 on PATH")
def test_pypy_machine_word_operators_match() -> None:
    calls = _calls()
    env = dict(os.environ, PYTHONPATH=str(SRC))
    p = subprocess.run(["pypy3", "-c", CHILD], input=json.dumps({"wat": WAT, "calls": calls}),
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == _here(calls)
