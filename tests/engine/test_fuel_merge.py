"""Merged fuel charges (docs/RATIONALE.md "Why merge fuel charges across pure segments?") must be
unobservable: for every budget, the same result or trap, the same fuel left and the same globals and
memory as charging each segment at its own start (``codegen.DEFER_PURE_SEGMENTS = False``). Also: fuel
consumed by loops counted by hand from the WAT, the trap right at a merged segment's boundary, and the
float counter's reserve (helpers.FuelCell) for budgets and costs beyond 2**52."""

from __future__ import annotations

import random
import subprocess
from typing import Any, List, Optional, Tuple

import pytest
from _support import wasm_tools

from wasmi import Config, Engine, FuelCosts, Linker, Module, Store, Trap, TrapCode
from wasmi._exec import codegen, compiled
from wasmi._exec.helpers import FuelCell

WAT = """(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  ;; a C-style switch in a loop: the pre-switch segment is deferred into the cases, the join after
  ;; the switch hoisted into them; case 2 stores, case 3 traps, case 7 falls out of the nest
  (func (export "switch") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $join
          (block $c7 (block $c3 (block $c2 (block $c1 (block $c0
            (br_table $c0 $c1 $c2 $c3 $c7 $join
              (i32.rem_u (i32.mul (local.get $i) (i32.const 7)) (i32.const 6))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $join))
            (local.set $acc (i32.sub (local.get $acc) (i32.const 3))) (br $join))
            (i32.store (i32.const 16) (local.get $acc)) (br $join))
            (if (i32.gt_u (local.get $i) (i32.const 20)) (then (unreachable)))
            (br $join))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 0x55))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (global.set $g (local.get $acc))
    (local.get $acc))
  ;; the same with a pure index: the segment up to the br_table is deferred into every case too
  (func (export "switch2") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $join
          (block $c7 (block $c3 (block $c2 (block $c1 (block $c0
            (br_table $c0 $c1 $c2 $c3 $c7 $join $done
              (i32.and (i32.shr_u (i32.mul (local.get $i) (i32.const 0x9E3779B1)) (i32.const 13))
                       (i32.const 7))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $join))
            (local.set $acc (i32.sub (local.get $acc) (i32.const 3))) (br $join))
            (i32.store (i32.const 16) (local.get $acc)) (br $join))
            (if (i32.gt_u (local.get $i) (i32.const 20)) (then (unreachable)))
            (br $join))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 0x55))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (global.set $g (local.get $acc))
    (local.get $acc))
  ;; joins reached by a pure br, an impure br (after a store), a br_if edge and the fall-through
  (func (export "joins") (param $x i32) (result i32)
    (local $y i32)
    (block $j1
      (br_if $j1 (i32.eqz (local.get $x)))
      (if (i32.and (local.get $x) (i32.const 1))
        (then (local.set $y (i32.const 3)) (br $j1))
        (else (i32.store (i32.const 0) (local.get $x)) (br $j1)))
      (local.set $y (i32.const 99)))
    (block $j2
      (block $j3
        (br_if $j3 (i32.gt_u (local.get $x) (i32.const 5)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $j2))
      (local.set $y (i32.mul (local.get $y) (i32.const 2))))
    (i32.store (i32.const 4) (local.get $y))
    (global.set $g (i32.add (global.get $g) (local.get $y)))
    (i32.div_u (local.get $y) (i32.sub (local.get $x) (i32.const 9))))
  ;; a chain of pure exit tests (mandelbrot's inner loop) before a store
  (func (export "chain") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (br_if $out (i32.gt_u (local.get $s) (i32.const 40)))
        (br_if $out (i32.eq (local.get $s) (i32.const 17)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (i32.store8 (local.get $i) (local.get $s))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  ;; a do-while loop (compilers' shape): an impure header, a pure latch whose br_if is the back edge
  ;; and charges the header too, a fall-through exit that must not
  (func (export "dowhile") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $out
      (loop $l
        (i32.store8 offset=64 (local.get $i) (local.get $s))
        (br_if $out (i32.eq (local.get $s) (i32.const 21)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $s (i32.mul (local.get $s) (i32.const 3))))
    (local.get $s))
  ;; "continue outer" from inside an inner loop (a branch that crosses a Python loop)
  (func (export "outer") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (block $done
      (loop $o
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 offset=128 (local.get $i) (local.get $s))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $j (i32.const 0))
        (loop $in
          (local.set $s (i32.add (local.get $s) (local.get $j)))
          (br_if $o (i32.gt_u (local.get $j) (local.get $i)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $in))))
    (local.get $s))
  ;; nested joins: the inner join's segment is hoisted, then the outer one through it
  (func (export "nested") (param $x i32) (result i32)
    (local $y i32)
    (block $a
      (block $b
        (block $c
          (br_if $c (i32.lt_u (local.get $x) (i32.const 3)))
          (local.set $y (i32.const 10))
          (br $b))
        (local.set $y (i32.const 20)))
      (local.set $y (i32.add (local.get $y) (local.get $x)))
      (br_if $a (i32.gt_u (local.get $y) (i32.const 25)))
      (global.set $g (local.get $y)))
    (i32.store (i32.const 8) (local.get $y))
    (local.get $y)))"""

CASES = [("switch", 0), ("switch", 5), ("switch", 25), ("switch2", 3), ("switch2", 30), ("joins", 0), ("joins", 1), ("joins", 2),
         ("joins", 7), ("joins", 9), ("chain", 10), ("chain", 3), ("nested", 1), ("nested", 4),
         ("nested", 30), ("dowhile", 0), ("dowhile", 1), ("dowhile", 9), ("dowhile", 40), ("outer", 6)]


def _observe(wasm: Any, name: str, args: Tuple[Any, ...], budget: int):
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    store.set_fuel(budget)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, wasm))
    try:
        out: Tuple[Any, ...] = ("ok", inst.get_func(store, name).call(store, *args))
    except Trap as t:
        out = ("trap", t.code)
    g = inst.get_global(store, "g")
    mem = inst.get_memory(store, "mem")
    return (out, store.get_fuel(), g.get(store) if g is not None else None,
            bytes(mem.data(store)[:256]) if mem is not None else None)


BUDGETS = list(range(0, 160)) + list(range(160, 420, 3))


@pytest.mark.parametrize("name,arg", CASES)
def test_merged_charges_are_unobservable(monkeypatch, name: str, arg: int) -> None:
    runs = {}
    for defer, fallback in ((False, False), (True, False), (True, True)):
        monkeypatch.setattr(codegen, "DEFER_PURE_SEGMENTS", defer)
        monkeypatch.setattr(compiled, "FORCE_FALLBACK", fallback)
        runs[defer, fallback] = [_observe(WAT, name, (arg,), budget) for budget in BUDGETS]
    assert runs[True, False] == runs[False, False]
    assert runs[True, True] == runs[False, False]  # the state-machine translation charges the same
    assert any(r[0] == ("trap", TrapCode.OutOfFuel) for r in runs[True, False])


def _src(name_index: int, wat: str = WAT) -> str:
    engine = Engine(Config(consume_fuel=True))
    m = Module(engine, wat)
    return codegen.translate_function(m._compiled.module, name_index, True)[0]


def test_switch_loop_charges_once_per_iteration() -> None:
    lines = _src(1).split("\n")
    step = next(i for i, t in enumerate(lines) if "l1 + 1)" in t)
    # the join after the switch charges nothing itself (its merged-away charge line is dropped)
    assert "_fu" not in lines[step - 1]
    # a case with code of its own: one charge for the loop test, the index, the case and the join
    arm = next(i for i, t in enumerate(lines) if "l2 + 1)" in t)
    assert lines[arm - 1].strip().startswith("_fu -= ")
    charge = lines[arm - 2].strip()
    assert charge.count(",") == 3, charge  # header, index, case, then the join
    index = next(i for i, t in enumerate(lines) if t.strip().startswith("s0 = "))
    test = next(i for i, t in enumerate(lines) if "(l1 >= l0)" in t)
    assert "_F.refill(" not in "".join(lines[test - 3:test])  # the loop test: deferred
    exit_ = next(i for i in range(test, index) if lines[i].strip() == "break")
    assert "_F.refill(" not in "".join(lines[exit_:index])  # the index computation: deferred


LOOP = """(module
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $i)))"""
# by hand: per iteration local.get local.get i32.ge_u br_if (4) + local.get i32.const i32.add local.set br (5);
# the exit: the 4 of the test, block and loop (2) before, local.get at the end (1)
PER_ITER, EXIT, BEFORE = 9, 4 + 1, 2


@pytest.mark.parametrize("k", [0, 1, 2, 17, 1000])
def test_loop_fuel_is_k_times_its_operators(k: int) -> None:
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    store.set_fuel(10**6)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, LOOP))
    assert inst.get_func(store, "count").call(store, k) == k
    assert 10**6 - store.get_fuel() == BEFORE + k * PER_ITER + EXIT


@pytest.mark.parametrize("k", [1, 5])
def test_trap_at_merged_boundary_leaves_exact_fuel(k: int) -> None:
    # enough for the entry and k iterations, 1 short of the next: the trap comes at the iteration's
    # header with the header unpaid (it cannot be) and nothing else charged
    engine = Engine(Config(consume_fuel=True))
    for short, left in ((1, PER_ITER - 1), (PER_ITER - 4 + 1, 3)):
        store = Store(engine)
        budget = BEFORE + k * PER_ITER + PER_ITER - short
        store.set_fuel(budget)
        inst = Linker(engine).instantiate_and_start(store, Module(engine, LOOP))
        with pytest.raises(Trap) as e:
            inst.get_func(store, "count").call(store, 100)
        assert e.value.code is TrapCode.OutOfFuel
        # the header test (4, pure) is paid when it can be, then the body (5) cannot be
        assert store.get_fuel() == (left - 4 if left >= 4 else left)


def test_budget_beyond_the_float_counter() -> None:
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    big = 2**60 + 12345
    store.set_fuel(big)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, LOOP))
    inst.get_func(store, "count").call(store, 3)
    assert store.get_fuel() == big - (BEFORE + 3 * PER_ITER + EXIT)


def test_fuel_cell_refills_from_its_reserve() -> None:
    fc = FuelCell(2**53 + 7)
    assert fc[0] == 2**53 + 7
    assert fc.cell.cell_contents == float(FuelCell.CHUNK)
    fc.cell.cell_contents = 2.0  # the float part nearly spent
    total = fc[0]
    fc.refill(10)
    assert fc.cell.cell_contents >= 10.0 and fc[0] == total
    fc.charge(total - 1)
    assert fc[0] == 1
    with pytest.raises(Trap):
        fc.refill(5, 1, 3)  # the first deferred segment (1) is paid, then the trap
    assert fc[0] == 0


def test_costs_beyond_the_inline_test() -> None:
    huge = 2**51 + 3  # above fuelplan.FUEL_FAST_MAX: charged by the helper
    engine = Engine(Config(consume_fuel=True, fuel_costs=FuelCosts(huge)))
    store = Store(engine)
    store.set_fuel(10 * huge)
    wat = '(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))'
    inst = Linker(engine).instantiate_and_start(store, Module(engine, wat))
    assert inst.get_func(store, "f").call(store, 4) == 5
    assert store.get_fuel() == 10 * huge - 3 * huge
    store.set_fuel(3 * huge - 1)
    with pytest.raises(Trap):
        inst.get_func(store, "f").call(store, 4)
    assert store.get_fuel() == 3 * huge - 1


# --- random modules ----------------------------------------------------------------------------

FLAGS = [
    "--max-imports", "0", "--ensure-termination", "--export-everything", "true",
    "--simd-enabled", "false", "--threads-enabled", "false", "--tail-call-enabled", "false",
    "--gc-enabled", "false", "--exceptions-enabled", "false", "--memory64-enabled", "false",
    "--max-memory32-bytes", "65536", "--custom-page-sizes-enabled", "false",
    "--wide-arithmetic-enabled", "false", "--custom-descriptors-enabled", "false",
    "--relaxed-simd-enabled", "false", "--extended-const-enabled", "false", "--max-memories", "1",
    "--reference-types-enabled", "false",
]


def _gen(seed: int) -> Optional[bytes]:
    rnd = random.Random(seed)
    data = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([300, 1500, 4000])))
    p = subprocess.run([wasm_tools(), "smith", *FLAGS], input=data, capture_output=True)
    return p.stdout if p.returncode == 0 else None


def _run_all(wasm: bytes, budget: int) -> List[Any]:
    """Every exported function called once (zero arguments) in export order on one instance: result or
    trap and the fuel left after each, then every exported memory and global."""
    engine = Engine(Config(consume_fuel=True, max_call_depth=200))
    store = Store(engine)
    store.set_fuel(budget)
    try:
        inst = Linker(engine).instantiate_and_start(store, Module(engine, wasm))
    except Trap as t:
        return [("inst-trap", t.code, store.get_fuel())]
    out: List[Any] = []
    exports = list(inst.exports(store))
    for ex in exports:
        f = ex.into_func()
        if f is None:
            continue
        args = [0.0 if t.name in ("F32", "F64") else None if t.is_ref else 0 for t in f.type(store).params]
        try:
            r: Any = ("ok", repr(f.call(store, *args)))
        except Trap as t:
            r = ("trap", t.code)
        out.append((ex.name, r, store.get_fuel()))
    for ex in exports:
        m, g = ex.into_memory(), ex.into_global()
        if m is not None:
            out.append(bytes(m.data(store)))
        elif g is not None:
            out.append(repr(g.get(store)))
    return out


@pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")
@pytest.mark.parametrize("seed", range(12))
def test_random_modules_merged_equals_plain(monkeypatch, seed: int) -> None:
    wasm = _gen(seed)
    if wasm is None:
        pytest.skip("smith rejected the seed")
    rnd = random.Random(seed)
    budgets = [0, 1, 2, 3, 5, 8, 13, 40, 100, 300, 1000, 5000] + [rnd.randrange(20000) for _ in range(8)]
    runs = {}
    for defer in (False, True):
        monkeypatch.setattr(codegen, "DEFER_PURE_SEGMENTS", defer)
        runs[defer] = [_run_all(wasm, b) for b in budgets]
    assert runs[True] == runs[False]
