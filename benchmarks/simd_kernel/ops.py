"""Per-op cost (ns) of the SIMD lane functions on random operands, and a summing kernel.

Run: python3 benchmarks/simd_kernel/ops.py [--json out.json]
Figures are the minimum over REPEAT runs of timeit, timed in process CPU time (time.process_time) so that
other processes on a shared machine do not inflate them.
"""

from __future__ import annotations

import json
import random
import struct
import sys
import time
import timeit

from wasmi._exec import simd
from wasmi._exec.simd_bits import H, L

R = random.Random(1)
REPEAT = 9
A, B = R.getrandbits(128), R.getrandbits(128)
FA = int.from_bytes(struct.pack("<4f", 1.5, -2.25, 1e3, 3.0), "little")
FB = int.from_bytes(struct.pack("<4f", 0.5, 7.0, 1e10, -4.0), "little")
# Operands that take the slow paths: a lane overflowing to infinity, a division by zero.
FBIG = int.from_bytes(struct.pack("<4f", 1e30, 1.0, 1.0, 1.0), "little")
FPOS = int.from_bytes(struct.pack("<4f", 1.5, 2.25, 1e3, 3.0), "little")
FZERO = int.from_bytes(struct.pack("<4f", 0.0, 1.0, 1.0, 1.0), "little")
# i16 lanes inside the i8 range: narrow's fast path.
SMALL = int.from_bytes(struct.pack("<8h", 1, -2, 3, -4, 100, -100, 127, -128), "little")
DA = int.from_bytes(struct.pack("<2d", 1.5, -2.25), "little")
DB = int.from_bytes(struct.pack("<2d", 0.5, 7.0), "little")
MEM = bytearray(R.getrandbits(8) for _ in range(4096))
SHUF = bytes(R.randrange(32) for _ in range(16))

CASES = [
    ("v128.and", "f(A, B)"),
    ("v128.bitselect", "f(A, B, A ^ B)"),
    ("v128.any_true", "f(A)"),
    ("i8x16.add", "f(A, B)"),
    ("i16x8.add", "f(A, B)"),
    ("i32x4.add", "f(A, B)"),
    ("i64x2.add", "f(A, B)"),
    ("i32x4.sub", "f(A, B)"),
    ("i8x16.neg", "f(A)"),
    ("i32x4.abs", "f(A)"),
    ("i16x8.mul", "f(A, B)"),
    ("i32x4.mul", "f(A, B)"),
    ("i64x2.mul", "f(A, B)"),
    ("i8x16.eq", "f(A, B)"),
    ("i32x4.eq", "f(A, B)"),
    ("i8x16.lt_s", "f(A, B)"),
    ("i32x4.lt_u", "f(A, B)"),
    ("i32x4.min_s", "f(A, B)"),
    ("i8x16.add_sat_s", "f(A, B)"),
    ("i16x8.sub_sat_u", "f(A, B)"),
    ("i8x16.avgr_u", "f(A, B)"),
    ("i32x4.shl", "f(A, 5)"),
    ("i16x8.shr_s", "f(A, 3)"),
    ("i8x16.popcnt", "f(A)"),
    ("i8x16.all_true", "f(A)"),
    ("i8x16.bitmask", "f(A)"),
    ("i8x16.shuffle", "f(A, B, SHUF)"),
    ("i8x16.swizzle", "f(A, B)"),
    ("i8x16.splat", "f(0x7F)"),
    ("i32x4.splat", "f(0x12345678)"),
    ("f32x4.splat", "f(1.5)"),
    ("i32x4.extract_lane", "f(A, 2)"),
    ("f32x4.extract_lane", "f(FA, 2)"),
    ("i32x4.replace_lane", "f(A, 2, 7)"),
    ("i8x16.narrow_i16x8_s", "f(SMALL, SMALL)"),
    ("i8x16.narrow_i16x8_s (saturating)", "f(A, B)"),
    ("i16x8.extend_low_i8x16_s", "f(A)"),
    ("i32x4.extmul_low_i16x8_s", "f(A, B)"),
    ("i32x4.dot_i16x8_s", "f(A, B)"),
    ("i16x8.q15mulr_sat_s", "f(A, B)"),
    ("f32x4.add", "f(FA, FB)"),
    ("f32x4.mul", "f(FA, FB)"),
    ("f32x4.mul (overflow)", "f(FBIG, FBIG)"),
    ("f32x4.div", "f(FA, FB)"),
    ("f32x4.div (by zero)", "f(FA, FZERO)"),
    ("f32x4.min", "f(FA, FB)"),
    ("f32x4.pmin", "f(FA, FB)"),
    ("f32x4.lt", "f(FA, FB)"),
    ("f32x4.sqrt", "f(FPOS)"),
    ("f32x4.sqrt (negative lane)", "f(FA)"),
    ("f32x4.nearest", "f(FA)"),
    ("f32x4.abs", "f(FA)"),
    ("f64x2.add", "f(DA, DB)"),
    ("f64x2.mul", "f(DA, DB)"),
    ("f64x2.min", "f(DA, DB)"),
    ("i32x4.trunc_sat_f32x4_s", "f(FA)"),
    ("f32x4.convert_i32x4_s", "f(A)"),
    ("v128.load", "f(MEM, 64)"),
    ("v128.store", "f(MEM, 64, A)"),
    ("v128.load8x8_s", "f(MEM, 64)"),
    ("v128.load32_splat", "f(MEM, 64)"),
    ("v128.load32_lane", "f(MEM, 64, A, 1)"),
    ("v128.store32_lane", "f(MEM, 64, A, 1)"),
]


def per_op(number: int = 20000) -> dict:
    out = {}
    base = min(
        timeit.repeat(
            "g(A, B)",
            globals={"g": lambda a, b: a, "A": A, "B": B},
            number=number,
            repeat=REPEAT,
            timer=time.process_time,
        )
    )
    out["(empty call)"] = base / number * 1e9
    for name, stmt in CASES:
        g = {
            "f": simd.SIMD_FUNCS[name.split()[0]],
            "A": A,
            "B": B,
            "FA": FA,
            "FB": FB,
            "DA": DA,
            "DB": DB,
            "MEM": MEM,
            "SHUF": SHUF,
            "FBIG": FBIG,
            "FZERO": FZERO,
            "FPOS": FPOS,
            "SMALL": SMALL,
        }
        out[name] = (
            min(timeit.repeat(stmt, globals=g, number=number, repeat=REPEAT, timer=time.process_time))
            / number
            * 1e9
        )
    return out


# ---- kernel: sum of n i32 in memory -----------------------------------------------------------------

_u32_from = struct.Struct("<I").unpack_from
_add = simd.i32x4_add
_load = simd.v128_load
_extract = simd.i32x4_extract_lane
_L32, _H32 = L[32], H[32]


def scalar_sum(mem, n: int) -> int:
    """What generated code does for `i32.load; i32.add` per element."""
    acc, p, end = 0, 0, 4 * n
    while p < end:
        acc = (acc + _u32_from(mem, p)[0]) & 0xFFFFFFFF
        p += 4
    return acc


def simd_sum_calls(mem, n: int) -> int:
    """`v128.load; i32x4.add` per 4 elements through the simd functions, then a horizontal add."""
    acc, p, end = 0, 0, 4 * n
    while p < end:
        acc = _add(acc, _load(mem, p))
        p += 16
    return (_extract(acc, 0) + _extract(acc, 1) + _extract(acc, 2) + _extract(acc, 3)) & 0xFFFFFFFF


_S16 = struct.Struct("16s").unpack_from
_from_bytes = int.from_bytes


def simd_sum_inline(mem, n: int) -> int:
    """The same with the add inlined (simd.EXPR["i32x4.add"]) and the load's body inlined."""
    acc, p, end = 0, 0, 4 * n
    while p < end:
        v = _from_bytes(_S16(mem, p)[0], "little")
        acc = ((acc & _L32) + (v & _L32)) ^ ((acc ^ v) & _H32)
        p += 16
    return (acc + (acc >> 32) + (acc >> 64) + (acc >> 96)) & 0xFFFFFFFF


_f32_from = struct.Struct("<f").unpack_from
_f32_into = struct.Struct("<f").pack_into
_f32_pack = struct.Struct("<f").pack
_f32_unpack = struct.Struct("<f").unpack
_fmul, _fadd, _splat, _store = simd.f32x4_mul, simd.f32x4_add, simd.f32x4_splat, simd.v128_store


def scalar_saxpy(mem, n: int, a: float) -> None:
    """y[i] = a * x[i] + y[i] on f32 (x at 0, y after it), rounding to single after each op as
    generated scalar code must."""
    p, end, off = 0, 4 * n, 4 * n
    while p < end:
        t = _f32_unpack(_f32_pack(a * _f32_from(mem, p)[0]))[0]
        _f32_into(mem, p + off, _f32_unpack(_f32_pack(t + _f32_from(mem, p + off)[0]))[0])
        p += 4


def simd_saxpy(mem, n: int, a: float) -> None:
    """The same four lanes at a time: v128.load, f32x4.mul, f32x4.add, v128.store."""
    va = _splat(a)
    p, end, off = 0, 4 * n, 4 * n
    while p < end:
        _store(mem, p + off, _fadd(_fmul(va, _load(mem, p)), _load(mem, p + off)))
        p += 16


def saxpy(n: int = 4096) -> dict:
    data = struct.pack(f"<{2 * n}f", *[R.uniform(-100, 100) for _ in range(2 * n)])
    m1, m2 = bytearray(data), bytearray(data)
    scalar_saxpy(m1, n, 1.5)
    simd_saxpy(m2, n, 1.5)
    assert m1 == m2
    out = {}
    for fn in (scalar_saxpy, simd_saxpy):
        m = bytearray(data)
        t = min(timeit.repeat(lambda fn=fn, m=m: fn(m, n, 1.5), number=3, repeat=REPEAT, timer=time.process_time)) / 3
        out[fn.__name__] = {"ms": t * 1e3, "ns_per_element": t / n * 1e9}
    return out


def kernel(n: int = 16384) -> dict:
    mem = bytearray(R.getrandbits(8) for _ in range(4 * n))
    want = sum(struct.unpack(f"<{n}I", mem)) & 0xFFFFFFFF
    out = {}
    for fn in (scalar_sum, simd_sum_calls, simd_sum_inline):
        assert fn(mem, n) == want, fn.__name__
        t = min(timeit.repeat(lambda fn=fn: fn(mem, n), number=5, repeat=REPEAT, timer=time.process_time)) / 5
        out[fn.__name__] = {"ms": t * 1e3, "ns_per_element": t / n * 1e9}
    return out


def main() -> None:
    res = {
        "python": sys.version.split()[0],
        "per_op_ns": per_op(),
        "kernel_sum_i32": kernel(),
        "kernel_saxpy_f32": saxpy(),
    }
    for name, ns in res["per_op_ns"].items():
        print(f"{name:36s} {ns:8.0f} ns")
    for name, r in list(res["kernel_sum_i32"].items()) + list(res["kernel_saxpy_f32"].items()):
        print(f"{name:36s} {r['ms']:8.2f} ms  {r['ns_per_element']:6.1f} ns/element")
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w") as fh:
            json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
