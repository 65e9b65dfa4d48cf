"""Every SIMD core/ script of the spec suite (``simd_*.wast``), fuel off and on, and through the
state-machine fallback translation: one case per file and mode.

Skips come only from tests/skip-manifest.tsv (area ``spec``); they are counted and printed.
"""

from __future__ import annotations

import pytest
from _support import REPO, core_files

import wasmi._exec.compiled as compiled
from wasmi._script.runner import load_skips, run_file

FILES = core_files(simd=True)
SKIPS = load_skips(str(REPO / "tests" / "skip-manifest.tsv"))


def test_the_simd_suite_is_there() -> None:
    assert len(FILES) == 58, f"expected the 58 SIMD core scripts, found {len(FILES)}"


def _check(path, fuel: bool) -> None:
    r = run_file(str(path), fuel=fuel, skips=SKIPS)
    if r.skipped:
        print(f"{path.name}: {r.skipped} assertions skipped by the manifest")
    problems = [f"line {f['line']}: {f['command']}: {f['message']}" for f in r.failures + r.errors]
    assert not problems, f"{len(problems)} problems in {path.name}:\n" + "\n".join(problems[:30])
    # simd_linking.wast has modules and a register but no assertion: it passes by not failing
    assert r.passed + r.skipped > 0 or path.name == "simd_linking.wast"


@pytest.mark.parametrize("fuel", [False, True], ids=["nofuel", "fuel"])
@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_simd_script(path, fuel: bool) -> None:
    _check(path, fuel)


@pytest.mark.parametrize("fuel", [False, True], ids=["nofuel", "fuel"])
@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_simd_script_through_fallback(monkeypatch, path, fuel: bool) -> None:
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", True)
    _check(path, fuel)


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_simd_assertion_counts_once(path) -> None:
    """passed + failed + skipped equals the assertions wasm-tools finds in the script."""
    from _support import wasm_tools, wast_json

    if wasm_tools() is None:
        pytest.skip("wasm-tools is not installed")
    expected = sum(1 for c in wast_json(path)["commands"] if c["type"].startswith("assert_"))
    r = run_file(str(path), fuel=False, skips=SKIPS)
    assert r.passed + r.failed + r.skipped == expected
