"""Differential test of the WAT parser against wasm-tools on random modules.

``wasm-tools smith`` (2.0 feature set, seeded) makes a module; ``wasm-tools print`` turns it into text
in three styles (flat with numeric indices, ``--name-unnamed`` so every reference is a ``$name``, and
``--fold-instructions``). Our ``parse_str`` of each text must give the bytes ``wasm-tools parse`` gives
for the same text (custom sections removed). Default 8 modules; ``--large`` 300.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path
from typing import List, Optional

import pytest
from _support import SMITH_WASM2_FLAGS, wasm_tools
from test_text_spec import _strip_custom

from wasmi.wat import parse_str

TOOL = wasm_tools()
pytestmark = pytest.mark.skipif(TOOL is None, reason="wasm-tools is not installed")

SMITH_FLAGS = SMITH_WASM2_FLAGS
STYLES = ([], ["--name-unnamed"], ["--fold-instructions", "--name-unnamed"])
BASE_SEED = 7100


def _smith(seed: int, workdir: Path) -> Optional[Path]:
    rng = random.Random(seed)
    out = workdir / f"s{seed}.wasm"
    for _ in range(10):
        raw = bytes(rng.getrandbits(8) for _ in range(rng.choice((2000, 8000, 30000))))
        r = subprocess.run([TOOL, "smith", *SMITH_FLAGS, "-o", str(out)], input=raw, capture_output=True)
        if r.returncode == 0:
            return out
    return None


def test_printed_smith_modules_parse_like_wasm_tools(tmp_path: Path, large: bool) -> None:
    count = 300 if large else 8
    problems: List[str] = []
    compared = 0
    for seed in range(BASE_SEED, BASE_SEED + count):
        wasm = _smith(seed, tmp_path)
        if wasm is None:
            continue
        for style in STYLES:
            text = subprocess.run([TOOL, "print", *style, str(wasm)], capture_output=True, text=True, check=True).stdout
            src = tmp_path / "m.wat"
            src.write_text(text)
            ref = subprocess.run([TOOL, "parse", str(src), "-o", "/dev/stdout"], capture_output=True, check=True).stdout
            compared += 1
            try:
                got = parse_str(text)
            except Exception as e:  # noqa: BLE001 - any failure is a finding
                problems.append(f"seed {seed} {style}: {type(e).__name__}: {str(e)[:200]}")
                continue
            if _strip_custom(got) != _strip_custom(ref):
                problems.append(f"seed {seed} {style}: bytes differ")
    assert compared >= count  # smith made at least one module per seed on average
    assert not problems, problems[:10]
