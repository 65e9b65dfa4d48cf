"""Regression: the encoder wrote a multi-memory memarg as flags, offset, memidx; the binary format
(and wasm-tools) put the memory index before the offset."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from wasmi._binary.encode import encode_module
from wasmi._text.parser import parse_module

WAT = """(module (memory 1) (memory $m1 1)
  (func (result i32) (i32.load $m1 offset=7 (i32.const 0))))"""


@pytest.mark.skipif(shutil.which("wasm-tools") is None, reason="wasm-tools not installed")
def test_memarg_with_memory_index_encodes_like_wasm_tools() -> None:
    ours = encode_module(parse_module(WAT))
    ref = subprocess.run(["wasm-tools", "parse", "-"], input=WAT.encode(), capture_output=True, check=True).stdout
    # wasm-tools adds a `name` section for `$m1`; we emit none, so compare without custom sections
    ref = subprocess.run(["wasm-tools", "strip", "--all", "-"], input=ref, capture_output=True, check=True).stdout
    assert ours == ref
