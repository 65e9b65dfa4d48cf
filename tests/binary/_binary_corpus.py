"""The binary modules of the spec suite, as `wasm-tools json-from-wast` writes them (a reference encoder)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, List, NamedTuple, Set, Tuple

import _support
import pytest

# Commands whose module the suite expects to decode (they may still be invalid or fail later).
WELL_FORMED = {"module", "assert_invalid", "assert_unlinkable", "assert_trap", "assert_uninstantiable"}


class Case(NamedTuple):
    wast: str
    line: int
    command: str
    module_type: str  # "text": encoded by wasm-tools; "binary": bytes written by hand in the script
    path: Path
    expected: str  # the expected message of an assert_malformed, else ""


def cases() -> List[Case]:
    if _support.wasm_tools() is None or not _support.CORE.exists():
        pytest.skip("needs wasm-tools and the spec suite")
    out = []
    for wast in _support.core_files():
        for cmd in _support.wast_json(wast)["commands"]:
            fn = cmd.get("filename")
            if not fn or not fn.endswith(".wasm"):
                continue
            out.append(Case(wast.name, cmd["line"], cmd["type"], cmd.get("module_type", "text"), Path(fn),
                            cmd.get("text", "")))
    return out


def well_formed() -> List[Case]:
    return [c for c in cases() if c.command in WELL_FORMED]


def malformed() -> List[Case]:
    return [c for c in cases() if c.command == "assert_malformed" and c.module_type == "binary"]


def manifest(area: str) -> Set[Tuple[str, str]]:
    """(file, item) pairs listed as known failures for ``area`` in tests/skip-manifest.tsv."""
    path = _support.REPO / "tests" / "skip-manifest.tsv"
    out = set()
    with path.open(newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 4 and row[0] == area:
                out.add((row[1], row[2]))
    return out


def by_file(cs: List[Case]) -> Dict[str, List[Case]]:
    out: Dict[str, List[Case]] = {}
    for c in cs:
        out.setdefault(c.wast, []).append(c)
    return out
