"""docs/embedding.md's ```python blocks run, in order, in one namespace (later sections build on
earlier ones); each block is a test step, so a failure names the section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "embedding.md"


def _blocks() -> List[Tuple[str, str]]:
    """(section title, code) of every python block."""
    text = DOC.read_text()
    out = []
    section = "(top)"
    for m in re.finditer(r"^## ([^\n]+)$|^```python\n(.*?)^```", text, re.M | re.S):
        if m.group(1) is not None:
            section = m.group(1).strip()
        else:
            out.append((section, m.group(2)))
    return out


BLOCKS = _blocks()


def test_the_doc_has_examples_for_every_concept() -> None:
    sections = {s for s, _ in BLOCKS}
    for wanted in ("Hello, world", "Engine and Config", "Store", "Module", "Linker and host functions",
                   "Instance", "Exports and calls", "Memory, tables and globals", "Traps and errors"):
        assert wanted in sections


def test_examples_run_in_order() -> None:
    ns: Dict[str, Any] = {"__name__": "embedding_doc"}
    for i, (section, code) in enumerate(BLOCKS):
        try:
            exec(compile(code, f"<docs/embedding.md block {i} ({section})>", "exec"), ns)
        except Exception as e:  # name the block in the failure
            pytest.fail(f"block {i} in section {section!r} failed: {type(e).__name__}: {e}")


def test_hello_world_runs_alone() -> None:
    section, code = BLOCKS[0]
    assert section == "Hello, world"
    exec(compile(code, "<README hello world>", "exec"), {"__name__": "readme"})
