"""call_indirect's inline fast path (a Wasm function of the expected type) and every case it hands to
the checking helper: host functions (which must see the calling instance as their Caller), a function
of another type, a null entry, an index past the end, and a table grown or changed after translation."""

from __future__ import annotations

import pytest
from _support import translator

from wasmi import I32, Caller, Engine, Linker, Module, Store, Trap, TrapCode

WAT = """(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (type $u (func (param i64) (result i64)))
  (table $tab (export "tab") 4 10 funcref)
  (elem (table $tab) (i32.const 0) func $twice $host $other)
  (elem declare func $inc)
  (func $twice (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func $other (type $u) (local.get 0))
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect $tab (type $t) (local.get 1) (local.get 0)))
  (func (export "grow_inc") (result i32)
    (table.grow $tab (ref.func $inc) (i32.const 1)))
  (func (export "set_inc") (param i32) (table.set $tab (local.get 0) (ref.func $inc))))"""


@pytest.fixture(params=["structured", "fallback"])
def setup(request):
    with translator(request.param == "fallback"):
        engine = Engine()
        store = Store(engine, data="the store data")
        linker = Linker(engine)
        seen = []

        def host(caller: Caller, x: I32) -> I32:
            seen.append((caller.data, caller.get_export("tab") is not None))
            return x + 100

        linker.func_wrap("env", "host", host)
        inst = linker.instantiate_and_start(store, Module(engine, WAT))
        yield store, inst, seen


def _trap(store, f, *args) -> TrapCode:
    with pytest.raises(Trap) as info:
        f.call(store, *args)
    return info.value.code


def test_each_case_of_call_indirect(setup) -> None:
    store, inst, seen = setup
    call = inst.get_func(store, "call")
    assert call.call(store, 0, 21) == 42  # the fast path
    assert call.call(store, 1, 5) == 105 and seen == [("the store data", True)]  # host function with its Caller
    assert _trap(store, call, 2, 1) is TrapCode.BadSignature
    assert _trap(store, call, 3, 1) is TrapCode.IndirectCallToNull
    assert _trap(store, call, 4, 1) is TrapCode.TableOutOfBounds
    assert _trap(store, call, 0xFFFFFFFF, 1) is TrapCode.TableOutOfBounds
    # the translated code must see changes made after it was translated
    assert inst.get_func(store, "grow_inc").call(store) == 4
    assert call.call(store, 4, 1) == 2
    inst.get_func(store, "set_inc").call(store, 0)
    assert call.call(store, 0, 21) == 22
    assert call.call(store, 1, 5) == 105 and len(seen) == 2
