"""The engine's per-interpreter choice of where guest code runs (``_exec/guest.py``: the calling thread
on CPython >= 3.11, a big-stack worker thread elsewhere) must turn 100,000-deep Wasm recursion and
unbounded recursion into clean traps on the interpreter running the tests.

Run in a child process: if the choice is wrong for this interpreter the C stack overflows and the
process dies with a signal, which must fail this test rather than kill the whole test run (forcing the
calling-thread mode on CPython 3.9 did exactly that)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    from wasmi import Config, Engine, Linker, Module, Store, Trap, TrapCode
    WAT = '''(module
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
      (func $forever (export "forever") (call $forever)))'''
    engine = Engine(Config(max_call_depth=100_100))
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    print(inst.get_func(store, "down").call(store, 100_000))
    for _ in range(2):
        try:
            inst.get_func(store, "forever").call(store)
        except Trap as e:
            print(e.code is TrapCode.StackOverflow, str(e).split(":")[0].split("\\n")[0])
    """
)


def test_deep_and_unbounded_recursion_trap_cleanly_on_this_interpreter() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.split("\n")[:3] == [
        "100000",
        "True call stack exhausted",
        "True call stack exhausted",
    ]


DEFAULT_CHILD = textwrap.dedent(
    """
    from wasmi import Engine, Linker, Module, Store, Trap, TrapCode
    WAT = '''(module
      (import "env" "reenter" (func $reenter (param i32) (result i32)))
      (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (call $reenter (i32.const 0)))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
      (func $forever (export "forever") (call $forever)))'''
    engine = Engine()  # default call depth: runs on the calling thread on every interpreter
    store = Store(engine)
    linker = Linker(engine)
    rounds = [100]  # no re-entry until reset below
    from wasmi import I32
    def reenter(caller, x: I32) -> I32:
        rounds[0] += 1
        if rounds[0] > 50:
            return 0
        # re-entry from the bottom of a recursion: the depth limit still holds across the host frame
        return caller.get_export("down").call(caller, 300)
    linker.func_wrap("env", "reenter", reenter)
    inst = linker.instantiate_and_start(store, Module(engine, WAT))
    print(inst.get_func(store, "down").call(store, 500))
    for _ in range(2):
        try:
            inst.get_func(store, "forever").call(store)
        except Trap as e:
            print(e.code is TrapCode.StackOverflow)
    rounds[0] = 0
    try:
        inst.get_func(store, "down").call(store, 300)
    except Trap as e:
        print("reentry", e.code is TrapCode.StackOverflow)
    """
)


def test_default_depth_on_the_calling_thread_traps_cleanly() -> None:
    """PyPy and CPython < 3.11 run calls whose depth limit fits the main thread's stack directly (no
    hand-off to the worker); unbounded recursion and re-entry through host functions must still end in
    a clean trap, never a C stack overflow."""
    proc = subprocess.run([sys.executable, "-c", DEFAULT_CHILD], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.split("\n")[:4] == ["500", "True", "True", "reentry True"], proc.stdout + proc.stderr[-2000:]
