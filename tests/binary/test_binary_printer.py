"""The printer (wasm2wat): print -> `wasm-tools parse` must give our encoder's bytes (modulo custom
sections), for every well-formed module of the spec suite and for QuickJS."""

from __future__ import annotations

import copy
import json
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import List, Tuple

import _support
import pytest
from _binary_corpus import well_formed
from hypothesis import given, strategies as st

from wasmi._binary.decode import decode_module
from wasmi._binary.encode import encode_module
from wasmi._binary.reader import read_u32
from wasmi._syntax import instructions as I
from wasmi._syntax.ast import Module
from wasmi._text.printer import format_f32, format_f64, print_module


def _strip_customs(b: bytes) -> bytes:
    out = [b[:8]]
    pos = 8
    while pos < len(b):
        sid = b[pos]
        size, p = read_u32(b, pos + 1)
        if sid != 0:
            out.append(b[pos:p + size])
        pos = p + size
    return b"".join(out)


def _text_expressible(m: Module) -> Tuple[Module, List[str]]:
    """A copy of ``m`` without what the text format cannot ask wasm-tools for, and what was changed.

    Custom sections are not printed; local runs are one per `(local ...)` type in text (no empty or
    split runs); `(memory 0)` on a data segment still gives flags 0; the data count section is written
    by wasm-tools only when `memory.init`/`data.drop` need it.
    """
    m = copy.copy(m)
    changes = []
    m.customs = []
    funcs = []
    for f in m.funcs:
        merged: List[Tuple[int, object]] = []
        for n, t in f.locals:
            if n == 0:
                continue
            if merged and merged[-1][1] is t:
                merged[-1] = (merged[-1][0] + n, t)
            else:
                merged.append((n, t))
        if merged != f.locals:
            f = copy.copy(f)
            f.locals = merged  # type: ignore[assignment]
            changes.append("local runs")
        funcs.append(f)
    m.funcs = funcs
    datas = []
    for d in m.datas:
        if d.explicit_memory and d.memory == 0:
            d = copy.copy(d)
            d.explicit_memory = False
            changes.append("data flags 2 for memory 0")
        datas.append(d)
    m.datas = datas
    if m.data_count is not None:
        used = any(ins[0] is I.MEMORY_INIT or ins[0] is I.DATA_DROP for f in m.funcs for ins in f.body)
        if not used:
            m.data_count = None
            changes.append("unneeded data count section")
    return m, changes


def _wasm_tools_encode_all(texts: List[str]) -> List[bytes]:
    """Encode many modules with one `wasm-tools json-from-wast` run (one process per module is slow)."""
    tool = _support.wasm_tools()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "printed.wast"
        script.write_text("\n".join(texts), encoding="utf-8")
        js = Path(tmp) / "printed.json"
        r = subprocess.run([tool, "json-from-wast", str(script), "-o", str(js), "--wasm-dir", tmp],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        cmds = json.loads(js.read_text())["commands"]
        return [(Path(tmp) / c["filename"]).read_bytes() for c in cmds]


def test_printed_spec_modules_parse_back_to_the_same_bytes() -> None:
    cases = well_formed()
    modules = [decode_module(c.path.read_bytes()) for c in cases]
    theirs = _wasm_tools_encode_all([print_module(m) for m in modules])
    assert len(theirs) == len(cases)
    normalized = 0
    for c, m, t in zip(cases, modules, theirs):
        expected, changes = _text_expressible(m)
        if changes:
            normalized += 1
            # Only hand-written binaries hold encodings the text format cannot express.
            assert c.module_type == "binary", f"{c.wast}:{c.line}: {changes}"
        assert _strip_customs(t) == encode_module(expected), f"{c.wast}:{c.line}"
    print(f"printer: {len(cases)} spec modules round-trip through wasm-tools, "
          f"{normalized} after normalizing non-text-expressible encodings")


def test_printed_quickjs_parses_back_to_the_same_bytes() -> None:
    path = _support.qjs_wasm()
    if path is None or _support.wasm_tools() is None:
        pytest.skip("needs QuickJS and wasm-tools")
    m = decode_module(path.read_bytes())
    text = print_module(m)
    r = subprocess.run([_support.wasm_tools(), "parse", "-"], input=text.encode(), capture_output=True)
    assert r.returncode == 0, r.stderr[:2000]
    expected, changes = _text_expressible(m)
    assert changes == []
    want = encode_module(expected)
    assert _strip_customs(r.stdout) == want
    from wasmi._text.parser import parse_module

    back = parse_module(text)
    back.customs = []
    assert encode_module(back) == want


@pytest.mark.parametrize(
    "bits, text",
    [
        (0x3F800000, "0x1p+0"),
        (0xC0490FDB, "-0x1.921fb6p+1"),
        (0x00000001, "0x0.000002p-126"),
        (0x80000000, "-0x0p+0"),
        (0x7F800000, "inf"),
        (0x7FC00000, "nan"),
        (0xFFA00000, "-nan:0x200000"),
        (0x7F800001, "nan:0x1"),
    ],
)
def test_f32_text(bits: int, text: str) -> None:
    assert format_f32(bits) == text


def test_f64_text() -> None:
    assert format_f64(0x3FF8000000000000) == "0x1.8p+0"
    assert format_f64(0x0000000000000001) == "0x0.0000000000001p-1022"
    assert format_f64(0x7FF8000000000000) == "nan"
    assert format_f64(0xFFF0000000000001) == "-nan:0x1"


@given(st.integers(0, 2**32 - 1))
def test_f32_text_is_exact(bits: int) -> None:
    text = format_f32(bits)
    if "nan" in text or "inf" in text:
        return
    # f32 values are exact doubles, so Python's hex-float reader is an independent check.
    assert struct.unpack("<I", struct.pack("<f", float.fromhex(text)))[0] == bits


@given(st.integers(0, 2**64 - 1))
def test_f64_text_is_exact(bits: int) -> None:
    text = format_f64(bits)
    if "nan" in text or "inf" in text:
        return
    assert struct.unpack("<Q", struct.pack("<d", float.fromhex(text)))[0] == bits


def test_untrusted_names_cannot_inject_text() -> None:
    if _support.wasm_tools() is None:
        pytest.skip("needs wasm-tools")
    evil = '\n(func (export "x"))\n;) " \\ \u2028'
    src = f"""(module (func $f (export {json.dumps("e")}) (local $l i32)))"""
    r = subprocess.run([_support.wasm_tools(), "parse", "-"], input=src.encode(), capture_output=True, check=True)
    m = decode_module(r.stdout)
    assert m.names is not None
    m.names.module = evil
    m.names.funcs[0] = evil
    m.names.locals[0] = {0: evil}
    text = print_module(m)
    assert "\n(func" not in text
    r = subprocess.run([_support.wasm_tools(), "parse", "-"], input=text.encode(), capture_output=True)
    assert r.returncode == 0, r.stderr
    back = decode_module(r.stdout)
    assert len(back.funcs) == 1 and len(back.exports) == 1


def test_printed_spec_modules_parse_back_with_our_parser() -> None:
    """print -> wasmi's own text parser -> encode gives our encoder's bytes (modulo custom sections)."""
    from _binary_corpus import manifest

    from wasmi._text.parser import parse_module
    from wasmi.errors import WatError

    known = manifest("printer-parse")
    cases = well_formed()
    ok = 0
    wrong = []
    for c in cases:
        m = decode_module(c.path.read_bytes())
        expected, _ = _text_expressible(m)
        try:
            back = parse_module(print_module(m))
            back.customs = []
            good = encode_module(back) == encode_module(expected)
            why = "different bytes"
        except WatError as e:
            good, why = False, e.message
        listed = (c.wast, str(c.line)) in known
        if good:
            ok += 1
            if listed:
                wrong.append(f"{c.wast}:{c.line} passes now: remove it from the manifest")
        elif not listed:
            wrong.append(f"{c.wast}:{c.line}: {why}")
    print(f"printer -> wasmi parser: {ok}/{len(cases)} modules, {len(known)} known failures")
    assert not wrong, "\n".join(wrong)
    assert ok == len(cases) - len(known)
