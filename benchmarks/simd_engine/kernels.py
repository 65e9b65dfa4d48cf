"""SIMD kernels against their scalar versions, run end to end through the engine (public API).

Run: python3 benchmarks/simd_engine/kernels.py [--n N] [--repeat R] [--fuel] [--json out.json]

Each kernel exists twice in one module, a scalar loop and a 128-bit SIMD loop over the same memory;
both results are checked equal (and against a Python computation) before timing. Figures: the best of
``repeat`` calls, in process CPU time, as millions of elements per second.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time

import wasmi

# Memory layout: x (f32 or i32 or u8 data) at 0, y at 1 MiB, out at 2 MiB.
WAT = r"""
(module
  (memory (export "mem") 48)
  ;; sum of n i32 at 0
  (func (export "sum_scalar") (param $n i32) (result i32) (local $p i32) (local $end i32) (local $s i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l)))
    (local.get $s))
  (func (export "sum_simd") (param $n i32) (result i32) (local $p i32) (local $end i32) (local $v v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (i32x4.add (local.get $v) (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l)))
    (i32.add (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
             (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))
  ;; out[i] = min(x[i] + k, 255) over n bytes
  (func (export "bright_scalar") (param $n i32) (param $k i32) (local $p i32) (local $t i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $t (i32.add (i32.load8_u (local.get $p)) (local.get $k)))
      (i32.store8 offset=0x200000 (local.get $p)
        (select (local.get $t) (i32.const 255) (i32.lt_u (local.get $t) (i32.const 255))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l))))
  (func (export "bright_simd") (param $n i32) (param $k i32) (local $p i32) (local $kv v128)
    (local.set $kv (i8x16.splat (local.get $k)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $n)))
      (v128.store offset=0x200000 (local.get $p) (i8x16.add_sat_u (v128.load (local.get $p)) (local.get $kv)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l))))
  ;; y[i] = a * x[i] + y[i] over n f32
  (func (export "saxpy_scalar") (param $n i32) (param $a f32) (local $p i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (f32.store offset=0x100000 (local.get $p)
        (f32.add (f32.mul (local.get $a) (f32.load (local.get $p))) (f32.load offset=0x100000 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $l))))
  (func (export "saxpy_simd") (param $n i32) (param $a f32) (local $p i32) (local $end i32) (local $av v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $av (f32x4.splat (local.get $a)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (v128.store offset=0x100000 (local.get $p)
        (f32x4.add (f32x4.mul (local.get $av) (v128.load (local.get $p))) (v128.load offset=0x100000 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l))))
)
"""

Y, OUT = 0x100000, 0x200000


def _setup(n: int, fuel: bool):
    engine = wasmi.Engine(wasmi.Config(consume_fuel=fuel))
    store = wasmi.Store(engine)
    if fuel:
        store.set_fuel(1 << 62)
    inst = wasmi.Linker(engine).instantiate_and_start(store, wasmi.Module(engine, WAT))
    return store, inst


def _fill(mem: bytearray, n: int) -> None:
    mem[0:4 * n] = struct.pack(f"<{n}I", *((i * 2654435761) & 0xFFFFFFFF for i in range(n)))


def _fill_f32(mem: bytearray, n: int) -> None:
    mem[0:4 * n] = struct.pack(f"<{n}f", *((i % 97) * 0.25 for i in range(n)))
    mem[Y:Y + 4 * n] = struct.pack(f"<{n}f", *((i % 13) * 1.5 for i in range(n)))


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def run(n: int, repeat: int, fuel: bool) -> dict:
    """Raises RuntimeError when the scalar and SIMD results differ (or differ from Python's)."""
    store, inst = _setup(n, fuel)
    mem = inst.get_memory(store, "mem").data(store)
    f = {name: inst.get_func(store, name) for name in (
        "sum_scalar", "sum_simd", "bright_scalar", "bright_simd", "saxpy_scalar", "saxpy_simd")}
    out = {}

    _fill(mem, n)
    want = sum(struct.unpack_from(f"<{n}I", mem, 0)) & 0xFFFFFFFF
    want -= (want >> 31) << 32  # the API gives i32 results signed
    got = (f["sum_scalar"].call(store, n), f["sum_simd"].call(store, n))
    if got != (want, want):
        raise RuntimeError(f"sum: scalar/simd {got}, expected {want}")
    out["i32 sum"] = {k: n / _best(lambda k=k: f[k].call(store, n), repeat) / 1e6
                      for k in ("sum_scalar", "sum_simd")}

    nb = 4 * n  # the same bytes, as u8 pixels
    f["bright_scalar"].call(store, nb, 40)
    a = bytes(mem[OUT:OUT + nb])
    mem[OUT:OUT + nb] = bytes(nb)
    f["bright_simd"].call(store, nb, 40)
    if bytes(mem[OUT:OUT + nb]) != a or a != bytes(min(b + 40, 255) for b in mem[0:nb]):
        raise RuntimeError("brightness: scalar and simd outputs differ")
    out["u8 add_sat"] = {k: nb / _best(lambda k=k: f[k].call(store, nb, 40), repeat) / 1e6
                         for k in ("bright_scalar", "bright_simd")}

    _fill_f32(mem, n)
    f["saxpy_scalar"].call(store, n, 0.5)
    a = bytes(mem[Y:Y + 4 * n])
    _fill_f32(mem, n)
    f["saxpy_simd"].call(store, n, 0.5)
    if bytes(mem[Y:Y + 4 * n]) != a:
        raise RuntimeError("saxpy: scalar and simd outputs differ")
    # saxpy accumulates into y: the timed runs change the data but not the work
    out["f32 saxpy"] = {k: n / _best(lambda k=k: f[k].call(store, n, 0.5), repeat) / 1e6
                        for k in ("saxpy_scalar", "saxpy_simd")}
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=65536, help="elements (i32/f32) per kernel call")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--fuel", action="store_true")
    p.add_argument("--json")
    ns = p.parse_args()
    res = run(ns.n, ns.repeat, ns.fuel)
    print(f"{sys.implementation.name} {sys.version.split()[0]}, n={ns.n}, fuel={'on' if ns.fuel else 'off'}"
          " (M elements/s, best of %d)" % ns.repeat)
    for kernel, r in res.items():
        (ks, vs), (kv, vv) = r.items()
        print(f"  {kernel:12s} scalar {vs:7.2f}   simd {vv:7.2f}   x{vv / vs:.2f}")
    if ns.json:
        with open(ns.json, "w") as fh:
            json.dump({"python": sys.version, "n": ns.n, "fuel": ns.fuel, "results": res}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
