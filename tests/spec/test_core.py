"""Every non-SIMD core/ script of the spec suite, fuel off and on: one case per file and mode.

Skips come only from tests/skip-manifest.tsv (area ``spec``); they are counted and printed.
"""

from __future__ import annotations

import pytest
from _support import REPO, core_files

from wasmi._script.runner import load_skips, run_file

FILES = core_files(simd=False)
SKIPS = load_skips(str(REPO / "tests" / "skip-manifest.tsv"))


def test_the_suite_is_there() -> None:
    assert len(FILES) == 90, f"expected the 90 non-SIMD core scripts, found {len(FILES)}"


@pytest.mark.parametrize("fuel", [False, True], ids=["nofuel", "fuel"])
@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_core_script(path, fuel: bool) -> None:
    r = run_file(str(path), fuel=fuel, skips=SKIPS)
    if r.skipped:
        print(f"{path.name}: {r.skipped} assertions skipped by the manifest")
    problems = [f"line {f['line']}: {f['command']}: {f['message']}" for f in r.failures + r.errors]
    assert not problems, f"{len(problems)} problems in {path.name}:\n" + "\n".join(problems[:30])
    assert r.passed + r.skipped > 0 or path.name == "inline-module.wast"


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_core_script_lazy_bodies(path) -> None:
    """compilation_mode="lazy": bodies decoded and validated when first run; an assert_invalid or
    assert_malformed about a body holds once every body is checked (counted in ``deferred``)."""
    r = run_file(str(path), skips=SKIPS, lazy=True)
    problems = [f"line {f['line']}: {f['command']}: {f['message']}" for f in r.failures + r.errors]
    assert not problems, f"{len(problems)} problems in {path.name}:\n" + "\n".join(problems[:30])
    eager = run_file(str(path), skips=SKIPS)
    assert (r.passed, r.skipped) == (eager.passed, eager.skipped) and eager.deferred == 0


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_assertion_counts_once(path) -> None:
    """passed + failed + skipped equals the assertions wasm-tools finds in the script."""
    from _support import wasm_tools, wast_json

    if wasm_tools() is None:
        pytest.skip("wasm-tools is not installed")
    expected = sum(1 for c in wast_json(path)["commands"] if c["type"].startswith("assert_"))
    r = run_file(str(path), fuel=False, skips=SKIPS)
    assert r.passed + r.failed + r.skipped == expected


def test_lazy_bodies_defer_the_body_assertions_only() -> None:
    # binary-leb128.wast holds malformed LEBs inside bodies (reported on first call when lazy) and in
    # module-level fields and body sizes (still reported by Module(), with the eager message)
    path = next(f for f in FILES if f.name == "binary-leb128.wast")
    r = run_file(str(path), skips=SKIPS, lazy=True)
    assert not r.failures and 0 < r.deferred < r.passed
