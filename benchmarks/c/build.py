"""Compile the C benchmark programs to freestanding wasm32 with zig's clang (PyPI ``ziglang``).

    python benchmarks/c/build.py            # all programs
    python benchmarks/c/build.py sha256     # some

The built ``.wasm`` files are committed, so running the benchmarks needs no C toolchain. Each program
exports ``run(n) -> checksum`` and imports nothing (no libc, no WASI).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

FLAGS = [
    "--target=wasm32-freestanding",
    # pinned so a newer zig that enables post-2.0 features by default cannot change the programs
    "-mcpu=generic",
    "-O2",
    "-nostdlib",
    "-Wl,--no-entry",
    "-Wl,--export=run",
]


def build(name: str) -> Path:
    """Compile ``<name>.c`` to ``<name>.wasm``; raises CalledProcessError if the compiler fails."""
    src = HERE / f"{name}.c"
    out = HERE / f"{name}.wasm"
    cmd = [sys.executable, "-m", "ziglang", "cc", *FLAGS, str(src), "-o", str(out)]
    subprocess.run(cmd, check=True)
    return out


def main(argv: list) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("*.c"))
    for name in names:
        out = build(name)
        print(f"{out.relative_to(HERE.parent)}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
