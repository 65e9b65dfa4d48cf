"""How the SIMD tests call wasmi's SIMD functions: one case in, the result's raw bytes out.

Kept free of pytest, hypothesis and wasmtime so that a PyPy child process can run it too
(``pypy3 test_simd_calls.py`` reads cases as JSON on stdin and writes result bytes as hex on stdout;
test_simd.py holds those results to the same wasmtime oracle).
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Callable, List, Tuple

if __name__ == "__main__":  # the PyPy child: the package from this checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from wasmi._exec import simd  # noqa: E402
from wasmi._syntax.instructions import OPS_BY_NAME, Imm, Op  # noqa: E402
from wasmi._syntax.types import ValType  # noqa: E402

Case = Tuple[int, int, int, int]  # a, b, c, scalar bits (64)

# ---- value conversions (written from the representation spec, not taken from wasmi) --------------


def f32_value(bits: int) -> float:
    """The engine's f32 float for single bits: NaN payload moved to the double's top mantissa bits."""
    if (bits >> 23) & 0xFF == 0xFF and bits & 0x7FFFFF:
        d = ((bits >> 31) << 63) | (0x7FF << 52) | ((bits & 0x7FFFFF) << 29)
        return struct.unpack("<d", struct.pack("<Q", d))[0]
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def f32_bits(x: float) -> int:
    d = struct.unpack("<Q", struct.pack("<d", x))[0]
    if x != x:
        return ((d >> 63) << 31) | (0xFF << 23) | ((d >> 29) & 0x7FFFFF)
    return struct.unpack("<I", struct.pack("<f", x))[0]


# ---- running ours -----------------------------------------------------------------------------------


def _scalar_in(t: ValType, s: int):
    if t is ValType.I32:
        return s & 0xFFFFFFFF
    if t is ValType.I64:
        return struct.unpack("<q", (s & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))[0]
    if t is ValType.F32:
        return f32_value(s & 0xFFFFFFFF)
    return struct.unpack("<d", (s & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))[0]


def _scalar_out(t: ValType, x) -> bytes:
    if t is ValType.I32:
        assert isinstance(x, int) and 0 <= x < 1 << 32, f"i32 result {x!r} not canonical"
        return x.to_bytes(4, "little")
    if t is ValType.I64:
        assert isinstance(x, int) and -(1 << 63) <= x < 1 << 63, f"i64 result {x!r} not canonical"
        return struct.pack("<q", x)
    if t is ValType.F32:
        assert isinstance(x, float)
        assert x != x or struct.unpack("<f", struct.pack("<f", x))[0] == x, f"f32 result {x!r} not single"
        return f32_bits(x).to_bytes(4, "little")
    assert isinstance(x, float)
    return struct.pack("<d", x)


def ours(op: Op, imm: object | None, case: Case) -> bytes:
    fn: Callable = simd.SIMD_FUNCS[op.name]
    a, b, c, s = case
    assert op.params is not None and op.results is not None
    if op.imm in (Imm.MEMARG, Imm.MEMARG_LANE):
        buf = bytearray(a.to_bytes(16, "little"))
        extra = () if imm is None else (imm,)
        if op.results:
            r = fn(buf, 0, *((b,) if len(op.params) > 1 else ()), *extra)
            assert buf == a.to_bytes(16, "little"), "a load wrote to memory"
            return r.to_bytes(16, "little")
        assert fn(buf, 0, b, *extra) is None
        return bytes(buf)
    args: list = []
    vecs = iter((a, b, c))
    scalar = None
    for t in op.params:
        if t is ValType.V128:
            args.append(next(vecs))
        else:
            scalar = _scalar_in(t, s)
    if op.imm == Imm.LANE:
        args.insert(1, imm)
    elif op.imm == Imm.SHUFFLE:
        args.append(imm)
    if scalar is not None:
        args.append(scalar)
    r = fn(*args)
    t = op.results[0]
    if t is ValType.V128:
        assert isinstance(r, int) and 0 <= r < 1 << 128, f"v128 result {r!r} out of range"
        return r.to_bytes(16, "little")
    return _scalar_out(t, r)


def imm_to_json(imm: object) -> object:
    return imm.hex() if isinstance(imm, bytes) else imm


def imm_from_json(imm: object) -> object:
    return bytes.fromhex(imm) if isinstance(imm, str) else imm


def run_batch(items: List[list], passes: int = 1) -> List[List[str]]:
    """items: [op name, imm (json form), [[a, b, c, s] as hex strings, ...]] -> result bytes as hex,
    or ``"!" + error`` for a case that raised. With several passes (to run JIT-compiled code on PyPy)
    a result that changes between passes is reported as an error too."""
    out = []
    for name, imm, cases in items:
        op = OPS_BY_NAME[name]
        ints = [tuple(int(x, 16) for x in case) for case in cases]
        first: List[str] = []
        for k in range(passes):
            res = []
            for case in ints:
                try:
                    res.append(ours(op, imm_from_json(imm), case).hex())
                except Exception as e:  # reported to the parent as a mismatch, never hidden
                    res.append("!" + repr(e))
            if k == 0:
                first = res
            else:
                first = [a if a == b else f"!pass {k} gave {b}, pass 0 gave {a}" for a, b in zip(first, res)]
        out.append(first)
    return out


def test_f32_conversions_round_trip() -> None:
    for bits in (0, 0x80000000, 0x7F800000, 0x7FC00000, 0xFFC00000, 0x7FA00000, 0x7F800001, 0xFFFFFFFF, 1):
        assert f32_bits(f32_value(bits)) == bits
        assert simd.f32_to_bits(f32_value(bits)) == bits
        assert f32_bits(simd.f32_from_bits(bits)) == bits


if __name__ == "__main__":
    json.dump(
        run_batch(json.load(sys.stdin), passes=int(sys.argv[1]) if len(sys.argv) > 1 else 1), sys.stdout
    )
