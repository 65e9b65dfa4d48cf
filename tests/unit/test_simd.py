"""Every SIMD function of wasmi._exec.simd against wasmtime (a black-box oracle).

One WAT module, built with ``wasm-tools parse``, holds one exported loop per (instruction, immediate)
variant. A batch of cases is written to the oracle's memory (per case: operands a, b, c, a scalar,
and a result slot), the loop runs the instruction on every case, and each result is compared with
ours. Float results of arithmetic ops may be any NaN the spec's ``nans`` rule allows: a lane the oracle
makes NaN must be NaN in ours too and canonical when every NaN operand lane is canonical (arithmetic
otherwise); every other result is compared bit for bit. Cases come from a seeded generator of lane
edge values and random bits, and from hypothesis (``--large`` runs many more of both). When ``pypy3`` is
on PATH, a PyPy child runs the same functions (test_simd_calls.py) and is held to the same oracle.
"""

from __future__ import annotations

import json
import random
import shutil
import struct
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

hypothesis = pytest.importorskip("hypothesis")
wasmtime = pytest.importorskip("wasmtime")
from _support import wasm_tools  # noqa: E402
from hypothesis import (  # noqa: E402
    given,
    settings,
    strategies as st,  # noqa: E402
)
from test_simd_calls import imm_to_json, ours  # noqa: E402

from wasmi._exec import simd  # noqa: E402
from wasmi._syntax.instructions import OPS, Imm, Op  # noqa: E402
from wasmi._syntax.types import ValType  # noqa: E402

STRIDE = 80  # a @0, b @16, c @32, scalar @48 (8 bytes), result @64
PAGES = 32
MAX_BATCH = PAGES * 65536 // STRIDE

SIMD_OPS: List[Op] = [op for op in OPS if op.prefix == 0xFD and op.imm != Imm.V128]

# Float ops whose NaN results follow the spec's `nans` rule (any canonical/arithmetic NaN);
# the value is the input lane shape (output lanes map to the same-numbered input lanes).
NANS_RULE = {
    **{f"f32x4.{n}": "f32" for n in "add sub mul div min max sqrt ceil floor trunc nearest".split()},
    **{f"f64x2.{n}": "f64" for n in "add sub mul div min max sqrt ceil floor trunc nearest".split()},
    "f32x4.demote_f64x2_zero": "f64",
    "f64x2.promote_low_f32x4": "f32",
}

# ---- lane edge values -------------------------------------------------------------------------


def _fbits(xs) -> List[int]:
    return [struct.unpack("<I", struct.pack("<f", x))[0] for x in xs]


def _dbits(xs) -> List[int]:
    return [struct.unpack("<Q", struct.pack("<d", x))[0] for x in xs]


_FLOATS = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    -1.5,
    2.5,
    -2.5,
    3.5,
    0.49999997,
    -0.49999997,
    1e-40,
    -1e-40,
    float("inf"),
    float("-inf"),
    8388608.0,
    8388609.0,
    -8388609.0,
    16777216.0,
    2147483520.0,
    2147483648.0,
    -2147483648.0,
    -2147483904.0,
    4294967040.0,
    4294967296.0,
    -1.0000001,
    0.99999994,
    3.4028234663852886e38,
    -3.4028234663852886e38,
    1.1754943508222875e-38,
    1.401298464324817e-45,
    100.25,
    -7.75,
    12345.678,
]
SPECIALS: Dict[str, List[int]] = {
    "i8": [0, 1, 2, 0x3F, 0x40, 0x7F, 0x80, 0x81, 0xC0, 0xFE, 0xFF],
    "i16": [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x4000, 0x7FFF, 0x8000, 0x8001, 0xC000, 0xFF80, 0xFFFE, 0xFFFF],
    "i32": [
        0,
        1,
        2,
        0x7F,
        0x80,
        0xFF,
        0x7FFF,
        0x8000,
        0xFFFF,
        0x10000,
        0x7FFFFFFF,
        0x80000000,
        0x80000001,
        0xFFFF8000,
        0xFFFFFF80,
        0xFFFFFFFE,
        0xFFFFFFFF,
    ],
    "i64": [
        0,
        1,
        2,
        0x7FFFFFFF,
        0x80000000,
        0xFFFFFFFF,
        0x100000000,
        0x7FFFFFFFFFFFFFFF,
        0x8000000000000000,
        0x8000000000000001,
        0xFFFFFFFF80000000,
        0xFFFFFFFFFFFFFFFE,
        0xFFFFFFFFFFFFFFFF,
    ],
    "f32": _fbits(_FLOATS)
    + [
        0x7FC00000,
        0xFFC00000,
        0x7FA00000,
        0xFF800001,
        0x7FC00001,
        0x7FFFFFFF,
        0xFFBFFFFF,
        0x7F800001,
        0x00000001,
        0x80000001,
    ],
    "f64": _dbits(
        _FLOATS
        + [
            1.7976931348623157e308,
            2.2250738585072014e-308,
            5e-324,
            4503599627370496.5,
            4503599627370495.5,
            -4503599627370495.5,
            2251799813685247.5,
            4503599627370497.0,
            1e300,
            -1e300,
            3.4028235677973366e38,
            1e-46,
        ]
    )
    + [
        0x7FF8000000000000,
        0xFFF8000000000000,
        0x7FF4000000000000,
        0xFFF0000000000001,
        0x7FF8000000000001,
        0x7FFFFFFFFFFFFFFF,
        0x7FF8000020000000,
        0x7FF0000020000000,
    ],
}
LANE_BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}
LSB_OF = {k: sum(1 << (w * i) for i in range(128 // w)) for k, w in LANE_BITS.items()}
SHAPE_LANE = {"i8x16": "i8", "i16x8": "i16", "i32x4": "i32", "i64x2": "i64", "f32x4": "f32", "f64x2": "f64"}


def input_lane(op: Op) -> str:
    """Lane type of the op's vector operands (``i16x8.narrow_i32x4_s`` reads i32 lanes)."""
    name = op.name
    for shape, lane in SHAPE_LANE.items():
        if "_" + shape in name:
            return lane
    prefix = name.split(".")[0]
    if prefix in SHAPE_LANE:
        return SHAPE_LANE[prefix]
    return "i8"  # v128.* bit ops and memory ops: bytes


def shift_counts(w: int) -> List[int]:
    return [0, 1, w - 1, w, w + 1, 2 * w - 1, 31, 32, 33, 63, 64, 65, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000]


def scalar_specials(op: Op) -> Tuple[str, List[int]]:
    """(scalar type, edge bit patterns) for an op with a scalar operand."""
    assert op.params is not None
    t = [p for p in op.params if p is not ValType.V128][-1]
    lane = SHAPE_LANE.get(op.name.split(".")[0], "i32")
    if op.name.endswith(("shl", "shr_s", "shr_u")):
        return "i32", shift_counts(LANE_BITS[lane])
    if t is ValType.F32:
        return "f32", SPECIALS["f32"]
    if t is ValType.F64:
        return "f64", SPECIALS["f64"]
    if t is ValType.I64:
        return "i64", SPECIALS["i64"]
    return "i32", SPECIALS["i32"] + SPECIALS["i8"] + [0x1FF, 0x1FFFF, 0xFFFFFF7F]


# ---- case generation ----------------------------------------------------------------------------

Case = Tuple[int, int, int, int]  # a, b, c, scalar bits (64)


def _vec(rng: random.Random, lane: str) -> int:
    w = LANE_BITS[lane]
    mode = rng.random()
    if mode < 0.15:
        return rng.getrandbits(128)
    if lane == "i8" and mode < 0.3:  # shuffle/swizzle indices and small bytes
        return int.from_bytes(bytes(rng.randrange(40) for _ in range(16)), "little")
    if mode < 0.35:  # a single bit, or all lanes but one set: any_true/all_true/bitmask borders
        bit = 1 << rng.randrange(128)
        return (
            bit
            if rng.random() < 0.5
            else rng.choice(SPECIALS[lane][1:]) * (LSB_OF[lane])
            & ~(((1 << w) - 1) << (w * rng.randrange(128 // w)))
        )
    specials = SPECIALS[lane]
    v = 0
    for i in range(128 // w):
        r = rng.random()
        if r < 0.6:
            x = rng.choice(specials)
        elif r < 0.8 and lane in ("f32", "f64"):
            x = (_fbits if lane == "f32" else _dbits)(
                [rng.choice([rng.uniform(-1e4, 1e4), float(rng.randrange(-300, 300)) / 2])]
            )[0]
        else:
            x = rng.getrandbits(w)
        v |= x << (w * i)
    return v


def _mutate(rng: random.Random, v: int, lane: str) -> int:
    """A vector equal to ``v`` in some lanes (comparisons, min/max of equal and ±0 lanes)."""
    w = LANE_BITS[lane]
    other = _vec(rng, lane)
    m = 0
    for i in range(128 // w):
        if rng.random() < 0.5:
            m |= ((1 << w) - 1) << (w * i)
    out = (v & m) | (other & ~m & ((1 << 128) - 1))
    if lane in ("f32", "f64") and rng.random() < 0.3:  # flip signs: +0 vs -0
        out ^= sum(1 << (w * i + w - 1) for i in range(128 // w) if rng.random() < 0.5)
    return out


def random_cases(op: Op, n: int, seed: int) -> List[Case]:
    rng = random.Random(f"{op.name}:{seed}")
    lane = input_lane(op)
    has_scalar = (
        bool(op.params)
        and any(p is not ValType.V128 for p in op.params)
        and op.imm
        not in (
            Imm.MEMARG,
            Imm.MEMARG_LANE,
        )
    )
    sspec = scalar_specials(op) if has_scalar else ("i32", [0])
    cases = []
    for _ in range(n):
        a = _vec(rng, lane)
        b = _mutate(rng, a, lane) if rng.random() < 0.4 else _vec(rng, lane)
        c = _vec(rng, lane) if rng.random() < 0.5 else rng.getrandbits(128)
        if sspec[0] in ("f32", "i32") and rng.random() < 0.3:
            s = rng.getrandbits(32)
        elif rng.random() < 0.3:
            s = rng.getrandbits(64)
        else:
            s = rng.choice(sspec[1])
        cases.append((a, b, c, s))
    return cases


# ---- the oracle module ----------------------------------------------------------------------------

Variant = Tuple[Op, Optional[object]]  # op, immediate (lane index or shuffle lane bytes)

_SHUFFLES = [
    bytes(range(16)),
    bytes(range(31, 15, -1)),
    bytes([0] * 16),
    bytes([31] * 16),
    bytes(i // 2 + (16 if i % 2 else 0) for i in range(16)),
]
_SHUFFLES += [bytes(random.Random(k).randrange(32) for _ in range(16)) for k in range(6)]


def variants() -> List[Variant]:
    out: List[Variant] = []
    for op in SIMD_OPS:
        if op.imm in (Imm.LANE, Imm.MEMARG_LANE):
            out.extend((op, lane) for lane in range(op.lanes))
        elif op.imm == Imm.SHUFFLE:
            out.extend((op, lanes) for lanes in _SHUFFLES)
        else:
            out.append((op, None))
    return out


_LOAD = {ValType.I32: "i32.load", ValType.I64: "i64.load", ValType.F32: "f32.load", ValType.F64: "f64.load"}
_STORE = {
    ValType.I32: "i32.store",
    ValType.I64: "i64.store",
    ValType.F32: "f32.store",
    ValType.F64: "f64.store",
    ValType.V128: "v128.store",
}


def _func_wat(idx: int, op: Op, imm: object | None) -> str:
    assert op.params is not None and op.results is not None
    p = "(local.get $p)"
    if op.imm in (Imm.MEMARG, Imm.MEMARG_LANE):
        args = [p] + [f"(v128.load offset=16 {p})"] * (len(op.params) - 1)
    else:
        args, k = [], 0
        for t in op.params:
            if t is ValType.V128:
                args.append(f"(v128.load offset={16 * k} {p})")
                k += 1
            else:
                args.append(f"({_LOAD[t]} offset=48 {p})")
    if imm is None:
        imm_text = ""
    elif isinstance(imm, bytes):
        imm_text = " " + " ".join(map(str, imm))
    else:
        imm_text = f" {imm}"
    expr = f"({op.name}{imm_text} {' '.join(args)})"
    if op.results:
        expr = f"({_STORE[op.results[0]]} offset=64 {p} {expr})"
    return (
        f'(func (export "f{idx}") (param $n i32) (local $p i32)\n'
        f"  (loop $l {expr}\n"
        f"    (local.set $p (i32.add {p} (i32.const {STRIDE})))\n"
        f"    (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
    )


class Oracle:
    def __init__(self) -> None:
        tool = wasm_tools()
        if tool is None:
            pytest.skip("wasm-tools is not installed")
        self.variants = variants()
        wat = (
            f'(module (memory (export "mem") {PAGES})\n'
            + "".join(_func_wat(i, op, imm) for i, (op, imm) in enumerate(self.variants))
            + ")"
        )
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = Path(tmp, "simd.wat"), Path(tmp, "simd.wasm")
            src.write_text(wat)
            subprocess.run([tool, "parse", str(src), "-o", str(dst)], capture_output=True, check=True)
            wasm = dst.read_bytes()
        self.engine = wasmtime.Engine()
        self.store = wasmtime.Store(self.engine)
        inst = wasmtime.Instance(self.store, wasmtime.Module(self.engine, wasm), [])
        ex = inst.exports(self.store)
        self.mem = ex["mem"]
        self.funcs = {(op.name, imm): ex[f"f{i}"] for i, (op, imm) in enumerate(self.variants)}

    def run(self, op: Op, imm: object | None, cases: List[Case]) -> List[bytes]:
        """The oracle's result bytes per case (for stores: the 16 bytes at the case's start)."""
        out: List[bytes] = []
        for start in range(0, len(cases), MAX_BATCH):
            chunk = cases[start : start + MAX_BATCH]
            data = b"".join(
                a.to_bytes(16, "little")
                + b.to_bytes(16, "little")
                + c.to_bytes(16, "little")
                + s.to_bytes(8, "little")
                + bytes(24)
                for a, b, c, s in chunk
            )
            self.mem.write(self.store, data, 0)
            self.funcs[(op.name, imm)](self.store, len(chunk))
            mem = bytes(self.mem.read(self.store, 0, len(data)))
            res_off = 0 if not op.results else 64
            out.extend(mem[i * STRIDE + res_off : i * STRIDE + res_off + 16] for i in range(len(chunk)))
        return out


@cache
def oracle() -> Oracle:
    return Oracle()


_EXP = {"f32": 0x7F800000, "f64": 0x7FF0000000000000}
_PAYLOAD = {"f32": 0x7FFFFF, "f64": 0xFFFFFFFFFFFFF}
_QUIET = {"f32": 0x400000, "f64": 0x8000000000000}


def is_nan(x: int, lane: str) -> bool:
    return x & _EXP[lane] == _EXP[lane] and bool(x & _PAYLOAD[lane])


def nan_allowed(lane: str, got: int, inputs: List[int], in_lane: str) -> bool:
    """The spec's nans{inputs}: canonical if every NaN input is canonical, else any arithmetic NaN."""
    if not is_nan(got, lane):
        return False
    nans = [x for x in inputs if is_nan(x, in_lane)]
    if all(x & _PAYLOAD[in_lane] == _QUIET[in_lane] for x in nans):
        return got & _PAYLOAD[lane] == _QUIET[lane]
    return bool(got & _QUIET[lane])


def _lanes_ok(op: Op, case: Case, got: bytes, exp: bytes) -> bool:
    in_lane = NANS_RULE[op.name]
    out_lane = "f32" if op.name.startswith("f32x4") else "f64"
    ow, iw = LANE_BITS[out_lane] // 8, LANE_BITS[in_lane] // 8
    operands = case[:1] if op.params == (ValType.V128,) else case[:2]
    for i in range(16 // ow):
        g = int.from_bytes(got[i * ow : (i + 1) * ow], "little")
        e = int.from_bytes(exp[i * ow : (i + 1) * ow], "little")
        if g == e:
            continue
        if not is_nan(e, out_lane):
            return False  # the oracle's lane is a number: ours must have the same bits
        ins = [(v >> (8 * iw * i)) & ((1 << (8 * iw)) - 1) for v in operands]
        if not nan_allowed(out_lane, g, ins, in_lane):
            return False
    return True


def check(
    op: Op, imm: object | None, cases: List[Case], expected: List[bytes], results: list | None = None
) -> None:
    """Ours (computed here, or given as ``results``: bytes, or an error text) against the oracle's bytes."""
    assert op.results is not None
    rule = op.name in NANS_RULE
    nres = 16
    if op.results and op.results[0] is not ValType.V128:
        nres = 4 if op.results[0] in (ValType.I32, ValType.F32) else 8
    for k, (case, exp) in enumerate(zip(cases, expected)):
        got = ours(op, imm, case) if results is None else results[k]
        if isinstance(got, str):
            pytest.fail(f"{op.name} imm={imm!r} case={case!r}: {got}")
        exp = exp[:nres]
        if got == exp or (rule and _lanes_ok(op, case, got, exp)):
            continue
        a, b, c, s = case
        pytest.fail(
            f"{op.name} imm={imm!r}\n a={a:#034x}\n b={b:#034x}\n c={c:#034x}\n s={s:#x}\n"
            f" oracle={exp[::-1].hex()}\n ours  ={got[::-1].hex()}"
        )


# ---- tests ------------------------------------------------------------------------------------------


def test_every_simd_instruction_has_a_function() -> None:
    assert len(SIMD_OPS) == 235
    for op in SIMD_OPS:
        fn = simd.SIMD_FUNCS[op.name]
        assert fn.__name__ == op.name.replace(".", "_")
        assert getattr(simd, fn.__name__) is fn


@pytest.mark.parametrize("op", SIMD_OPS, ids=lambda op: op.name)
def test_against_wasmtime(op: Op, large: bool) -> None:
    orc = oracle()
    for v_op, imm in orc.variants:
        if v_op is not op:
            continue
        n = 400 if op.imm in (Imm.LANE, Imm.MEMARG_LANE, Imm.SHUFFLE) else 2500
        cases = random_cases(op, n * (20 if large else 1), seed=hash(imm) if imm is not None else 0)
        check(op, imm, cases, orc.run(op, imm, cases))


def test_pypy_against_wasmtime(large: bool) -> None:
    """The same functions run by PyPy (its struct, math and JIT differ in exactly the float corners),
    JIT-warm: each batch runs three times in the child and the passes must agree."""
    pypy = shutil.which("pypy3")
    if pypy is None:
        pytest.skip("pypy3 is not on PATH")
    orc = oracle()
    items, meta = [], []
    for op, imm in orc.variants:
        n = (60 if imm is not None else 400) * (10 if large else 1)
        cases = random_cases(op, n, seed=7)
        items.append([op.name, imm_to_json(imm), [[f"{x:x}" for x in c] for c in cases]])
        meta.append((op, imm, cases))
    child = Path(__file__).with_name("test_simd_calls.py")
    proc = subprocess.run(
        [pypy, str(child), "3"], input=json.dumps(items), capture_output=True, text=True, timeout=1200
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    for (op, imm, cases), res in zip(meta, json.loads(proc.stdout)):
        got = [r if r.startswith("!") else bytes.fromhex(r) for r in res]
        check(op, imm, cases, orc.run(op, imm, cases), results=got)


def _lane_strategy(lane: str):
    w = LANE_BITS[lane]
    return st.one_of(st.sampled_from(SPECIALS[lane]), st.integers(0, (1 << w) - 1))


def _vec_strategy(lane: str):
    n = 128 // LANE_BITS[lane]
    w = LANE_BITS[lane]
    return st.lists(_lane_strategy(lane), min_size=n, max_size=n).map(
        lambda xs: sum(x << (w * i) for i, x in enumerate(xs))
    )


@pytest.mark.parametrize("op", SIMD_OPS, ids=lambda op: op.name)
def test_hypothesis_against_wasmtime(op: Op, large: bool) -> None:
    orc = oracle()
    vs = [imm for v_op, imm in orc.variants if v_op is op]
    lane = input_lane(op)
    vec = _vec_strategy(lane)
    has_scalar = (
        op.params
        and any(p is not ValType.V128 for p in op.params)
        and op.imm not in (Imm.MEMARG, Imm.MEMARG_LANE)
    )
    scalar = (
        st.one_of(st.sampled_from(scalar_specials(op)[1]), st.integers(0, (1 << 64) - 1))
        if has_scalar
        else st.just(0)
    )
    case = st.tuples(vec, vec, vec, scalar)

    @settings(max_examples=200 if large else 8, deadline=None, database=None)
    @given(st.lists(case, min_size=1, max_size=6), st.sampled_from(vs))
    def run(cases, imm) -> None:  # no annotations: hypothesis may resolve them on Python 3.9
        check(op, imm, cases, orc.run(op, imm, cases))

    run()
