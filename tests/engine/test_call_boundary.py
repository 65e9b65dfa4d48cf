"""The host→Wasm boundary's bookkeeping: which entries are re-entries, per thread, and that it is reset
after every way out (result, trap, host exception), so the next top-level call gets its full depth."""

from __future__ import annotations

import sys
import threading

import pytest

from wasmi import Config, Engine, Linker, Module, Store, Trap, TrapCode, ValType

WAT = """(module (import "env" "cb" (func $cb (param i32) (result i32)))
  (func $f (export "f") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $cb (i32.sub (local.get 0) (i32.const 1)))))))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"""


class Boom(Exception):
    pass


def _setup(cb_hook=None):
    engine = Engine(Config(max_call_depth=3000))
    store = Store(engine)
    linker = Linker(engine)

    def cb(caller, n: ValType.I32) -> ValType.I32:
        if cb_hook is not None:
            cb_hook(n)
        return caller.get_export("f").call(caller.store, n)

    linker.func_wrap("env", "cb", cb)
    inst = linker.instantiate_and_start(store, Module(engine, WAT))
    return store, inst


def _full_depth_still_works(store, inst) -> None:
    # 2,500 Wasm frames exceed Python's default recursion limit (1,000): this passes only when the call
    # is treated as a top-level entry that raises the limit for max_call_depth
    assert sys.getrecursionlimit() < 2500
    assert inst.get_func(store, "down").call(store, 2500) == 2500


def test_reentry_result_then_full_depth() -> None:
    store, inst = _setup()
    assert inst.get_func(store, "f").call(store, 30) == 30
    _full_depth_still_works(store, inst)


def test_reentry_cap_trap_then_full_depth() -> None:
    store, inst = _setup()
    with pytest.raises(Trap) as ei:
        inst.get_func(store, "f").call(store, 100_000)
    assert ei.value.code is TrapCode.StackOverflow
    _full_depth_still_works(store, inst)


def test_host_exception_inside_reentry_then_full_depth() -> None:
    def hook(n: int) -> None:
        if n == 5:
            raise Boom("from the host")

    store, inst = _setup(hook)
    with pytest.raises(Exception) as ei:
        inst.get_func(store, "f").call(store, 20)
    chain, e = [], ei.value
    while e is not None:
        chain.append(e)
        e = e.__cause__
    assert any(isinstance(x, Boom) for x in chain)
    _full_depth_still_works(store, inst)


def test_recursion_limit_restored_after_calls() -> None:
    store, inst = _setup()
    before = sys.getrecursionlimit()
    inst.get_func(store, "f").call(store, 10)
    with pytest.raises(Trap):
        inst.get_func(store, "down").call(store, 10_000)
    assert sys.getrecursionlimit() == before


def test_threads_enter_while_another_thread_is_inside() -> None:
    # thread A parks inside a re-entry (host function waiting on an event) while thread B makes
    # top-level calls: B must get its own full depth, and A's re-entries stay re-entries
    inside, release = threading.Event(), threading.Event()

    def hook(n: int) -> None:
        if n == 3:
            inside.set()
            release.wait(30)

    store_a, inst_a = _setup(hook)
    out: dict = {}

    def run_a() -> None:
        try:
            out["a"] = inst_a.get_func(store_a, "f").call(store_a, 8)
        except BaseException as e:  # reported below
            out["a"] = e

    t = threading.Thread(target=run_a)
    t.start()
    try:
        assert inside.wait(30)
        store_b, inst_b = _setup()
        out["b"] = inst_b.get_func(store_b, "down").call(store_b, 2500)
        out["b2"] = inst_b.get_func(store_b, "f").call(store_b, 40)
    finally:
        release.set()
        t.join(30)
    assert out == {"a": 8, "b": 2500, "b2": 40}
    _full_depth_still_works(*_setup())
