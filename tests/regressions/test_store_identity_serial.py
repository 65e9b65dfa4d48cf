"""Regression: objects remembered their store by id(); a new store that reused a collected store's id
passed the "wrong store" check. Stores now carry a serial that is never reused."""

from __future__ import annotations

import gc

import pytest

import wasmi


def test_function_of_a_collected_store_is_refused_by_every_new_store() -> None:
    engine = wasmi.Engine()
    module = wasmi.Module(engine, '(module (func (export "f") (result i32) (i32.const 1)))')
    store = wasmi.Store(engine)
    f = wasmi.Linker(engine).instantiate_and_start(store, module).get_func(store, "f")
    del store
    gc.collect()
    # allocate many stores: without serials one of them would likely reuse the dead store's id()
    for _ in range(200):
        with pytest.raises(wasmi.WasmiError, match="wrong store"):
            f.call(wasmi.Store(engine))
