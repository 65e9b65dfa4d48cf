"""A loop whose header segment is pure and jumps back to itself (directly, or through a block's end)
is its own predecessor: hoisting its charge into its ways in would link the charge to itself and the
translator looped forever building the charge (found while writing fuelplan's loop-header merge).
Such a loop keeps its own charge; fuel left is counted by hand from the WAT."""

from __future__ import annotations

import pytest

from wasmi import Config, Engine, Linker, Module, Store, Trap, TrapCode

WAT = """(module
  (func (export "self") (param i32)
    (loop $l
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
  (func (export "via_block") (param i32)
    (loop $l
      (block $b
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $b))
      (br $l))))"""


@pytest.mark.parametrize("name,entry,per_iter", [
    ("self", 1, 5),  # loop; then local.get i32.const i32.sub local.set br
    ("via_block", 1, 7),  # loop; then block local.get i32.const i32.sub local.set br, br
])
def test_self_looping_header_charges_each_iteration(name: str, entry: int, per_iter: int) -> None:
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    budget = 100
    store.set_fuel(budget)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    with pytest.raises(Trap) as e:
        inst.get_func(store, name).call(store, 0)
    assert e.value.code is TrapCode.OutOfFuel
    assert store.get_fuel() == (budget - entry) % per_iter
