"""Assemble the WAT kernels to ``.wasm`` (committed beside them, so runs need no assembler).

Uses ``wasm-tools parse`` when it is on PATH, else wasmi-py's own ``wasmi.wat.parse_file``.

    python benchmarks/wat/build.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def assemble(src: Path) -> bytes:
    """The binary for ``src``; raises CalledProcessError or a wasmi.WatError on bad text."""
    tool = shutil.which("wasm-tools")
    if tool:
        return subprocess.run([tool, "parse", str(src)], check=True, capture_output=True).stdout
    import wasmi.wat

    return wasmi.wat.parse_file(src)


def main(argv: list) -> int:
    srcs = [HERE / f"{n}.wat" for n in argv] if argv else sorted(HERE.glob("*.wat"))
    for src in srcs:
        out = src.with_suffix(".wasm")
        out.write_bytes(assemble(src))
        print(f"{out.relative_to(HERE.parent)}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
