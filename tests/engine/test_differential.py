"""Differential test of the engine against wasmtime on random modules from ``wasm-tools smith``:
every exported numeric function, called with edge-case arguments, must give the same results or both
trap. Both translations (structured and state machine) are checked, and the structured one with
unsigned i64 values in every function. ``--large`` runs 10x the seeds."""

from __future__ import annotations

import random
import struct
import subprocess
from typing import Any, List, Optional

import pytest
from _support import wasm_tools

import wasmi
import wasmi._exec.compiled as compiled
from wasmi._exec import codegen_u64
from wasmi._syntax.types import ValType as V

wasmtime = pytest.importorskip("wasmtime")

FLAGS = [
    "--max-imports", "0", "--ensure-termination", "--export-everything", "true",
    "--simd-enabled", "false", "--canonicalize-nans", "true", "--threads-enabled", "false",
    "--tail-call-enabled", "false", "--gc-enabled", "false", "--exceptions-enabled", "false",
    "--memory64-enabled", "false", "--max-memory32-bytes", "1048576",
    "--custom-page-sizes-enabled", "false", "--wide-arithmetic-enabled", "false",
    "--max-tables", "2", "--max-table-elements", "1000", "--custom-descriptors-enabled", "false",
    "--relaxed-simd-enabled", "false", "--extended-const-enabled", "false",
]
NUM = (V.I32, V.I64, V.F32, V.F64)


def _gen(seed: int) -> Optional[bytes]:
    rnd = random.Random(seed)
    data = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([200, 1000, 4000])))
    p = subprocess.run([wasm_tools(), "smith", *FLAGS], input=data, capture_output=True)
    return p.stdout if p.returncode == 0 else None


def _arg(t: V, rnd: random.Random) -> Any:
    if t is V.I32:
        return rnd.choice([0, 1, 7, 0x7FFFFFFF, -1, -0x80000000, rnd.getrandbits(32) - 2**31])
    if t is V.I64:
        return rnd.choice([0, 1, -1, 2**63 - 1, -2**63, rnd.getrandbits(64) - 2**63])
    return rnd.choice([0.0, -0.0, 1.5, -2.25, 1e30, 3.0])


def _norm(t: V, v: Any) -> Any:
    if t is V.I32:
        return v & 0xFFFFFFFF
    if t is V.I64:
        return v & 0xFFFFFFFFFFFFFFFF
    return "nan" if v != v else struct.pack("<d", v)


def _as_list(r: Any) -> List[Any]:
    return [] if r is None else list(r) if isinstance(r, (list, tuple)) else [r]


def _check(seed: int) -> List[str]:
    wasm = _gen(seed)
    if wasm is None:
        return []
    rnd = random.Random(seed * 7 + 1)
    weng = wasmtime.Engine()
    wst = wasmtime.Store(weng)
    try:
        wi = wasmtime.Instance(wst, wasmtime.Module(weng, wasm), [])
    except Exception:
        wi = None
    eng = wasmi.Engine()
    st = wasmi.Store(eng)
    try:
        inst = wasmi.Linker(eng).instantiate_and_start(st, wasmi.Module(eng, wasm))
    except wasmi.Trap:
        inst = None
    if (wi is None) != (inst is None):
        return [f"seed {seed}: instantiation differs"]
    if inst is None:
        return []
    problems = []
    for name, ext in inst.exports(st):
        if not isinstance(ext, wasmi.Func):
            continue
        ft = ext.type(st)
        if any(t not in NUM for t in ft.params + ft.results):
            continue
        args = [_arg(t, rnd) for t in ft.params]
        try:
            want, wexc = wi.exports(wst)[name](wst, *args), None
        except Exception as e:  # wasmtime's trap
            want, wexc = None, e
        try:
            got, oexc = ext.call(st, *args), None
        except wasmi.Trap as e:
            got, oexc = None, e
        if (wexc is None) != (oexc is None):
            problems.append(f"seed {seed} {name}{tuple(args)}: wasmtime {want!r}/{wexc!r}, wasmi {got!r}/{oexc!r}")
        elif wexc is None:
            a = [_norm(t, v) for t, v in zip(ft.results, _as_list(want))]
            b = [_norm(t, v) for t, v in zip(ft.results, _as_list(got))]
            if a != b:
                problems.append(f"seed {seed} {name}{tuple(args)}: wasmtime {want!r}, wasmi {got!r}")
    return problems


@pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")
@pytest.mark.parametrize("form", ["structured", "state-machine", "u64"])
def test_random_modules_agree_with_wasmtime(form: str, large: bool, monkeypatch) -> None:
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", form == "state-machine")
    if form == "u64":  # every function with unsigned i64 values (codegen_u64)
        monkeypatch.setattr(codegen_u64, "MODE", "always")
    n = 300 if large else 30
    base = {"structured": 0, "state-machine": 1000, "u64": 2000}[form]
    problems = [p for seed in range(base, base + n) for p in _check(seed)]
    assert not problems, "\n".join(problems[:10])
