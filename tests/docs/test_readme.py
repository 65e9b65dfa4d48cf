"""The README's examples are real: its Python blocks run, and its Quick start example prints what it says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_blocks_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has no Python example"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})


def test_readme_quick_start_example_prints_fib_20() -> None:
    example = README.parent / "examples" / "fib.wat"
    out = subprocess.run(
        [sys.executable, "-m", "wasmi", "run", str(example), "--invoke", "fib", "20"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "6765"
