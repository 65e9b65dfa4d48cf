"""call_indirect through a frozen table (private, never written after instantiation) indexes a per-signature
dispatch list (``_exec/dispatch.py``). Every outcome — result, trap code, fuel left — must equal the
general path's, which the same module takes when its table is exported."""

from __future__ import annotations

import pytest

from wasmi import I32, Config, Engine, Linker, Module, Store, Trap

BODY = """
  (import "env" "host" (func $host (param i32 i32) (result i32)))
  (import "other" "mul" (func $mul (param i32 i32) (result i32)))
  (type $bin (func (param i32 i32) (result i32)))
  (type $un (func (param i32) (result i32)))
  (table $t {export} 7 7 funcref)
  (elem (table $t) (i32.const 0) func $add $sub $neg $host $mul)
  (global (export "seen") (mut i32) (i32.const 0))
  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
  (func $neg (type $un) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "call") (param $i i32) (param $a i32) (result i32)
    (call_indirect $t (type $bin) (local.get $a) (i32.const 3) (local.get $i)))
  (func (export "call_masked") (param $i i32) (param $a i32) (result i32)
    (call_indirect $t (type $bin) (local.get $a) (i32.const 3) (i32.and (local.get $i) (i32.const 7))))
  (func (export "call_un") (param $i i32) (param $a i32) (result i32)
    (call_indirect $t (type $un) (local.get $a) (local.get $i)))
"""

OTHER = """(module (func (export "mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1))))"""


def _instance(exported: bool, mode: str = "lazy_translation", fuel: bool = False):
    engine = Engine(Config(compilation_mode=mode, consume_fuel=fuel))
    store = Store(engine)
    if fuel:
        store.set_fuel(10_000)
    linker = Linker(engine)

    def host(caller, a: I32, b: I32) -> I32:
        g = caller.get_export("seen")
        g.set(caller, g.get(caller) + 1)
        return a * 100 + b

    linker.func_wrap("env", "host", host)
    other = linker.instantiate_and_start(store, Module(engine, OTHER))
    linker.define("other", "mul", other.get_export(store, "mul"))
    wat = "(module " + BODY.format(export='(export "t")' if exported else "") + ")"
    module = Module(engine, wat)
    inst = linker.instantiate_and_start(store, module)
    return store, inst, module


def _outcome(store, inst, export: str, i: int, a: int, fuel: bool):
    try:
        r = ("ok", inst.get_func(store, export).call(store, i, a))
    except Trap as e:
        r = ("trap", e.code, str(e))
    seen = inst.get_global(store, "seen").get(store)
    return r + ((seen, store.get_fuel()) if fuel else (seen,))


CASES = [(e, i, a) for e in ("call", "call_masked", "call_un")
         for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 0xFFFFFFFF) for a in (5, 0xFFFFFFFF)]


@pytest.mark.parametrize("mode", ["lazy_translation", "eager", "lazy"])
@pytest.mark.parametrize("fuel", [False, True])
def test_frozen_table_matches_exported_table(mode: str, fuel: bool) -> None:
    frozen = _instance(False, mode, fuel)
    general = _instance(True, mode, fuel)
    for export, i, a in CASES:
        got = _outcome(frozen[0], frozen[1], export, i, a, fuel)
        want = _outcome(general[0], general[1], export, i, a, fuel)
        assert got == want, (export, i, a)
    # the cases reach every kind of slot
    outcomes = {_outcome(*frozen[:2], "call", i, 5, False)[0:2] for i in range(9)}
    assert {o[0] for o in outcomes} == {"ok", "trap"}


def test_frozen_table_takes_the_dispatch_list() -> None:
    store, inst, module = _instance(False)
    assert inst.get_func(store, "call").call(store, 0, 5) == 8
    src = "".join(module._compiled.sources.values())
    assert "D0_" in src and "_ci(" in src  # unproven index: list with a range test
    inst.get_func(store, "call_masked").call(store, 1, 5)
    src = "".join(module._compiled.sources.values())
    assert "D0_0[_ix] if (_ix := (l0 & 7)) < 7" in src  # i & 7 may be 7: still range-tested
    store2, inst2, module2 = _instance(True)
    inst2.get_func(store2, "call").call(store2, 0, 5)
    assert "D0_" not in "".join(module2._compiled.sources.values())


def test_lazy_translation_updates_the_dispatch_slot() -> None:
    store, inst, module = _instance(False)
    call = inst.get_func(store, "call")
    ns = inst._inst.ns
    assert "D0_0" not in ns  # nothing translated yet
    assert call.call(store, 1, 5) == 2  # $sub's stub translates it
    sub = inst._inst.funcs[3].fn  # imports $host, $mul, then $add, $sub
    assert ns["D0_0"][1] is sub  # the slot now holds the translated function, not the stub
    assert call.call(store, 1, 5) == 2


def test_table_written_anywhere_is_not_frozen() -> None:
    wat = """(module (type $v (func (result i32)))
      (table $t 2 funcref) (elem (i32.const 0) func $a)
      (func $a (result i32) (i32.const 1))
      (func $b (result i32) (i32.const 2))
      (elem declare func $b)
      (func (export "swap") (table.set $t (i32.const 0) (ref.func $b)))
      (func (export "call") (param i32) (result i32) (call_indirect $t (type $v) (local.get 0))))"""
    engine = Engine()
    store = Store(engine)
    module = Module(engine, wat)
    inst = Linker(engine).instantiate_and_start(store, module)
    call = inst.get_func(store, "call")
    assert call.call(store, 0) == 1
    inst.get_func(store, "swap").call(store)
    assert call.call(store, 0) == 2
    assert "D0_" not in "".join(module._compiled.sources.values())


def test_proven_index_indexes_directly() -> None:
    wat = """(module (type $v (func (param i32) (result i32)))
      (table $t 4 funcref) (elem (i32.const 0) func $a $b $a $b)
      (func $a (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func $b (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (call_indirect $t (type $v) (local.get $acc) (i32.and (local.get $i) (i32.const 3))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (local.get $acc)))"""
    engine = Engine()
    store = Store(engine)
    module = Module(engine, wat)
    inst = Linker(engine).instantiate_and_start(store, module)
    acc = 0
    for i in range(10):
        acc = (acc + 1) if i % 2 == 0 else (acc * 2) & 0xFFFFFFFF
    assert inst.get_func(store, "run").call(store, 10) == acc
    src = "".join(module._compiled.sources.values())
    assert "D0_0[(" in src and "_ci(" not in src


WRITERS = {
    "table.set": "(table.set $t (i32.const 0) (ref.null func))",
    "table.grow": "(drop (table.grow $t (ref.null func) (i32.const 1)))",
    "table.fill": "(table.fill $t (i32.const 0) (ref.null func) (i32.const 1))",
    "table.copy into": "(table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 1))",
    "table.init into": "(table.init $t $seg (i32.const 0) (i32.const 0) (i32.const 1))",
    "table.copy from (reads only)": "(table.copy $u $t (i32.const 0) (i32.const 0) (i32.const 1))",
}


@pytest.mark.parametrize("mode", ["lazy_translation", "lazy"])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_which_operators_unfreeze_a_table(writer: str, mode: str) -> None:
    # lazy_translation: the validator records the writes; lazy: bodies unvalidated, the engine walks them
    wat = f"""(module (type $v (func (result i32)))
      (table $t 2 funcref) (table $u 2 funcref) (elem (table $t) (i32.const 0) func $a)
      (elem $seg func $a)
      (func $a (result i32) (i32.const 1))
      (func (export "w") {WRITERS[writer]})
      (func (export "call") (param i32) (result i32) (call_indirect $t (type $v) (local.get 0))))"""
    engine = Engine(Config(compilation_mode=mode))
    store = Store(engine)
    module = Module(engine, wat)
    inst = Linker(engine).instantiate_and_start(store, module)
    assert inst.get_func(store, "call").call(store, 0) == 1
    from wasmi._exec.dispatch import frozen_tables

    frozen = 0 in frozen_tables(module._ast)
    assert frozen == writer.endswith("(reads only)")
    assert ("table_writes" in module._ast.derived) == (mode != "lazy")
