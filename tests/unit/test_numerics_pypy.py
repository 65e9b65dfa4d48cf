"""The numerics under PyPy (when a ``pypy3`` is on PATH), against wasmtime run from this interpreter.

PyPy differs where it matters here: its struct module rounds f32 itself and keeps signalling NaNs that
CPython quiets, its JIT may fold float arithmetic, and :mod:`wasmi._exec.numerics` picks different
templates for it. A child pypy3 applies every function to the same inputs as the CPython tests, in loops
long enough to be JIT-compiled, and also checks its own EXPR/COND templates against its functions.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_numerics import NAMES, agrees, edge_items, random_bits, sig  # noqa: E402
from test_numerics_oracle import oracle  # noqa: E402

from wasmi._exec import numerics as N  # noqa: E402

SRC = Path(__file__).resolve().parents[2] / "src"

CHILD = r"""
import json, sys
from wasmi import Trap
from wasmi._exec import numerics as N

M64 = (1 << 64) - 1

def to_ours(t, b):
    if t == "i32": return b
    if t == "i64": return b - (1 << 64) if b >> 63 else b
    return N.f32_from_bits(b) if t == "f32" else N.f64_from_bits(b)

def bits(t, v):
    if t == "i32":
        if type(v) is not int or not 0 <= v <= 0xFFFFFFFF: raise ValueError("bad i32 %r" % (v,))
        return v
    if t == "i64":
        if type(v) is not int or not -(1 << 63) <= v < (1 << 63): raise ValueError("bad i64 %r" % (v,))
        return v & M64
    if type(v) is not float: raise ValueError("bad float %r" % (v,))
    if t == "f32":
        if v == v and N.f32_round(v) != v: raise ValueError("not an f32 %r" % (v,))
        return N.f32_to_bits(v)
    return N.f64_to_bits(v)

job = json.load(sys.stdin)
out = {}
def run(f, args_list, result):
    res = []
    for _ in range(3):  # repeat so that the JIT has compiled the loop by the last round
        res = []
        for args in args_list:
            try:
                res.append(("ok", bits(result, f(*args))))
            except Trap as e:
                res.append(("trap", e.message))
    return res

for name, (params, result, items) in job.items():
    args_list = [tuple(to_ours(t, b) for t, b in zip(params, ops)) for ops in items]
    out["func " + name] = run(N.FUNCS[name], args_list, result)
    for table in ("EXPR", "COND"):
        tmpl = getattr(N, table).get(name)
        if tmpl is None:
            continue
        ps = ", ".join("v%d" % i for i in range(len(params)))
        body = tmpl.format(*["v%d" % i for i in range(len(params))])
        if table == "COND":
            body = "1 if %s else 0" % body
        ns = dict(N.NAMESPACE)
        exec("def f(%s):\n    return %s\n" % (ps, body), ns)
        out[table + " " + name] = run(ns["f"], args_list, result)
json.dump(out, sys.stdout)
"""


@pytest.mark.skipif(shutil.which("pypy3") is None, reason="pypy3 is not installed")
def test_numerics_under_pypy(large: bool) -> None:
    job = {}
    for name in NAMES:
        params, result = sig(name)
        rng = random.Random(f"pypy {name}")
        items = edge_items(name)
        if len(items) > 1500:
            items = rng.sample(items, 1500)
        items += [tuple(random_bits(rng, t) for t in params) for _ in range(5000 if large else 500)]
        job[name] = (params, result, items)
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.run(["pypy3", "-c", CHILD], input=json.dumps(job), capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert len(out) == len(NAMES) + len(N.EXPR) + len(N.COND)
    bad = []
    for key, got in out.items():
        name = key.split()[1]
        items = job[name][2]
        want = oracle().run(name, items)
        for ops, w, g in zip(items, want, got):
            if key.startswith("COND") and w[0] == "ok":
                w = ("ok", 1 if w[1] else 0)
            if not agrees(name, ops, w, tuple(g)):
                bad.append(f"{key}{tuple(hex(o) for o in ops)}: wasmtime {w}, pypy {g}")
    assert not bad, f"{len(bad)} differ:\n" + "\n".join(bad[:20])
