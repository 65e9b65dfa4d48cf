"""Loops whose wrap checks the range analysis removes, run near the edges (counters that do wrap at 2**32,
counters starting at 0xFFFFFFF0 or below zero, exits from the middle, writes in nested ifs, memory.grow
inside the loop), checked against values computed in Python and, for random loop shapes, against
wasmtime. Both translations (structured and state machine) run."""

from __future__ import annotations

import random
from typing import List

import pytest

import wasmi._exec.compiled as compiled
from wasmi import Engine, Linker, Module, Store

M = 0xFFFFFFFF


def _run(wat: str, name: str, *args: int) -> int:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, wat))
    return inst.get_func(store, name).call(store, *args) & M


@pytest.fixture(params=[False, True], ids=["structured", "state-machine"])
def fallback(request, monkeypatch) -> bool:
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", request.param)
    return request.param


def _sum_loop(start: int, step: int, end: int, base: int) -> int:
    """Python model of: i = start; do { acc = acc * 31 + (base + i) + (i << 2); i += step } while (i != end)."""
    i, acc = start & M, 0
    while True:
        acc = (acc * 31 + ((base + i) & M) + ((i << 2) & M)) & M
        i = (i + step) & M
        if i == end & M:
            return acc


SUM = """(module
  (func (export "f") (result i32) (local $i i32) (local $acc i32)
    (local.set $i (i32.const {start}))
    (loop $l
      (local.set $acc (i32.add (i32.add (i32.mul (local.get $acc) (i32.const 31))
                                        (i32.add (i32.const {base}) (local.get $i)))
                               (i32.shl (local.get $i) (i32.const 2))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const {step}))) (i32.const {end}))))
    (local.get $acc)))"""


@pytest.mark.parametrize("start,step,end,base", [
    (0, 1, 24, 0x100000),
    (-96, 16, 0, 0x100000),  # base + i wraps on every iteration
    (-96, 16, 0, 50),  # base + i never wraps
    (-96, 16, 0, 90),  # ... wraps on some iterations only
    (0xFFFFFFF0, 1, 5, 7),  # the counter wraps at 2**32
    (0xFFFFFFF0, 1, 0, 0xFFFFFFFF),
    (10, -1, 0, 0xFFFFFFF5),
    (5, -1, 0xFFFFFFF0, 3),  # counting down through zero
    (0x7FFFFFF0, 4, 0x80000010, 0x7FFFFFFF),
    (0xFFFFFF00, 0x40, 0x40, 0x1000),
])
def test_counted_loops(start: int, step: int, end: int, base: int, fallback: bool) -> None:
    wat = SUM.format(start=start, step=step, end=end, base=base)
    assert _run(wat, "f") == _sum_loop(start, step, end, base)


WHILE = """(module
  (func (export "f") (param $n i32) (param $k i32) (result i32) (local $i i32) (local $acc i32)
    (local.set $i (local.get $k))
    (block $exit (loop $l
      (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $i) (i32.const 0x7FFFFFFF))))
      (if (i32.lt_s (local.get $i) (i32.const 3)) (then (local.set $acc (i32.add (local.get $acc) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.add (local.get $acc) (local.get $i))))"""


@pytest.mark.parametrize("n,k", [(0, 0), (5, 0), (0xFFFFFFFF, 0xFFFFFFF0), (0x80000002, 0x7FFFFFFE), (3, 0xFFFFFFFF)])
def test_while_below(n: int, k: int, fallback: bool) -> None:
    acc, i = 0, k
    while i < n:
        acc = (acc + ((i + 0x7FFFFFFF) & M)) & M
        if (i if i < 2**31 else i - 2**32) < 3:
            acc += 1
        i += 1
    assert _run(WHILE, "f", n, k) == (acc + i) & M


EDGE = """(module
  (memory 1)
  (func (export "mid_exit") (param $stop i32) (result i32) (local $i i32) (local $p i32)
    ;; left by a branch from the middle: the value after the loop is the one at the exit
    (local.set $p (i32.const 0xFFFFFF00))
    (block $out (loop $l
      (br_if $out (i32.eq (local.get $i) (local.get $stop)))
      (local.set $p (i32.add (local.get $p) (i32.const 0x20)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.ne (local.get $i) (i32.const 24)))))
    (i32.add (i32.mul (local.get $i) (i32.const 1000)) (i32.add (local.get $p) (i32.const 0x1000))))
  (func (export "nested_if") (param $c i32) (result i32) (local $i i32) (local $n i32)
    ;; a second write in a nested if: i is no induction variable and it wraps past 2**32 - 1
    (local.set $i (i32.const 0xFFFFFFF0))
    (loop $l
      (if (i32.eq (local.get $n) (local.get $c)) (then (local.set $i (i32.add (local.get $i) (i32.const 0x10)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.ne (local.get $n) (i32.const 40))))
    (local.get $i))
  (func (export "grow") (result i32) (local $i i32) (local $s i32)
    ;; memory.grow in the middle of a counted loop; the addresses stay below the old end
    (local.set $i (i32.const -8))
    (loop $l
      (i32.store8 (i32.add (i32.const 0x10000) (local.get $i)) (local.get $i))
      (drop (memory.grow (i32.const 1)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (i32.const 0x10000) (local.get $i)))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 1)))))
    (i32.add (local.get $s) (memory.size)))
  (func (export "oob") (result i32) (local $i i32)
    ;; the last access is exactly one past the end of memory: must trap, not wrap or read short
    (local.set $i (i32.const -4))
    (loop $l
      (drop (i32.load8_u (i32.add (i32.const 0x10001) (local.get $i))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 1)))))
    (local.get $i))
)"""


def test_exit_from_the_middle(fallback: bool) -> None:
    for stop in (0, 5, 23, 24, 100):
        i = 0
        p = 0xFFFFFF00
        while i != stop:
            p = (p + 0x20) & M
            i += 1
            if i == 24:
                break
        assert _run(EDGE, "mid_exit", stop) == (i * 1000 + p + 0x1000) & M, stop


def test_write_in_nested_if(fallback: bool) -> None:
    for c in (0, 10, 39, 50):
        i = 0xFFFFFFF0
        for n in range(40):
            if n == c:
                i = (i + 0x10) & M
            i = (i + 1) & M
        assert _run(EDGE, "nested_if", c) == i


def test_memory_grow_in_loop(fallback: bool) -> None:
    assert _run(EDGE, "grow") == (sum(range(0xF8, 0x100)) + 1 + 8) & M


def test_out_of_bounds_at_the_end(fallback: bool) -> None:
    from wasmi import Trap

    with pytest.raises(Trap):
        _run(EDGE, "oob")


# --- random loop shapes against wasmtime --------------------------------------------------------------
EDGES = [0, 1, 5, 24, 0x7FFFFFF0, 0x7FFFFFFF, 0x80000000, 0xFFFFFF00, 0xFFFFFFA0, 0xFFFFFFF0, 0xFFFFFFFF]
STEPS = [1, -1, 2, 3, 4, 16, -16, 0x40, 0x7FFFFFFF, -0x80000000]
EXITS = [
    "(i32.ne (local.get $i) (i32.const {end}))",
    "(i32.ne (i32.const {end}) (local.get $i))",
    "(i32.ne (local.get $i) (local.get $n))",
    "(i32.lt_u (local.get $i) (i32.const {end}))",
    "(i32.gt_u (local.get $i) (i32.const {end}))",
    "(i32.lt_u (local.get $i) (local.get $n))",
    "(i32.gt_u (i32.const {end}) (local.get $i))",
    "(local.get $i)",
]


def _random_module(rnd: random.Random) -> str:
    start, end, pstart = (rnd.choice(EDGES + [rnd.getrandbits(32)]) for _ in range(3))
    step, pstep = rnd.choice(STEPS), rnd.choice(STEPS + [384])
    cond = rnd.choice(EXITS).format(end=end)
    guard = rnd.choice(["", "(br_if $out (i32.eqz (local.get $n)))",
                        "(br_if $out (i32.ge_u (local.get $i) (local.get $n)))"])
    nested = rnd.choice(["", "", "(if (i32.eq (local.get $g) (i32.const 7)) (then (local.set $i (local.get $n))))"])
    inc = rnd.choice([
        f"(local.set $i (i32.add (local.get $i) (i32.const {step})))",
        f"(local.set $i (i32.sub (local.get $i) (i32.const {-step})))",
        f"(local.set $i (i32.add (i32.const {step}) (local.get $i)))",
    ])
    if rnd.random() < 0.3:
        # the increment inside the exit test, after the bound: while (K OP ++i)
        tee = f"(local.tee $i (i32.add (local.get $i) (i32.const {step})))"
        inc = ""
        cond = rnd.choice([f"(i32.ne (local.get $n) {tee})", f"(i32.ne (i32.const {end}) {tee})",
                           f"(i32.gt_u (local.get $n) {tee})", f"(i32.lt_u (i32.const {end}) {tee})",
                           f"(i32.ne (local.get $m) {tee})"])
    return f"""(module
  (func (export "f") (param $n i32) (param $c i32) (result i32) (local $i i32) (local $p i32) (local $g i32) (local $acc i32)
    (local $m i32)
    (local.set $i (i32.const {start}))
    (local.set $p (i32.const {pstart}))
    ;; m = min(n, 129) + 1, a bound the select's condition narrows
    (local.set $m (i32.add (select (local.get $n) (i32.const 129) (i32.lt_u (local.get $n) (i32.const 129)))
                           (i32.const 1)))
    (block $out
      {guard}
      (loop $l
        (br_if $out (i32.ge_u (local.get $g) (i32.const 200)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (local.set $acc (i32.xor (i32.mul (local.get $acc) (i32.const 31))
          (i32.add (i32.add (local.get $p) (local.get $i)) (i32.sub (local.get $c) (local.get $i)))))
        (local.set $acc (i32.add (local.get $acc) (i32.add (i32.lt_s (local.get $i) (local.get $c))
          (i32.add (i32.lt_s (local.get $i) (i32.const 100)) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $i) (i32.const {end}))))
        {nested}
        (local.set $p (i32.add (local.get $p) (i32.const {pstep})))
        {inc}
        (br_if $l {cond})))
    (i32.add (local.get $acc) (i32.add (local.get $i) (local.get $p)))))"""


def test_random_loops_agree_with_wasmtime(fallback: bool) -> None:
    wasmtime = pytest.importorskip("wasmtime")
    from wasmi.wat import parse_str

    rnd = random.Random(20261124 + fallback)
    problems: List[str] = []
    for _ in range(150):
        wat = _random_module(rnd)
        wasm = parse_str(wat)
        weng = wasmtime.Engine()
        wst = wasmtime.Store(weng)
        wf = wasmtime.Instance(wst, wasmtime.Module(weng, wasm), []).exports(wst)["f"]
        engine = Engine()
        store = Store(engine)
        f = Linker(engine).instantiate_and_start(store, Module(engine, wasm)).get_func(store, "f")
        for n in (0, 1, 24, 0xFFFFFFA0, rnd.choice(EDGES)):
            c = rnd.choice(EDGES)
            sn, sc = (x - 2**32 if x >= 2**31 else x for x in (n, c))
            want = wf(wst, sn, sc) & M
            got = f.call(store, n, c) & M
            if want != got:
                problems.append(f"n={n:#x} c={c:#x}: wasmtime {want:#x}, wasmi {got:#x}\n{wat}")
    assert not problems, problems[0]


SIGNED = """(module
  (memory 1)
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "mix") (param $n i32) (result i32) (local $i i32) (local $acc i32) (local $j i32)
    (loop $o  ;; twice, so that the inner loop outweighs the conversions after it
    (local.set $i (i32.const -64))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.xor (local.get $i) (i32.const 0x5555))))
      (local.set $acc (i32.add (local.get $acc) (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $acc (i32.add (local.get $acc) (i32.lt_s (local.get $i) (local.get $n))))
      (local.set $acc (i32.add (local.get $acc) (i32.shr_u (local.get $i) (i32.const 28))))
      (local.set $acc (i32.add (local.get $acc) (call $id (local.get $i))))
      (i32.store (i32.const 0) (local.get $i))
      (local.set $acc (i32.add (local.get $acc) (i32.load (i32.const 0))))
      (local.set $acc (i32.add (local.get $acc) (i32.eqz (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $i) (i32.const 0x1000))))
      (local.set $acc (i32.add (local.get $acc) (i32.sub (i32.const 0x1000) (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (i32.add (i32.const 0x10000) (local.get $i)))))
      (local.set $acc (i32.add (local.get $acc) (block (result i32) (local.get $i))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))
    (br_if $o (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 2))))
    ;; other writes are converted: a parameter (maybe >= 2**31), then steps across 2**31 and 2**32
    (local.set $i (local.get $n))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (local.set $acc (i32.add (local.get $acc) (local.get $i)))
    (local.set $i (i32.add (local.get $i) (i32.const 0x7FFFFFFF)))
    (local.set $acc (i32.xor (local.get $acc) (local.get $i)))
    (i32.add (local.get $acc) (local.get $i)))
  (func (export "oob_signed") (param $k i32) (result i32) (local $i i32) (local $s i32)
    ;; a signed counter as an address: the last read is one past the end of memory (k = 0 reads 0..0xFFFF)
    (local.set $k (select (i32.const 1) (i32.const 0) (local.get $k)))  ;; k in [0, 1]: the sum is ranged
    (local.set $i (i32.const -16))
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (i32.add (i32.const 0x10000) (local.get $k))
                                                                   (local.get $i)))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 1)))))
    (local.get $s))
)"""


def test_signed_locals_agree_with_wasmtime(fallback: bool) -> None:
    wasmtime = pytest.importorskip("wasmtime")
    from wasmi._binary.decode import decode_module
    from wasmi._exec.codegen import translate_function
    from wasmi.wat import parse_str

    wasm = parse_str(SIGNED)
    src, _ = translate_function(decode_module(wasm), 1, False)
    assert "l1 = (-64)" in src and "(l1 + 4)" in src  # the counter really is held signed
    src, _ = translate_function(decode_module(wasm), 2, False)
    assert "+ l1)" in src  # the address adds the raw signed counter
    weng = wasmtime.Engine()
    wst = wasmtime.Store(weng)
    wx = wasmtime.Instance(wst, wasmtime.Module(weng, wasm), []).exports(wst)
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, wasm))
    for n in (0, 1, 5, 0x7FFFFFFF, 0x80000000, 0xFFFFFFC0, 0xFFFFFFFE, 0xFFFFFFFF):
        want = wx["mix"](wst, n - 2**32 if n >= 2**31 else n) & M
        assert inst.get_func(store, "mix").call(store, n) & M == want, hex(n)
    assert inst.get_func(store, "oob_signed").call(store, 0) == 0
    from wasmi import Trap

    with pytest.raises(Trap):
        inst.get_func(store, "oob_signed").call(store, 1)
