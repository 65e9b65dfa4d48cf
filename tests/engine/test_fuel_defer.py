"""A pure segment's fuel deferred into the arms of the ``if`` that ends it must be unobservable: for every
budget, the same result or trap, the same fuel left and the same globals and memory as charging each
segment at its own start (docs/fuel.md; docs/RATIONALE.md "Why defer a pure segment's fuel into the if
arms?")."""

from __future__ import annotations

import pytest

from wasmi import Config, Engine, Linker, Module, Store, Trap, TrapCode
from wasmi._exec import codegen

WAT = """(module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "arms") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.mul (local.get 0) (i32.const 3)))
    (local.set 1 (i32.add (local.get 1) (global.get $g)))
    (if (i32.and (local.get 1) (i32.const 1))
      (then (i32.store (i32.const 0) (local.get 1)) (global.set $g (i32.const 7)))
      (else (global.set $g (local.get 1)) (nop) (nop) (i32.store (i32.const 4) (i32.const 9))))
    (i32.add (global.get $g) (i32.load (i32.const 0))))
  (func (export "loop") (param i32) (result i32)
    (local i32)
    (block $done (loop $top
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (if (i32.gt_u (local.get 1) (i32.const 50))
        (then (global.set $g (local.get 1)) (br $done))
        (else (i32.store (local.get 1) (local.get 0))
              (local.set 0 (i32.add (local.get 0) (i32.const 1)))))
      (br $top)))
    (global.get $g))
  (func (export "brif_loop") (param i32) (result i32)
    (local i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
      (i32.store8 (local.get 1) (i32.const 1))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br $top)))
    (block $out (result i32)
      (br_if $out (i32.const 5) (i32.eqz (local.get 0)))
      (drop)
      (global.set $g (local.get 1))
      (i32.const 6)))
  (func (export "store_then_if") (param i32) (result i32)
    (i32.store (i32.const 8) (i32.add (local.get 0) (i32.const 1)))
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "trap_in_arm") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.div_u (i32.const 1) (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.load (i32.const 70000))))))"""

CASES = [("fib", 5), ("fib", 1), ("arms", 3), ("arms", 4), ("loop", 3), ("store_then_if", 5), ("brif_loop", 6), ("brif_loop", 0), ("trap_in_arm", 1),
         ("trap_in_arm", 0), ("trap_in_arm", 2)]


def _observe(name: str, arg: int, budget: int):
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    store.set_fuel(budget)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    try:
        out = ("ok", inst.get_func(store, name).call(store, arg))
    except Trap as t:
        out = ("trap", t.code)
    fuel = store.get_fuel()
    g = inst.get_global(store, "g").get(store)
    mem = bytes(inst.get_memory(store, "mem").data(store)[:128])
    return out, fuel, g, mem


@pytest.mark.parametrize("name,arg", CASES)
def test_deferred_charging_is_unobservable(monkeypatch, name: str, arg: int) -> None:
    runs = {}
    for defer in (False, True):
        monkeypatch.setattr(codegen, "DEFER_PURE_SEGMENTS", defer)
        runs[defer] = [_observe(name, arg, budget) for budget in range(0, 120)]
    assert runs[True] == runs[False]
    assert any(r[0] == ("trap", TrapCode.OutOfFuel) for r in runs[True])
    assert runs[True][-1][0][0] in ("ok", "trap")


def test_fib_metered_code_defers() -> None:
    engine = Engine(Config(consume_fuel=True))
    m = Module(engine, WAT)
    src, _ = codegen.translate_function(m._compiled.module, 0, True)
    assert src.count("_F.refill(") == 2  # one check per arm, none at entry
