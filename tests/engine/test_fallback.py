"""The state-machine fallback translation runs the control-flow-heavy spec scripts correctly, and
is chosen automatically for functions nested deeper than CPython compiles."""

from __future__ import annotations

import pytest
from _support import CORE

import wasmi
import wasmi._exec.compiled as compiled
from wasmi._script.runner import run_file

FILES = ["block.wast", "br.wast", "br_if.wast", "br_table.wast", "loop.wast", "if.wast", "labels.wast",
         "switch.wast", "unwind.wast", "return.wast", "call_indirect.wast", "fac.wast", "stack.wast",
         "nop.wast", "select.wast", "local_tee.wast", "memory_grow.wast"]


@pytest.fixture
def forced(monkeypatch):
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", True)


@pytest.mark.parametrize("fuel", [False, True], ids=["nofuel", "fuel"])
@pytest.mark.parametrize("name", FILES)
def test_spec_script_through_fallback(forced, name: str, fuel: bool) -> None:
    r = run_file(str(CORE / name), fuel=fuel)
    assert r.passed > 0
    assert not r.failures and not r.errors, (r.failures + r.errors)[:5]


def _nested(depth: int) -> str:
    # `depth` nested blocks, all targets of one br_table; leaving block k adds 1 per enclosing level
    opens = "(block $l0 (result i32) " + "".join(
        f"(i32.add (i32.const 1) (block $l{i} (result i32) " for i in range(1, depth))
    labels = " ".join(f"$l{i}" for i in range(depth))
    inner = f"(br_table {labels} (i32.const 7) (local.get 0))"
    closes = ")" + "))" * (depth - 1)
    return f"(module (func (export \"f\") (param i32) (result i32) {opens}{inner}{closes}))"


@pytest.mark.parametrize("depth", [5, 19, 20, 21, 25, 60, 300])
def test_deep_nesting_compiles_and_runs(depth: int) -> None:
    engine = wasmi.Engine()
    store = wasmi.Store(engine)
    module = wasmi.Module(engine, _nested(depth))
    f = wasmi.Linker(engine).instantiate_and_start(store, module).get_func(store, "f")
    for k in (0, 1, depth // 2, depth - 1):
        assert f.call(store, k) == 7 + k
    assert f.call(store, depth + 5) == 7 + depth - 1
    src = module._compiled.sources[0]
    assert ("_pc" in src) == (depth > 20), "the fallback is used exactly when the nesting is too deep"


def test_deep_nested_loops_with_a_counter() -> None:
    depth = 40
    opens = "".join(f"(loop $l{i} " for i in range(depth))
    body = ("(local.set 1 (i32.add (local.get 1) (i32.const 1)))"
            "(br_if $l0 (i32.lt_u (local.get 1) (local.get 0)))")
    wat = (f"(module (func (export \"f\") (param i32) (result i32) (local i32) {opens}{body}"
           f"{')' * depth} (local.get 1)))")
    engine = wasmi.Engine()
    store = wasmi.Store(engine)
    f = wasmi.Linker(engine).instantiate_and_start(store, wasmi.Module(engine, wat)).get_func(store, "f")
    assert f.call(store, 1000) == 1000
