"""Random and mutated text into the WAT and WAST parsers: only WatError may come out, never another
exception (IndexError, KeyError, RecursionError, ...) and never a hang (hypothesis deadline).
``WASMI_FUZZ_EXAMPLES=3000`` runs many more examples than the CI default."""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from wasmi._script.wast import parse_script
from wasmi._text.parser import parse_module
from wasmi.errors import WatError

try:
    from _support import CORE
except ImportError:  # pragma: no cover - run outside the test tree
    CORE = None

EXAMPLES = int(os.environ.get("WASMI_FUZZ_EXAMPLES", "150"))

SEEDS = [
    '(module (type $t (func (param i32) (result i32))) (import "m" "f" (func $i (type $t)))'
    ' (table $tb 2 funcref) (memory $m 1 2) (global $g (mut i64) (i64.const -1))'
    ' (func $f (export "f") (param $x i32) (result i32) (local $y f64)'
    '   (block $b (result i32) (loop $l (br_if $l (i32.eqz (local.get $x))))'
    '     (if (result i32) (local.get 0) (then (i32.const 1)) (else (br $b (i32.const 2)))))'
    '   (call_indirect $tb (type $t) (i32.const 0) (i32.const 0)) drop'
    '   (v128.const f32x4 1.5 -0x1p3 nan inf) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) drop'
    '   (i64.store offset=8 align=8 (i32.const 0) (global.get $g)))'
    ' (elem (i32.const 0) $f $i) (elem funcref (ref.func $f) (item (ref.null func)))'
    ' (data (memory $m) (offset (i32.const 1)) "a\\00\\u{2603}") (start $i2) (func $i2))',
    "(module (func block $a i32.const 0 if $b else $b end $b end $a) (memory (data \"xy\")) (table funcref (elem 0)))",
]
SCRIPT_SEED = (
    '(module $M (func (export "f") (param i32) (result i32) (local.get 0)))\n'
    '(register "M" $M)\n'
    '(assert_return (invoke $M "f" (i32.const 7)) (i32.const 7))\n'
    '(assert_return (invoke "g") (f32.const nan:canonical) (v128.const f64x2 nan:arithmetic 1) (ref.extern))\n'
    '(assert_trap (invoke "f" (i64.const 1)) "unreachable")\n'
    '(assert_malformed (module quote "(func (i32.const 1x))") "unknown operator")\n'
    '(assert_invalid (module binary "\\00asm" "\\01\\00\\00\\00") "type mismatch")\n'
)
ATOMS = [
    "(", ")", "(", ")", "module", "func", "param", "result", "local", "block", "loop", "if", "then", "else",
    "end", "br", "br_table", "i32.const", "f32.const", "v128.const", "i32x4", "f64x2", "i8x16.shuffle",
    "call", "call_indirect", "type", "table", "memory", "data", "elem", "item", "offset", "declare",
    "import", "export", "global", "mut", "i32", "f64", "funcref", "externref", "$a", "$b", "0", "1",
    "-1", "0x1p-3", "nan:0x1", "inf", "offset=4", "align=3", '"s"', '"\\ff"', "(;", ";)", ";;", "(@a",
    "select", "ref.null", "ref.func", "table.init", "memory.init", "assert_return", "invoke", "\n",
]


def _spec_modules() -> list:
    """Module texts from a few spec scripts (all index spaces, abbreviations, SIMD), else SEEDS."""
    out: list = []
    names = ("imports", "elem", "data", "block", "if", "simd_lane", "memory", "table", "global", "func",
             "br_table", "call_indirect", "exports", "start", "bulk", "select", "ref_func", "table_init")
    for n in names:
        path = CORE / f"{n}.wast" if CORE is not None else None
        if path is None or not path.exists():
            continue
        for c in parse_script(path.read_text(encoding="utf-8")):
            src = getattr(c, "source", None)
            if getattr(c, "kind", None) == "text" and src and len(src) < 4000:
                out.append(src)
    return out or SEEDS


SPEC_MODULES = _spec_modules()
_TOKEN = re.compile(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+')


@st.composite
def token_mutated(draw: st.DrawFn) -> str:
    """A spec module with one to three token-level edits (delete, insert, replace, duplicate)."""
    toks = _TOKEN.findall(draw(st.sampled_from(SPEC_MODULES)))
    for _ in range(draw(st.integers(1, 3))):
        if not toks:
            break
        i = draw(st.integers(0, len(toks) - 1))
        op = draw(st.integers(0, 3))
        if op == 0:
            del toks[i]
        elif op == 1:
            toks.insert(i, draw(st.sampled_from(ATOMS)))
        elif op == 2:
            toks[i] = draw(st.sampled_from(ATOMS))
        else:
            j = draw(st.integers(i, min(len(toks), i + 8)))
            toks[i:i] = toks[i:j]
    return " ".join(toks)


def _check(fn, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        fn(text)
    except WatError:
        pass


@st.composite
def mutated(draw: st.DrawFn, seeds: list) -> str:
    s = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 6))):
        if not s:
            break
        i = draw(st.integers(0, len(s) - 1))
        j = draw(st.integers(i, min(len(s), i + 40)))
        op = draw(st.integers(0, 3))
        if op == 0:
            s = s[:i] + s[j:]
        elif op == 1:
            s = s[:i] + s[i:j] + s[i:j] + s[j:]
        elif op == 2:
            s = s[:i] + " " + draw(st.sampled_from(ATOMS)) + " " + s[i:]
        else:
            s = s[:i] + draw(st.text(max_size=4)) + s[j:]
    return s


token_soup = st.lists(st.sampled_from(ATOMS), max_size=60).map(" ".join)
common = settings(max_examples=EXAMPLES, deadline=2000, suppress_health_check=list(HealthCheck))


@common
@given(token_soup)
def test_token_soup_module(text: str) -> None:
    _check(parse_module, text)


@common
@given(token_soup)
def test_token_soup_script(text: str) -> None:
    _check(parse_script, text)


@common
@given(mutated(SEEDS))
def test_mutated_modules(text: str) -> None:
    _check(parse_module, text)


@common
@given(token_mutated())
def test_token_mutated_spec_modules(text: str) -> None:
    _check(parse_module, text)


@common
@given(mutated([SCRIPT_SEED]))
def test_mutated_scripts(text: str) -> None:
    _check(parse_script, text)


@common
@given(st.text(max_size=80))
def test_arbitrary_text(text: str) -> None:
    _check(parse_module, text)
    _check(parse_script, text)
