"""The text front end against the spec suite (core/, WebAssembly 2.0).

* every text module in core/ encodes to the same bytes as ``wasm-tools json-from-wast`` produced for
  it (custom sections removed from both);
* every ``assert_malformed (module quote ...)`` is rejected with a WatError whose message starts with
  the expected text;
* ``parse_script`` finds as many assertions per file as wasm-tools does.

Known differences live in tests/skip-manifest.tsv (areas "text-vs-wasm-tools", "text-message").
"""

from __future__ import annotations

import functools
from typing import Dict, List, Tuple

import pytest
from _support import REPO, core_files, wasm_tools, wast_json

from wasmi._binary.encode import encode_module
from wasmi._script import wast
from wasmi.errors import WatError

needs_wasm_tools = pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")


def _manifest(area: str) -> Dict[Tuple[str, str], str]:
    out = {}
    for raw in (REPO / "tests" / "skip-manifest.tsv").read_text().splitlines()[1:]:
        cols = raw.split("\t")
        if len(cols) >= 4 and cols[0] == area:
            if not cols[3].strip():
                raise ValueError(f"skip-manifest entry without a reason: {raw!r}")
            out[(cols[1], cols[2])] = cols[3]
    return out


@functools.cache
def _scripts() -> Dict[str, List[wast.Command]]:
    return {f.name: wast.parse_script(f.read_text(encoding="utf-8"), str(f)) for f in core_files()}


def _strip_custom(b: bytes) -> bytes:
    """The module without custom sections (section framing re-emitted as read)."""
    out = bytearray(b[:8])
    i = 8
    while i < len(b):
        sid = b[i]
        i += 1
        start = i
        n = shift = 0
        while True:
            x = b[i]
            i += 1
            n |= (x & 0x7F) << shift
            shift += 7
            if not x & 0x80:
                break
        if sid != 0:
            out.append(sid)
            out += b[start:i + n]
        i += n
    return bytes(out)


def _text_modules(cmds: List[wast.Command]) -> List[wast.ScriptModule]:
    out = []
    for c in cmds:
        m = c if isinstance(c, wast.ScriptModule) else getattr(c, "module", None) or getattr(c, "action_or_module", None)
        if isinstance(m, wast.ScriptModule) and m.kind == "text":
            out.append(m)
    return out


def test_all_core_scripts_parse() -> None:
    scripts = _scripts()
    assert len(scripts) == len(core_files()) >= 148
    assert all(scripts.values())


@needs_wasm_tools
def test_assertion_counts_match_wasm_tools() -> None:
    wrong = []
    for name, cmds in _scripts().items():
        ref = sum(1 for c in wast_json(core_files()[0].parent / name)["commands"] if c["type"].startswith("assert_"))
        mine = sum(1 for c in cmds if type(c).__name__.startswith("Assert"))
        if ref != mine:
            wrong.append((name, ref, mine))
    assert not wrong


@needs_wasm_tools
def test_text_modules_encode_like_wasm_tools() -> None:
    known = _manifest("text-vs-wasm-tools")
    compared = 0
    unlisted = []
    seen_known = set()
    for name, cmds in _scripts().items():
        ref: Dict[int, str] = {}
        for c in wast_json(core_files()[0].parent / name)["commands"]:
            if "filename" in c and c.get("module_type", "binary") == "binary":
                ref.setdefault(c["line"], c["filename"])
        for m in _text_modules(cmds):
            key = (name, str(m.line))
            fn = ref.get(m.line)
            if fn is None:
                unlisted.append((name, m.line, "no reference module on this line"))
                continue
            with open(fn, "rb") as f:
                expected = _strip_custom(f.read())
            compared += 1
            if _strip_custom(encode_module(m.module)) != expected:
                if key in known:
                    seen_known.add(key)
                else:
                    unlisted.append((name, m.line, "bytes differ"))
    assert compared >= 3700
    assert not unlisted, unlisted[:20]
    assert seen_known == set(known), f"manifest entries that now pass: {set(known) - seen_known}"


def test_quoted_malformed_modules_are_rejected_with_spec_messages() -> None:
    known = _manifest("text-message")
    total = matched = 0
    problems = []
    seen_known = set()
    for name, cmds in _scripts().items():
        for c in cmds:
            if not (isinstance(c, wast.AssertMalformed) and c.module.kind == "quote"):
                continue
            total += 1
            key = (name, str(c.line))
            try:
                c.module.binary()
            except WatError as e:
                if e.message.startswith(c.message):
                    matched += 1
                    continue
                got = e.message
            else:
                got = "<accepted>"
            if key in known:
                seen_known.add(key)
            else:
                problems.append((name, c.line, c.message, got))
    assert total >= 1000
    assert not problems, problems[:20]
    assert seen_known == set(known)
    assert matched + len(known) == total
