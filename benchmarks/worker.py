"""One runtime in its own process: reads JSON requests on stdin, times them, answers on stdout.

Running each runtime in a separate process keeps them from disturbing one another (imports, GC
pressure, a raised recursion limit, a crash): the runner can kill a worker that hangs or dies and
report that runtime as failed for that program, and carry on with the others.

Request:  {"op": OP, "program": NAME, "n": N, "inner_target": SECONDS (optional, see Worker._timed)}
Reply:    {"seconds": WALL, "cpu": PROCESS_CPU, "result": R (masked to 32 bits) or null,
           "inner": K (present when a short operation was repeated K times; times are per repetition)}
          | {"error": TEXT}
Ops: module, first_call, end_to_end, instantiate, execute, execute_cold, wasm_to_host (= execute), host_to_wasm,
result (run(n) on the warm instance, used to check a result measured at an n no other runtime ran), quit.
The first line a worker writes is {"ready": true, "version": V, "description": D} or {"error": TEXT}.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# The repository's own wasmi-py, also under an interpreter where it is not installed (run.py --python).
sys.path.insert(1, str(HERE.parent / "src"))

import programs  # noqa: E402
from runtimes import FACTORIES, Adapter  # noqa: E402
from wasm_imports import function_imports  # noqa: E402

MASK32 = 0xFFFFFFFF


def _host_funcs(data: bytes) -> list:
    out = []
    for imp in function_imports(data):
        out.append((imp, programs.host_step if imp.name == "host_step" else programs.stub))
    return out


class Worker:
    def __init__(self, rt: Adapter) -> None:
        self.rt = rt
        self.data: Dict[str, Tuple[bytes, list]] = {}
        self.modules: Dict[str, Any] = {}
        self.warm: Dict[str, Any] = {}

    def _program(self, name: str) -> Tuple[bytes, list]:
        if name not in self.data:
            data = programs.program_bytes(programs.by_name(name))
            self.data[name] = (data, _host_funcs(data))
        return self.data[name]

    def _module(self, name: str) -> Any:
        if name not in self.modules:
            self.modules[name] = self.rt.load(self._program(name)[0])
        return self.modules[name]

    def _warm_instance(self, name: str) -> Any:
        """An instance whose exports have run ``warmup_calls`` times on a small input, so lazily
        translating runtimes (and pwasm's "auto", which compiles on the second call) time
        steady-state code."""
        if name not in self.warm:
            # Its own module, not the one the instantiate op reuses: pywasm computes wrong results in a
            # second instance of one ModuleDesc, and that must not leak into the execute numbers.
            data, host = self._program(name)
            inst = self.rt.instantiate(self.rt.load(data), host)
            prog = programs.by_name(name)
            small = min(prog.n_pywasm["quick"], prog.n["quick"])
            run = self.rt.export(inst, "run")
            for _ in range(self.rt.warmup_calls):
                run(small)
            if programs.HOST_TO_WASM in prog.ops:
                add = self.rt.export(inst, "add")
                for _ in range(self.rt.warmup_calls):
                    add(1, 2)
            self.warm[name] = inst
        return self.warm[name]

    def prime(self) -> None:
        """Load, instantiate and call a small program once, untimed, so one-time costs (lazy imports of
        the runtime's own modules, first-use caches) do not land in the first measurement."""
        data = programs.by_name("fib_rec").wasm()
        self.rt.export(self.rt.instantiate(self.rt.load(data), []), "run")(5)

    def handle(self, op: str, name: str, n: int) -> Dict[str, Any]:
        """Time one request. Operations that take under ``SHORT`` seconds are repeated ``k`` times
        (``k`` chosen from a first, untimed-for-the-result run) and reported per repetition, so
        microsecond phases are not lost in timer noise."""
        rt = self.rt
        data, host = self._program(name)
        if op == "module":
            def load(_: Any) -> None:
                rt.load(data)

            return self._timed(lambda k: [None] * k, load)
        if op == "first_call":
            # From a fresh module (runtimes cache translated code on it) to the first result: instantiation
            # is included because eager engines translate there, lazy ones during the call.
            def first(module: Any) -> Any:
                return rt.export(rt.instantiate(module, host), "run")(n)

            return self._timed(lambda k: [rt.load(data) for _ in range(k)], first)
        if op == "end_to_end":
            # everything a user waits for on a short job: bytes -> module -> instance -> result
            return self._timed(None, lambda _: rt.export(rt.instantiate(rt.load(data), host), "run")(n))
        if op == "instantiate":
            def instantiate(module: Any) -> None:
                rt.instantiate(module, host)

            if rt.reinstantiable:
                module = self._module(name)
                return self._timed(lambda k: [module] * k, instantiate)
            return self._timed(lambda k: [rt.load(data) for _ in range(k)], instantiate)
        if op == "execute_cold":
            # the full input on a fresh instance of a fresh module (neither timed): what an embedder
            # pays for a long first call; pwasm "auto" stays in its interpreter until a second call
            run = rt.export(rt.instantiate(rt.load(data), host), "run")
            return self._timed(None, lambda _: run(n))
        if op in ("execute", "wasm_to_host", "result"):
            run = rt.export(self._warm_instance(name), "run")
            return self._timed(None, lambda _: run(n))
        if op == "host_to_wasm":
            add = rt.export(self._warm_instance(name), "add")

            def calls(_: Any) -> Any:
                r = None
                for i in range(n):
                    r = add(i, 1)
                return r

            return self._timed(None, calls)
        return {"error": f"unknown op {op!r}"}

    SHORT = 0.005
    TARGET = 0.05
    target = TARGET

    def _timed(self, prepare: Optional[Callable[[int], List[Any]]], fn: Callable[[Any], Any]) -> Dict[str, Any]:
        first = _clocked(prepare(1) if prepare else [None], fn)
        if prepare is None or first["cpu"] >= self.SHORT:
            return first
        k = max(2, min(100, int(self.target / max(first["cpu"], 1e-6))))
        many = _clocked(prepare(k), fn)
        if many["result"] != first["result"]:
            return {"error": f"result changed between repetitions: {first['result']} then {many['result']}"}
        return {"seconds": many["seconds"] / k, "cpu": many["cpu"] / k, "result": many["result"], "inner": k}


def _clocked(args: List[Any], fn: Callable[[Any], Any]) -> Dict[str, Any]:
    """Run ``fn(a)`` for each prepared ``a`` with the collector paused; CPU and wall time of all."""
    gc.collect()
    gc.disable()
    result = None
    try:
        c0 = time.process_time()
        t0 = time.perf_counter()
        for a in args:
            result = fn(a)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
    finally:
        gc.enable()
    return {"seconds": seconds, "cpu": cpu, "result": None if result is None else int(result) & MASK32}


def main() -> None:
    name = sys.argv[1]
    # Interpreters that map Wasm calls to Python calls need headroom for the recursive programs.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    # The protocol gets a private copy of stdout; anything a runtime prints goes to stderr instead of
    # corrupting the replies.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        rt = FACTORIES[name]()
        rt.name = name
        hello = {"ready": True, "version": rt.version(), "description": rt.description,
                 "python": f"{platform.python_implementation()} {platform.python_version()}"}
    except Exception as e:  # noqa: BLE001 - reported to the runner as "unavailable: why"
        out.write(json.dumps({"error": f"{type(e).__name__}: {e}"}) + "\n")
        out.flush()
        return
    worker = Worker(rt)
    try:
        worker.prime()
    except Exception as e:  # noqa: BLE001 - the measurements will report the failure per program
        hello["prime_error"] = f"{type(e).__name__}: {e}"
    out.write(json.dumps(hello) + "\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "quit":
            break
        try:
            worker.target = float(req.get("inner_target", Worker.TARGET))
            reply = worker.handle(req["op"], req["program"], int(req.get("n", 0)))
        except BaseException as e:  # noqa: BLE001 - a trap or a RecursionError is a result to report
            tb = traceback.format_exc().strip().splitlines()
            reply = {"error": f"{type(e).__name__}: {e}"[:500], "where": tb[-3:] if tb else []}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
