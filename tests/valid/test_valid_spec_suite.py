"""The validator against the spec suite (core/, WebAssembly 2.0): every assert_invalid module is
rejected with the expected message, and every module the suite uses is accepted."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from _support import wasm_tools
from valid._spec import all_files, cases, manifest

from wasmi import DecodeError, ValidationError
from wasmi._valid import validate_module

decode = pytest.importorskip("wasmi._binary.decode", reason="the binary decoder has not landed").decode_module

pytestmark = pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")

FILES = all_files()


@functools.cache
def invalid_results(wast: Path) -> List[Tuple[int, str, str]]:
    """(line, expected, outcome) per assert_invalid; outcome is "ok", or what went wrong."""
    out = []
    for case in cases(wast)[0]:
        data = case.wasm.read_bytes()
        try:
            module = decode(data)
        except DecodeError as e:
            out.append((case.line, case.expected, f"decoder rejected it: {e}"))
            continue
        try:
            validate_module(module)
        except ValidationError as e:
            if e.message.startswith(case.expected):
                out.append((case.line, case.expected, "ok"))
            else:
                out.append((case.line, case.expected, f"wrong message: {e.message!r}"))
        else:
            out.append((case.line, case.expected, "accepted (false acceptance)"))
    return out


@pytest.mark.parametrize("wast", FILES, ids=[f.stem for f in FILES])
def test_assert_invalid(wast: Path) -> None:
    known = manifest()
    bad = []
    for line, expected, outcome in invalid_results(wast):
        listed = (wast.name, str(line)) in known
        if outcome == "ok" and listed:
            bad.append(f"line {line}: passes now; remove it from tests/skip-manifest.tsv")
        elif outcome != "ok" and not listed:
            bad.append(f"line {line}: expected {expected!r}: {outcome}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("wast", FILES, ids=[f.stem for f in FILES])
def test_valid_modules(wast: Path) -> None:
    bad = []
    for case in cases(wast)[1]:
        try:
            validate_module(decode(case.wasm.read_bytes()))
        except ValidationError as e:
            bad.append(f"line {case.line}: false rejection: {e}")
    assert not bad, "\n".join(bad)


def test_assert_invalid_figures() -> None:
    """Prints the totals (run with -s); fails if any unlisted message differs."""
    totals: Dict[str, int] = {"ok": 0, "wrong message": 0, "accepted": 0, "decoder": 0}
    for wast in FILES:
        for _line, _exp, outcome in invalid_results(wast):
            key = outcome.split(" ")[0]
            key = {"ok": "ok", "wrong": "wrong message", "accepted": "accepted", "decoder": "decoder"}[key]
            totals[key] += 1
    n = sum(totals.values())
    print(
        f"\nassert_invalid: {n} modules; {totals['ok']} rejected with the expected message, "
        f"{totals['wrong message']} with another message, {totals['accepted']} wrongly accepted, "
        f"{totals['decoder']} rejected by the decoder; {len(manifest())} listed in the skip manifest"
    )
    assert n > 2000
    assert totals["accepted"] == 0
