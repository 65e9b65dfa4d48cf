"""Shared by the validator's spec-suite tests: which modules the suite expects to be invalid or valid,
and the skip manifest's "valid-message" entries."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

from _support import REPO, core_files, wast_json

AREA = "valid-message"

# The commands whose module the suite expects to pass validation (the module is linked, run or
# instantiated after it).
VALID_COMMANDS = ("module", "assert_unlinkable", "assert_uninstantiable", "assert_trap")


class Case(NamedTuple):
    file: str
    line: int
    wasm: Path
    expected: Optional[str]  # the assert_invalid text, or None for a module expected to be valid


@functools.cache
def cases(wast: Path) -> Tuple[List[Case], List[Case]]:
    """(assert_invalid cases, modules expected to be valid) of one .wast file."""
    invalid: List[Case] = []
    valid: List[Case] = []
    for cmd in wast_json(wast)["commands"]:
        kind = cmd["type"]
        if "filename" not in cmd:
            continue
        path = Path(cmd["filename"])
        if cmd.get("module_type") == "text":
            if "binary_filename" not in cmd:
                continue  # a quoted text module that wasm-tools could not encode
            path = path.parent / cmd["binary_filename"]
        if kind == "assert_invalid":
            invalid.append(Case(wast.name, cmd["line"], path, cmd["text"]))
        elif kind in VALID_COMMANDS:
            valid.append(Case(wast.name, cmd["line"], path, None))
    return invalid, valid


def all_files() -> List[Path]:
    return core_files()


@functools.cache
def manifest() -> Dict[Tuple[str, str], str]:
    """Known message differences: (file, line) -> reason, from tests/skip-manifest.tsv."""
    out: Dict[Tuple[str, str], str] = {}
    path = REPO / "tests" / "skip-manifest.tsv"
    for raw in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) >= 4 and cols[0] == AREA:
            if not cols[3].strip():
                raise ValueError(f"skip-manifest entry without a reason: {raw!r}")
            out[(cols[1], cols[2])] = cols[3]
    return out
