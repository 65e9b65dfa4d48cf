"""Hand-written checks of the WAT parser: abbreviations, name resolution, errors and positions, depth."""

from __future__ import annotations

import struct
import subprocess

import pytest
from _support import wasm_tools

from wasmi import EncodingError, LexError, ParseError, ResolveError
from wasmi._syntax import instructions as I
from wasmi._syntax.types import FuncType, ValType
from wasmi._text.parser import parse_module
from wasmi.wat import parse_bytes, parse_str

I32 = ValType.I32


def body(text: str, index: int = 0) -> list:
    return parse_module(text).funcs[index].body


# --- abbreviations and implicit types ---------------------------------------------------------------
def test_implicit_types_are_appended_in_order_of_first_use_after_explicit_ones() -> None:
    m = parse_module(
        """(module
             (func (param i64))
             (type $t (func (param i32)))
             (func (param i32))
             (func (result f32) (block (param i32) (result i32) (unreachable)) (unreachable))
             (func (param i64)))"""
    )
    assert m.types == [
        FuncType((I32,), ()),
        FuncType((ValType.I64,), ()),
        FuncType((), (ValType.F32,)),
        FuncType((I32,), (I32,)),
    ]
    assert [f.type_index for f in m.funcs] == [1, 0, 2, 1]
    assert m.funcs[2].body[0] == (I.BLOCK, 3)


def test_inline_import_export_and_index_order() -> None:
    m = parse_module(
        """(module
             (func $a (import "m" "a") (param i32))
             (global $g (export "g") (import "m" "g") (mut i32))
             (func $b (export "b") (export "b2") (call $a (i32.const 1)) (global.set $g (i32.const 0))))"""
    )
    assert [(i.module, i.name) for i in m.imports] == [("m", "a"), ("m", "g")]
    assert [(e.name, e.index) for e in m.exports] == [("g", 0), ("b", 1), ("b2", 1)]
    assert m.funcs[0].body == [(I.I32_CONST, 1), (I.CALL, 0), (I.I32_CONST, 0), (I.GLOBAL_SET, 0), (I.END,)]


def test_inline_table_elem_and_memory_data() -> None:
    m = parse_module('(module (table $t funcref (elem $f $f)) (memory (data "ab" "c")) (func $f))')
    assert m.tables[0].type.limits[:2] == (2, 2)
    assert m.elems[0].init == [[(I.REF_FUNC, 0)], [(I.REF_FUNC, 0)]]
    assert m.memories[0].type.limits[:2] == (1, 1)
    assert m.datas[0].init == b"abc" and m.datas[0].offset == [(I.I32_CONST, 0)]


def test_elem_forms() -> None:
    m = parse_module(
        """(module (table 1 funcref) (func $f)
             (elem (i32.const 0) $f)
             (elem func $f)
             (elem funcref (ref.func $f) (item ref.null func))
             (elem declare func $f)
             (elem (table 0) (offset (i32.const 0)) funcref (ref.null func)))"""
    )
    modes = [(e.mode, e.uses_exprs) for e in m.elems]
    assert modes == [("active", False), ("passive", False), ("passive", True), ("declarative", False), ("active", True)]
    assert m.elems[2].init == [[(I.REF_FUNC, 0)], [(I.REF_NULL, ValType.FUNCREF)]]


def test_folded_if_flattens_condition_first() -> None:
    assert body("(func (if $l (result i32) (i32.const 1) (then (i32.const 2)) (else (br $l (i32.const 3)))) drop)") == [
        (I.I32_CONST, 1), (I.IF, I32), (I.I32_CONST, 2), (I.ELSE,), (I.I32_CONST, 3), (I.BR, 0), (I.END,),
        (I.DROP,), (I.END,),
    ]


def test_labels_resolve_to_relative_depths() -> None:
    b = body("(func block $a loop $b block br $a br $b br 0 br_table $a $b 2 end end end)")
    assert [x for x in b if x[0] in (I.BR, I.BR_TABLE)] == [(I.BR, 2), (I.BR, 1), (I.BR, 0), (I.BR_TABLE, (2, 1), 2)]


def test_locals_named_and_grouped() -> None:
    f = parse_module("(func (param $p i32) (local $a i64) (local i64 f32) (local.get $a) (local.get $p) drop drop)").funcs[0]
    assert f.locals == [(2, ValType.I64), (1, ValType.F32)]
    assert f.body[:2] == [(I.LOCAL_GET, 1), (I.LOCAL_GET, 0)]


def test_select_typed_memarg_and_simd_immediates() -> None:
    b = body(
        "(memory 1) (func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)) drop"
        " (i64.load offset=0x10 align=4 (i32.const 0)) drop"
        " (v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 255) (i8x16.extract_lane_u 15) drop"
        " (v128.const f32x4 1 0 0 -0) drop)"
    )
    assert (I.SELECT_T, (I32,)) in b
    assert (I.I64_LOAD, 2, 16, 0) in b
    assert (I.V128_CONST, 0xFF << 120 | 0xFF) in b
    assert (I.I8X16_EXTRACT_LANE_U, 15) in b
    assert (I.V128_CONST, 0x3F800000 | (0x80000000 << 96)) in b


def test_flat_shuffle_followed_by_an_instruction() -> None:
    b = body("(func (param v128) local.get 0 local.get 0 i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 drop)")
    assert b[2] == (I.I8X16_SHUFFLE, tuple(range(15)) + (31,)) and b[3] == (I.DROP,)


def test_line_comments_end_at_cr_lf_or_crlf() -> None:
    for nl in ("\n", "\r", "\r\n"):
        assert body(f"(func ;; comment{nl} nop)") == [(I.NOP,), (I.END,)]


def test_float_constants_are_bits() -> None:
    b = body("(func (f32.const -nan:0x1) (f64.const 0x1p-1074) (f32.const 0x1.fffffep127) (f64.const -inf) drop drop drop drop)")
    assert [x[1] for x in b[:4]] == [0xFF800001, 1, 0x7F7FFFFF, 0xFFF0000000000000]


def test_annotations_comments_and_quoted_ids_are_handled() -> None:
    m = parse_module('(module (@custom "x" "y") (;a (;nested;) ;) (func $"a b" ;; line\n (call $"a b")))')
    assert m.funcs[0].body == [(I.CALL, 0), (I.END,)]


def test_binary_input_passes_through() -> None:
    data = b"\0asm\x01\0\0\0"
    assert parse_bytes(data) == data


# --- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "src, cls, prefix",
    [
        ("(module (func $f) (func $f))", ResolveError, "duplicate func"),
        ("(module (func (call $nope)))", ResolveError, "unknown function $nope"),
        ("(module (func (i32.const 0x1_0000_0000) drop))", ParseError, "constant out of range"),
        ("(module (func (f32.const 1e39) drop))", ParseError, "constant out of range"),
        ("(module (func (i32.add2)))", ParseError, "unknown operator"),
        ("(module (func (nop) (local i32)))", ParseError, "unexpected token"),
        ("(module (memory 1) (func (i32.load align=3 (i32.const 0)) drop))", ParseError, "alignment"),
        ("(module (func block $a end $b))", ParseError, "mismatching label"),
        ("(module (type (func)) (func (type 0) (param i32)))", ParseError, "inline function type"),
        ("(module (func) (import \"\" \"\" (func)))", ParseError, "import after function"),
        ('(module (func (export "\\ff")))', EncodingError, "malformed UTF-8 encoding"),
        ('(module (data "abc', LexError, "unclosed string"),
        ("(module (; open", LexError, "unclosed comment"),
        ("(module (func \x07))", LexError, "malformed text"),
        ('(module (data "\\q"))', LexError, "malformed string"),
        ("(module (func (if (i32.const 0) (else))))", ParseError, "unexpected token"),
        ("(module (func (v128.const i32x4 1 2 3) drop))", ParseError, "wrong number of lane literals"),
        ("(module (func (i8x16.shuffle 1 2 (v128.const i32x4 0 0 0 0))))", ParseError, "invalid lane length"),
        ("(module (start 0) (start 0) (func))", ParseError, "multiple start sections"),
        ("(module (func)) (module)", ParseError, "unexpected token"),
        ("  ;; nothing but a comment", ParseError, "unexpected end of input"),
        ("(module (table \"1\" funcref))", ParseError, "unexpected token"),
    ],
)
def test_errors_have_spec_message_and_position(src: str, cls: type, prefix: str) -> None:
    with pytest.raises(cls) as info:
        parse_str(src)
    e = info.value
    assert e.message.startswith(prefix), e.message
    assert e.line is not None and e.column is not None and e.source_line is not None
    assert "^" in str(e)


def test_error_position_points_at_the_token() -> None:
    with pytest.raises(ResolveError) as info:
        parse_str("(module\n  (func\n    (call $missing)))")
    assert (info.value.line, info.value.column) == (3, 11)
    assert info.value.source_line == "    (call $missing)))"


def test_invalid_utf8_input_is_an_encoding_error() -> None:
    with pytest.raises(EncodingError) as info:
        parse_bytes(b"(module)\n(\xff)")
    assert info.value.line == 2


# --- depth and size ---------------------------------------------------------------------------------
def test_deep_folded_nesting_needs_no_recursion() -> None:
    n = 20000
    m = parse_module("(module (func (result i32) " + "(i32.add (i32.const 1) " * n + "(i32.const 0)" + ")" * n + "))")
    b = m.funcs[0].body
    assert len(b) == 2 * n + 2 and b[-2] == (I.I32_ADD,)
    m = parse_module("(module (func " + "(block " * n + ")" * n + "))")
    assert len(m.funcs[0].body) == 2 * n + 1


# --- cross-checks with wasm-tools on hand-written corner cases ------------------------------------
CORNERS = [
    "(module (func (param i32) (result i32) (local.get 0) (block (param i32) (result i32))))",
    "(module (type $t (func (result i32))) (func (type $t) (block (type $t) (i32.const 1))))",
    "(module (table 2 funcref) (func $f) (elem (table 0) (i32.const 1) func $f $f) (elem funcref (ref.func $f)))",
    "(module (memory $m 1) (data (memory $m) (offset (i32.const 8)) \"a\\00\\u{2603}\") (data \"p\")"
    " (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 1)))",
    "(module (table $a 1 funcref) (table $b 1 funcref) (elem $e func) (func"
    " (table.init $b $e (i32.const 0) (i32.const 0) (i32.const 0)) (table.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))"
    " (call_indirect $b (param i32) (i32.const 0) (i32.const 0))))",
    "(module (func (result f32 f64) (f32.const 0x1.fffffefffffff8p127) (f64.const 2.2250738585072011e-308)))",
    "(module (func (result v128) (v128.const f64x2 nan:0x4 -0x1p-1074)))",
    "(module (func (result i64) (i64.const -0x8000_0000_0000_0000)))",
    "(module (global $g (mut externref) (ref.null extern)) (func (result i32) (ref.is_null (global.get $g))))",
    "(module (func $f (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3)))))",
]


@pytest.mark.skipif(wasm_tools() is None, reason="wasm-tools is not installed")
@pytest.mark.parametrize("src", CORNERS)
def test_corner_cases_encode_like_wasm_tools(src: str) -> None:
    ref = subprocess.run([wasm_tools(), "parse", "-", "-o", "/dev/stdout"], input=src.encode(), capture_output=True, check=True).stdout
    from test_text_spec import _strip_custom

    assert _strip_custom(parse_str(src)) == _strip_custom(ref)


def test_f32_of_decimal_is_rounded_once() -> None:
    # 1.00000005960464477539062500001 is just above the midpoint between 1 and the next f32; a
    # detour through f64 rounds it to the midpoint first and then to even (1.0).
    b = body("(func (f32.const 1.00000005960464477539062500001) drop)")
    assert b[0][1] == 0x3F800001
    assert struct.unpack("<f", struct.pack("<I", b[0][1]))[0] > 1.0


def test_binary_and_quote_module_forms() -> None:
    assert parse_str('(module $m binary "\\00asm" "\\01\\00\\00\\00")') == b"\0asm\1\0\0\0"
    assert parse_str('(module quote "(func)")') == parse_str("(module (func))")


@pytest.mark.parametrize(
    "literal, ok",
    [("0" * 5000 + "1", True), ("9" * 5000, False), ("1e" + "9" * 5000, False), ("0x" + "f" * 5000, False)],
)
def test_huge_literals_are_cheap_and_clean(literal: str, ok: bool) -> None:
    src = f"(module (func (f32.const {literal}) drop (i64.const {literal if 'e' not in literal else 1}) drop))"
    if ok:
        parse_str(src)
    else:
        with pytest.raises(ParseError, match="constant out of range"):
            parse_str(src)
