"""The benchmark suite (benchmarks/) stays runnable and honest.

These check what the benchmark numbers rest on: that the committed binaries match their sources,
that the C programs compute what their algorithms define (checked against Python's hashlib and zlib,
run on wasmi-py itself), that the work-unit formulas are right, that the runner flags a wrong result,
and that a tiny end-to-end run of the runner against wasmtime produces a consistent JSON file.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from _support import REPO, wasm_tools  # type: ignore[import-not-found]

BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))

import programs as P  # noqa: E402
import run as R  # noqa: E402
from wasm_imports import function_imports  # noqa: E402


def _lcg_bytes(seed: int, count: int, shift: int) -> bytes:
    state, out = seed, bytearray()
    for _ in range(count):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append((state >> shift) & 0xFF)
    return bytes(out)


def _run_wasmi(prog: str, n: int) -> int:
    import wasmi

    engine = wasmi.Engine()
    store = wasmi.Store(engine)
    module = wasmi.Module(engine, P.by_name(prog).wasm())
    instance = wasmi.Linker(engine).instantiate_and_start(store, module)
    return instance.get_func(store, "run").call(store, n) & 0xFFFFFFFF


def test_every_program_binary_is_committed_and_exports_run() -> None:
    for prog in P.PROGRAMS:
        data = prog.wasm()
        assert data[:4] == b"\0asm", prog.name
        imports = function_imports(data)
        if prog.name == "host_calls":
            assert [(i.module, i.name, i.params, i.results) for i in imports] == [
                ("env", "host_step", ("i32", "i32"), ("i32",))
            ]
        else:
            assert imports == [], prog.name


@pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")
def test_wat_binaries_match_their_sources() -> None:
    for src in sorted((BENCH / "wat").glob("*.wat")):
        built = subprocess.run([wasm_tools(), "parse", str(src)], check=True, capture_output=True).stdout
        assert src.with_suffix(".wasm").read_bytes() == built, f"{src.name}: run benchmarks/wat/build.py"


def test_c_sources_and_binaries_pair_up() -> None:
    c_dir = BENCH / "c"
    sources = {p.stem for p in c_dir.glob("*.c")}
    binaries = {p.stem for p in c_dir.glob("*.wasm")}
    assert sources == binaries
    listed = {p.name for p in P.PROGRAMS if p.path.startswith("c/")}
    assert listed == sources


def test_sha256_program_matches_hashlib() -> None:
    # run(1) hashes the first 1021 bytes of an LCG stream and returns digest word 0 xor word 7
    msg = _lcg_bytes(12345, 1024, 24)[:1021]
    d = hashlib.sha256(msg).digest()
    words = [int.from_bytes(d[i : i + 4], "big") for i in range(0, 32, 4)]
    assert _run_wasmi("sha256", 1) == words[0] ^ words[7]


def test_crc32_program_matches_zlib() -> None:
    assert _run_wasmi("crc32", 1) == zlib.crc32(_lcg_bytes(777, 4096, 16))


def test_sieve_counts_primes_below_8192() -> None:
    limit = 8192
    flags = bytearray([1]) * limit
    flags[0:2] = b"\0\0"
    for i in range(2, int(limit**0.5) + 1):
        if flags[i]:
            flags[i * i :: i] = bytes(len(flags[i * i :: i]))
    assert _run_wasmi("sieve", 1) == sum(flags) == 1028


def test_fib_units_count_the_calls_of_the_naive_recursion() -> None:
    def calls(n: int) -> int:
        return 1 if n < 2 else 1 + calls(n - 1) + calls(n - 2)

    assert [P._fib_calls(n) for n in range(15)] == [calls(n) for n in range(15)]
    assert _run_wasmi("fib_rec", 20) == 6765


def test_every_input_is_positive_and_pywasm_inputs_are_not_larger() -> None:
    for prog in P.PROGRAMS:
        for mode in ("full", "quick"):
            assert 0 < prog.n_pywasm[mode] <= prog.n[mode], (prog.name, mode)
        assert prog.n["quick"] <= prog.n["full"]


def test_result_check_flags_a_wrong_runtime_and_accepts_agreement() -> None:
    def entry(results: dict) -> dict:
        return {"program": "fib_rec", "op": "execute",
                "runtimes": {name: {"status": "ok", "n": 10, "result": r} for name, r in results.items()}}

    good = entry({"wasmi": 55, "wasmtime": 55, "pwasm-compile": 55})
    bad = entry({"wasmi": 55, "wasmtime": 56, "pwasm-compile": 56})
    runtimes = {n: {"status": "ok"} for n in ("wasmi", "wasmtime", "pwasm-compile")}
    mismatches = R._check_results([good, bad], {}, runtimes, 1.0)
    assert good["check"] == "ok"
    assert bad["check"] == "MISMATCH"
    assert [(m["runtime"], m["got"], m["expected"]) for m in mismatches] == [("wasmi", 55, 56)]


def test_host_to_wasm_results_are_checked_against_n() -> None:
    e = {"program": "host_calls", "op": "host_to_wasm",
         "runtimes": {"wasmi": {"status": "ok", "n": 7, "result": 7}, "pywasm": {"status": "ok", "n": 3, "result": 4}}}
    mismatches = R._check_results([e], {}, {"wasmi": {"status": "ok"}}, 1.0)
    assert [(m["runtime"], m["expected"]) for m in mismatches] == [("pywasm", 3)]


def test_runner_end_to_end_against_wasmtime(tmp_path: Path) -> None:
    pytest.importorskip("wasmtime")
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--reps", "1", "--runtimes", "wasmi,wasmtime",
         "--programs", "fib_rec,host_calls", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    data = json.loads(out.read_text())
    assert data["baseline"] == "wasmi"
    assert data["mismatches"] == []
    assert set(data["runtimes"]) == {"wasmi", "wasmtime"}
    ops = {(e["program"], e["op"]) for e in data["measurements"]}
    assert ops == {("fib_rec", "module"), ("fib_rec", "first_call"), ("fib_rec", "instantiate"),
                   ("fib_rec", "execute"), ("fib_rec", "execute_cold"), ("fib_rec", "end_to_end"),
                   ("host_calls", "host_to_wasm"),
                   ("host_calls", "wasm_to_host")}
    for e in data["measurements"]:
        for name, rec in e["runtimes"].items():
            assert rec["status"] == "ok", (e["program"], e["op"], name, rec)
            assert len(rec["times"]) == 1 and rec["per_unit"] > 0
        assert "wasmtime" in e["ratios"]
        if e["op"] in ("execute", "execute_cold", "end_to_end"):
            assert e["runtimes"]["wasmi"]["result"] == e["runtimes"]["wasmtime"]["result"] == 610  # fib(15)
    assert set(data["summary"]) == {"translate/module", "translate/first_call", "instantiate/instantiate",
                                    "execute/execute", "execute/execute_cold", "end_to_end/end_to_end",
                                    "call/host_to_wasm",
                                    "call/wasm_to_host"}
    md = subprocess.run([sys.executable, str(BENCH / "run.py"), "--summarize", str(out)],
                        capture_output=True, text=True, timeout=60, check=True).stdout
    assert "| fib_rec | execute/execute |" in md and "| call/wasm_to_host (geomean, programs) |" in md
