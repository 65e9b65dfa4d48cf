"""The WAST script data model on a hand-written script (values checked against struct, not our output)."""

from __future__ import annotations

import struct

import pytest

from wasmi import EncodingError, ParseError, WatError
from wasmi._script import wast
from wasmi._syntax.types import ValType

SCRIPT = r'''
(module $M
  (func (export "id") (param i32) (result i32) (local.get 0)))
(module binary "\00asm" "\01\00\00\00")
(module quote "(func" " (nop))")
(register "mod" $M)
(register "last")
(invoke "id" (i32.const -1))
(assert_return (invoke $M "id" (i32.const 0x7fff_ffff)) (i32.const 2147483647))
(assert_return (invoke "f" (f32.const -1.5) (f64.const 0x1p-1074) (i64.const -1))
  (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.null extern) (ref.extern 7) (ref.func) (ref.extern))
(assert_return (invoke "v" (v128.const i16x8 1 2 3 4 5 6 7 -1))
  (v128.const f32x4 nan:canonical 1.0 -0 nan:arithmetic) (v128.const i64x2 1 -1))
(assert_return (get $M "g") (i32.const 1))
(assert_trap (invoke "id") "unreachable")
(assert_trap (module (func $start unreachable) (start $start)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_malformed (module quote "(func (i32.const 1x))") "unknown operator")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "m" "f" (func))) "unknown import")
(assert_uninstantiable (module binary "\00asm") "x")
'''


def f32_bits(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def test_script_commands_and_values() -> None:
    cmds = wast.parse_script(SCRIPT)
    kinds = [type(c).__name__ for c in cmds]
    assert kinds == [
        "ScriptModule", "ScriptModule", "ScriptModule", "Register", "Register", "ActionCommand",
        "AssertReturn", "AssertReturn", "AssertReturn", "AssertReturn", "AssertTrap", "AssertTrap",
        "AssertExhaustion", "AssertMalformed", "AssertInvalid", "AssertUnlinkable", "AssertUninstantiable",
    ]
    m, b, q = cmds[0], cmds[1], cmds[2]
    assert (m.line, m.name, m.kind) == (2, "$M", "text") and m.module.exports[0].name == "id"
    assert (b.kind, b.data, b.binary()) == ("binary", b"\0asm\1\0\0\0", b"\0asm\1\0\0\0")
    assert (q.kind, q.source) == ("quote", "(func (nop))")
    assert q.binary() == bytes.fromhex('0061736d01000000010401600000030201000a05010300010b')
    assert (cmds[3].as_name, cmds[3].module_name, cmds[4].module_name) == ("mod", "$M", None)
    act = cmds[5].action
    assert (act.module_name, act.field, act.args) == (None, "id", [wast.Const(ValType.I32, 0xFFFFFFFF)])
    assert cmds[6].action.module_name == "$M"
    args = cmds[7].action.args
    assert args == [
        wast.Const(ValType.F32, f32_bits(-1.5)),
        wast.Const(ValType.F64, 1),
        wast.Const(ValType.I64, 2**64 - 1),
    ]
    assert cmds[7].expected == [
        wast.NanPattern(ValType.F32, "canonical"),
        wast.NanPattern(ValType.F64, "arithmetic"),
        wast.Const(ValType.EXTERNREF, None),
        wast.Const(ValType.EXTERNREF, 7),
        wast.RefPattern(ValType.FUNCREF),
        wast.RefPattern(ValType.EXTERNREF),
    ]
    v = cmds[8]
    assert v.action.args == [wast.Const(ValType.V128, sum(x << (16 * i) for i, x in enumerate([1, 2, 3, 4, 5, 6, 7, 0xFFFF])))]
    assert v.expected[0] == wast.V128Pattern(
        "f32x4", [wast.NanPattern(ValType.F32, "canonical"), f32_bits(1.0), 0x80000000, wast.NanPattern(ValType.F32, "arithmetic")]
    )
    assert v.expected[1] == wast.Const(ValType.V128, 1 | (2**64 - 1) << 64)
    assert isinstance(cmds[9].action, wast.Get)
    assert cmds[10].message == "unreachable" and isinstance(cmds[11].action_or_module, wast.ScriptModule)
    mal = cmds[13]
    with pytest.raises(WatError) as info:
        mal.module.binary()
    assert info.value.message.startswith(mal.message)
    assert cmds[14].module.kind == "text" and cmds[14].line == 19


def test_inline_module_script() -> None:
    cmds = wast.parse_script("(func (export \"f\")) (memory 1)")
    assert len(cmds) == 1 and cmds[0].kind == "text" and len(cmds[0].module.funcs) == 1


def test_quote_with_invalid_utf8_fails_on_use() -> None:
    (cmd,) = wast.parse_script(r'(assert_malformed (module quote "(func (export \"\ff\"))") "malformed UTF-8 encoding")')
    assert cmd.module.source is None or "\ufffd" not in cmd.module.source
    with pytest.raises(EncodingError):
        cmd.module.binary()


def test_script_errors_carry_the_filename() -> None:
    with pytest.raises(ParseError) as info:
        wast.parse_script("(assert_return (invoke \"f\" (i32.const)))", filename="x.wast")
    assert info.value.filename == "x.wast" and "x.wast:1:" in str(info.value)
