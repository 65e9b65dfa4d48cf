"""The validator on syntax trees built by our own text front end (no binary round trip): every
assert_invalid of core/ is rejected with the expected message, and every module the suite uses is
accepted. Binary modules of the scripts go through our decoder, quoted ones through parse()."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import List

import pytest
from valid._spec import all_files, manifest

from wasmi import ValidationError
from wasmi._valid import validate_module

wast = pytest.importorskip("wasmi._script.wast", reason="the WAST script parser has not landed")
decode = pytest.importorskip("wasmi._binary.decode", reason="the binary decoder has not landed").decode_module

FILES = all_files()
VALID_KINDS = ("ScriptModule", "AssertUnlinkable", "AssertUninstantiable", "AssertTrap")


def _tree(sm: wast.ScriptModule):
    if sm.kind == "binary":
        return decode(sm.binary())
    return sm.parse()


@functools.cache
def _commands(path: Path) -> list:
    return wast.parse_script(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_text_trees(path: Path) -> None:
    known = manifest()
    bad: List[str] = []
    for cmd in _commands(path):
        kind = type(cmd).__name__
        if kind == "AssertInvalid":
            try:
                validate_module(_tree(cmd.module))
            except ValidationError as e:
                ok = e.message.startswith(cmd.message)
                if not ok and (path.name, str(cmd.line)) not in known:
                    bad.append(f"line {cmd.line}: expected {cmd.message!r}, got {e.message!r}")
            else:
                bad.append(f"line {cmd.line}: accepted, expected {cmd.message!r}")
        elif kind in VALID_KINDS:
            sm = cmd if kind == "ScriptModule" else (cmd.module if kind != "AssertTrap" else cmd.action_or_module)
            if type(sm).__name__ != "ScriptModule":
                continue  # an assert_trap on an action
            try:
                validate_module(_tree(sm))
            except ValidationError as e:
                bad.append(f"line {cmd.line}: false rejection: {e}")
    assert not bad, "\n".join(bad)
