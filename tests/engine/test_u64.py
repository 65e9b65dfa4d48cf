"""Unsigned i64 inside translated functions (codegen_u64): every i64 operator at the edge values, with
operands from parameters and from literals on either side, in the u64 form and in the signed form,
against wasmtime; values crossing every boundary (locals, globals, memory, calls, block results,
select); the whole spec suite in the u64 form; and the choice of form per function."""

from __future__ import annotations

import contextlib
import random
import struct
from typing import Any, Iterator, List, Tuple

import pytest
from _support import REPO, core_files

from wasmi import Engine, Linker, Module, Store
from wasmi._exec import codegen_u64
from wasmi._script.runner import load_skips, run_file
from wasmi._syntax.instructions import OPS
from wasmi._syntax.types import ValType

wasmtime = pytest.importorskip("wasmtime")

_rng = random.Random(64)
I64_EDGES = [0, 1, -1, 2, 13, 63, 64, 65, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000, 0x100000001,
             -0x100000000, 2**63 - 1, -2**63, -2**63 + 1] + [
    _rng.getrandbits(64) - 2**63 for _ in range(4)]
I32_EDGES = [0, 1, -1, 0x7FFFFFFF, -0x80000000, 31, 0x12345678]
F_EDGES = [0.0, -0.0, 1.5, -1.5, 2.0**63, -2.0**63, 2.0**64, -1.0, 9.2e18, 1.8e19, float("inf"), float("nan")]
_EDGES = {ValType.I64: I64_EDGES, ValType.I32: I32_EDGES, ValType.F32: F_EDGES, ValType.F64: F_EDGES}


@contextlib.contextmanager
def mode(m: str) -> Iterator[None]:
    saved = codegen_u64.MODE
    codegen_u64.MODE = m
    try:
        yield
    finally:
        codegen_u64.MODE = saved


def _i64_ops() -> List[Any]:
    """The scalar operators with an i64 operand or result (loads and stores are in the mix test)."""
    return [op for op in OPS if op.prefix in (None, 0xFC) and op.params and op.results is not None
            and op.imm == "none" and ValType.I64 in op.params + op.results
            and all(t in _EDGES for t in op.params + op.results)]


OPS64 = _i64_ops()


def _module_text(op: Any) -> str:
    ps, rs = op.params, op.results
    res = " ".join(t.text for t in rs)
    funcs = [f'(func (export "pp") (param {" ".join(t.text for t in ps)}) (result {res})'
             f' {" ".join(f"(local.get {i})" for i in range(len(ps)))} ({op.name}))']
    if len(ps) == 2 and ps[1] is ValType.I64 and ps[0] is ValType.I64:
        for k, c in enumerate(I64_EDGES):
            funcs.append(f'(func (export "pc{k}") (param i64) (result {res}) (local.get 0) (i64.const {c}) ({op.name}))')
            funcs.append(f'(func (export "cp{k}") (param i64) (result {res}) (i64.const {c}) (local.get 0) ({op.name}))')
    return "(module " + " ".join(funcs) + ")"


def _norm(r: Any) -> Any:
    if isinstance(r, (list, tuple)):
        return tuple(_norm(x) for x in r)
    if isinstance(r, float):
        return ("nan",) if r != r else struct.pack("<d", r)
    return r


def _call_wasmtime(store: Any, f: Any, args: List[Any]) -> Any:
    try:
        return _norm(f(store, *args))
    except wasmtime.Trap:
        return "trap"


def _call_wasmi(store: Any, f: Any, args: List[Any]) -> Any:
    from wasmi import Trap

    try:
        return _norm(f.call(store, *args))
    except Trap:
        return "trap"


def _run_both(text: str, calls: List[tuple]) -> None:
    ws = wasmtime.Store()
    wi = wasmtime.Instance(ws, wasmtime.Module(ws.engine, text), [])
    wx = wi.exports(ws)
    want = [_call_wasmtime(ws, wx[name], list(args)) for name, args in calls]
    for m in ("always", "never"):
        with mode(m):
            engine = Engine()
            store = Store(engine)
            inst = Linker(engine).instantiate_and_start(store, Module(engine, text))
            got = [_call_wasmi(store, inst.get_func(store, name), list(args)) for name, args in calls]
        bad = [(c, g, w) for c, g, w in zip(calls, got, want) if g != w]
        assert not bad, f"{m}: {len(bad)} wrong, first {bad[:5]}"


def test_the_operator_list_is_complete() -> None:
    names = {op.name for op in OPS64}
    for n in ("i64.add", "i64.rotr", "i64.lt_s", "i64.div_s", "i64.extend32_s", "i32.wrap_i64",
              "f64.convert_i64_u", "i64.trunc_sat_f32_u", "i64.reinterpret_f64", "i64.extend_i32_s"):
        assert n in names


@pytest.mark.parametrize("op", OPS64, ids=[op.name for op in OPS64])
def test_operator_at_the_edges(op: Any) -> None:
    ps = op.params
    calls: List[tuple] = []
    if len(ps) == 1:
        calls = [("pp", (a,)) for a in _EDGES[ps[0]]]
    else:
        calls = [("pp", (a, b)) for a in _EDGES[ps[0]] for b in _EDGES[ps[1]]]
        if ps[0] is ValType.I64 and ps[1] is ValType.I64:
            for k in range(len(I64_EDGES)):
                calls += [(f"pc{k}", (a,)) for a in I64_EDGES] + [(f"cp{k}", (a,)) for a in I64_EDGES]
    _run_both(_module_text(op), calls)


MIX = """(module
  (memory 1)
  (global $g (mut i64) (i64.const -2))
  (func $id (param i64) (result i64) (local.get 0))
  (func $pair (param i64 i64) (result i64 i64) (local.get 1) (local.get 0))
  (func $neg (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))
  (table funcref (elem $neg))
  (func (export "mix") (param $a i64) (param $b i64) (result i64 i64 i64)
    (local $t i64)
    (global.set $g (i64.add (global.get $g) (local.get $a)))
    (i64.store (i32.const 8) (i64.mul (local.get $a) (local.get $b)))
    (i64.store32 (i32.const 16) (i64.shl (local.get $b) (i64.const 33)))
    (local.set $t (i64.xor (i64.load (i32.const 8)) (i64.load32_s (i32.const 16))))
    (local.set $t (i64.add (local.get $t) (i64.load8_s (i32.const 9))))
    (local.set $t (i64.add (local.get $t) (call $id (i64.rotl (local.get $t) (i64.const 7)))))
    (call $pair (local.get $t) (global.get $g))
    (local.set $t (i64.sub (select (local.get $a) (local.get $b) (i64.lt_s (local.get $a) (local.get $b)))))
    (block (result i64)
      (drop (br_if 0 (i64.shr_s (local.get $t) (i64.const 3)) (i64.eqz (local.get $b))))
      (i64.div_u (call_indirect (param i64) (result i64) (local.get $t) (i32.const 0)) (i64.const 10)))
    (i64.add (i64.extend_i32_u (i32.wrap_i64 (local.get $a))) (i64.extend_i32_s (i32.wrap_i64 (local.get $b))))
    (i64.gt_u (global.get $g) (i64.const -1))
    (if (param i64) (result i64) (then (i64.const 1) (i64.sub)) (else (i64.const 1) (i64.add)))
  )
  (func (export "bits") (param $a i64) (param $b i64) (result i64 i64 i64 i64 i32 i64 i64 i64 i64)
    (i64.xor (i64.xor (i64.rotl (local.get $a) (i64.const 13)) (i64.rotr (local.get $a) (i64.const 41)))
             (i64.or (i64.mul (local.get $a) (local.get $b)) (i64.shl (local.get $b) (i64.const 9))))
    (i64.and (i64.sub (local.get $a) (local.get $b)) (local.get $b))
    (i64.add (i64.xor (i64.rotl (local.get $b) (i64.const 1)) (i64.sub (local.get $a) (local.get $b))) (i64.const -7))
    (i64.and (i64.add (local.get $a) (local.get $b)) (i64.rotl (local.get $a) (i64.const 63)))
    (i32.wrap_i64 (i64.or (i64.sub (local.get $b) (local.get $a)) (i64.const 0x100000000)))
    (i64.shr_u (i64.xor (i64.sub (local.get $b) (local.get $a)) (i64.const -1)) (i64.const 3))
    ;; narrow stores and sign extensions of unreduced results
    (i64.store8 (i32.const 0) (i64.mul (local.get $a) (local.get $b)))
    (i64.store16 (i32.const 1) (i64.sub (local.get $a) (local.get $b)))
    (i64.store32 (i32.const 3) (i64.rotl (local.get $a) (i64.const 5)))
    (i64.extend8_s (i64.add (local.get $a) (local.get $b)))
    (i64.extend32_s (i64.shl (local.get $b) (i64.const 12)))
    (i64.load (i32.const 0)))
  (func (export "loop") (param $n i32) (param $x i64) (result i64)
    (local $i i32) (local $acc i64)
    (local.set $acc (local.get $x))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 6364136223846793005)) (i64.const -3)))
        (local.set $acc (i64.xor (local.get $acc) (i64.rotr (local.get $acc) (i64.const 17))))
        (if (i64.lt_s (local.get $acc) (i64.const -5)) (then
          (local.set $acc (i64.sub (local.get $acc) (i64.extend_i32_u (local.get $i))))))
        (if (i64.ge_u (local.get $acc) (i64.const 0x8000000000000005)) (then
          (return (i64.shr_u (local.get $acc) (i64.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i64.rem_s (local.get $acc) (i64.const 1000003)))
)"""


def test_values_cross_every_boundary() -> None:
    calls = [(f, (a, b)) for f in ("mix", "bits") for a in I64_EDGES for b in I64_EDGES]
    calls += [("loop", (n, x)) for n in (0, 1, 2, 3, 10, 50) for x in I64_EDGES]
    _run_both(MIX, calls)


SKIPS = load_skips(str(REPO / "tests" / "skip-manifest.tsv"))
FILES = core_files()


@pytest.mark.parametrize("fuel", [False, True], ids=["nofuel", "fuel"])
def test_the_spec_suite_in_the_u64_form(fuel: bool) -> None:
    problems: List[str] = []
    with mode("always"):
        for path in FILES:
            r = run_file(str(path), fuel=fuel, skips=SKIPS)
            problems += [f"{path.name} line {f['line']}: {f['message']}" for f in r.failures + r.errors]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def _translation(text: str, fn: int = 0) -> str:
    from wasmi._binary.decode import decode_module
    from wasmi._exec.codegen import translate_function
    from wasmi.wat import parse_str

    return translate_function(decode_module(parse_str(text)), fn, False)[0]


KERNEL = """(module (func (param $n i32) (result i32) (local $i i32) (local $a i64)
  (block $d (loop $t (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $a (i64.add (i64.mul (local.get $a) (i64.const 3)) (i64.const 1)))
    (local.set $a (i64.xor (local.get $a) (i64.shr_u (local.get $a) (i64.const 29))))
    (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $t)))
  (i32.wrap_i64 (local.get $a))))"""
SIGNED = """(module (memory 1) (func (param $n i32) (param $x i64) (result i64)
  (block $d (loop $t (br_if $d (i32.eqz (local.get $n)))
    (local.set $x (i64.div_s (i64.load (i32.const 0)) (local.get $x)))
    (i64.store (i32.const 0) (i64.shr_s (local.get $x) (local.get $x)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $t)))
  (local.get $x)))"""


def test_the_form_is_chosen_per_function(monkeypatch: Any) -> None:
    monkeypatch.setattr(codegen_u64, "ENABLED", True)
    kernel = _translation(KERNEL)
    assert "& 0xFFFFFFFFFFFFFFFF)" in kernel and "_nt - 0x10000000000000000" not in kernel
    signed = _translation(SIGNED)
    assert "l1 < 0: l1 += " not in signed  # loads, stores and signed ops: the signed form
    monkeypatch.setattr(codegen_u64, "ENABLED", False)  # PyPy
    assert "_nt - 0x10000000000000000" in _translation(KERNEL)


def _sha512_wat() -> str:
    """SHA-512's compression function (FIPS 180-4) in WAT: K at 0, W at 1024, H at 2048, the block at 4096
    as 16 little-endian words (the caller swaps the bytes)."""
    def rotr(x: str, n: int) -> str:
        return f"(i64.rotr {x} (i64.const {n}))"

    def big_sigma(x: str, r: tuple) -> str:
        return f"(i64.xor (i64.xor {rotr(x, r[0])} {rotr(x, r[1])}) {rotr(x, r[2])})"

    def small_sigma(x: str, r: tuple) -> str:
        return f"(i64.xor (i64.xor {rotr(x, r[0])} {rotr(x, r[1])}) (i64.shr_u {x} (i64.const {r[2]})))"

    def w(k: int) -> str:
        return f"(i64.load offset={1024 + 8 * k} (local.get $o))"

    names = ["a", "b", "c", "d", "e", "f", "g", "h"]
    init = "".join(f"(local.set ${v} (i64.load offset={2048 + 8 * j} (i32.const 0)))" for j, v in enumerate(names))
    final = "".join(f"(i64.store offset={2048 + 8 * j} (i32.const 0) (i64.add (i64.load offset={2048 + 8 * j}"
                    f" (i32.const 0)) (local.get ${v})))" for j, v in enumerate(names))
    ch = "(i64.xor (i64.and (local.get $e) (local.get $f)) (i64.and (i64.xor (local.get $e) (i64.const -1)) (local.get $g)))"
    maj = ("(i64.xor (i64.xor (i64.and (local.get $a) (local.get $b)) (i64.and (local.get $a) (local.get $c)))"
           " (i64.and (local.get $b) (local.get $c)))")
    return f"""(module (memory (export "mem") 1)
  (func (export "compress") (local $o i32) {" ".join(f"(local ${v} i64)" for v in names)} (local $t1 i64) (local $t2 i64)
    (block $d (loop $l (br_if $d (i32.ge_u (local.get $o) (i32.const 128)))
      (i64.store offset=1024 (local.get $o) (i64.load offset=4096 (local.get $o)))
      (local.set $o (i32.add (local.get $o) (i32.const 8))) (br $l)))
    (block $d (loop $l (br_if $d (i32.ge_u (local.get $o) (i32.const 640)))
      (i64.store offset=1024 (local.get $o) (i64.add (i64.add {small_sigma(w(-2), (19, 61, 6))} {w(-7)})
                                                    (i64.add {small_sigma(w(-15), (1, 8, 7))} {w(-16)})))
      (local.set $o (i32.add (local.get $o) (i32.const 8))) (br $l)))
    {init}
    (local.set $o (i32.const 0))
    (block $d (loop $l (br_if $d (i32.eq (local.get $o) (i32.const 640)))
      (local.set $t1 (i64.add (i64.add (i64.add (local.get $h) {big_sigma("(local.get $e)", (14, 18, 41))}) {ch})
                              (i64.add (i64.load (local.get $o)) {w(0)})))
      (local.set $t2 (i64.add {big_sigma("(local.get $a)", (28, 34, 39))} {maj}))
      (local.set $h (local.get $g)) (local.set $g (local.get $f)) (local.set $f (local.get $e))
      (local.set $e (i64.add (local.get $d) (local.get $t1)))
      (local.set $d (local.get $c)) (local.set $c (local.get $b)) (local.set $b (local.get $a))
      (local.set $a (i64.add (local.get $t1) (local.get $t2)))
      (local.set $o (i32.add (local.get $o) (i32.const 8))) (br $l)))
    {final}))"""


def _sha512_constants() -> Tuple[List[int], List[int]]:
    """K and H0 from their definitions: the first 64 bits of the fractional parts of the cube (square)
    roots of the first 80 (8) primes, by integer roots."""
    primes: List[int] = []
    n = 2
    while len(primes) < 80:
        if all(n % p for p in primes):
            primes.append(n)
        n += 1

    def frac_root(p: int, k: int) -> int:
        # floor(p**(1/k) * 2**64) by bisection on integers, then keep the fractional 64 bits
        lo, hi = 0, 1 << 80
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if mid ** k <= p << (64 * k):
                lo = mid
            else:
                hi = mid - 1
        return lo & 0xFFFFFFFFFFFFFFFF

    return [frac_root(p, 3) for p in primes], [frac_root(p, 2) for p in primes[:8]]


@pytest.mark.parametrize("m", ["always", "never", "auto"])
def test_sha512_in_wat_matches_hashlib(m: str, monkeypatch: Any) -> None:
    """A real i64 workload (rotates, xors, adds, loads and stores of 64-bit words) in each form."""
    import hashlib

    monkeypatch.setattr(codegen_u64, "ENABLED", True)
    K, H0 = _sha512_constants()
    with mode(m):
        engine = Engine()
        store = Store(engine)
        inst = Linker(engine).instantiate_and_start(store, Module(engine, _sha512_wat()))
        mem = inst.get_memory(store, "mem")
        compress = inst.get_func(store, "compress")
        for msg in (b"", b"abc", bytes(range(256)) * 3 + b"tail"):
            mem.write(store, 0, struct.pack("<80Q", *K))
            mem.write(store, 2048, struct.pack("<8Q", *H0))
            padded = msg + b"\x80" + bytes((111 - len(msg)) % 128) + (8 * len(msg)).to_bytes(16, "big")
            for i in range(0, len(padded), 128):
                mem.write(store, 4096, struct.pack("<16Q", *struct.unpack(">16Q", padded[i:i + 128])))
                compress.call(store)
            digest = struct.pack(">8Q", *struct.unpack("<8Q", mem.read(store, 2048, 64)))
            assert digest == hashlib.sha512(msg).digest(), (m, msg[:8])
    if m == "auto":
        from wasmi._binary.decode import decode_module
        from wasmi.wat import parse_str

        assert codegen_u64._score(decode_module(parse_str(_sha512_wat())), 0) > 0  # a u64 function
