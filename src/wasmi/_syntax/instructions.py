"""THE instruction table: every WebAssembly 2.0 instruction (SIMD included), described once.

The binary decoder and encoder, the text parser and printer, the validator and the code generator all
read this table instead of keeping their own lists. Each :class:`Op` says

* ``name``     the text-format mnemonic (``select_t`` is the typed ``select``, printed ``select (result t)``),
* ``code``     the opcode byte, or the sub-opcode after ``prefix`` (0xFC misc, 0xFD SIMD),
* ``imm``      which immediates follow (an :class:`Imm` kind; it fixes the instruction tuple's layout),
* ``params``/``results``  the operand types for instructions whose typing is a plain signature
  (None where the validator needs special rules: control, variables, references, ``drop``/``select`` …),
* ``feature``  the proposal that introduced it (for Config feature toggles),
* ``natural_align``  log2 of the access width for memory instructions.

An instruction in a function body is a tuple ``(op, *immediates)``:

===============  ===============================================  ===============================
Imm kind         tuple                                            notes
===============  ===============================================  ===============================
NONE             ``(op,)``
BLOCK            ``(op, blocktype)``                              None | ValType | type index
LABEL            ``(op, depth)``
BR_TABLE         ``(op, (depth, ...), default_depth)``
FUNC             ``(op, funcidx)``                                call, ref.func
CALL_INDIRECT    ``(op, typeidx, tableidx)``
LOCAL/GLOBAL/TABLE/MEM/ELEM/DATA  ``(op, index)``
MEMARG           ``(op, align_log2, offset, memidx)``
MEMARG_LANE      ``(op, align_log2, offset, memidx, lane)``
I32 / I64        ``(op, value)``                                  signed, as in the binary
F32 / F64        ``(op, bits)``                                   raw IEEE bits: NaN payloads exact
V128             ``(op, value)``                                  unsigned 128-bit int, lane 0 lowest
SELECT_T         ``(op, (valtype, ...))``
HEAPTYPE         ``(op, reftype)``                                ValType.FUNCREF / EXTERNREF
TABLE_INIT       ``(op, elemidx, tableidx)``                      binary order
TABLE_COPY       ``(op, dst_table, src_table)``
MEMORY_INIT      ``(op, dataidx, memidx)``
MEMORY_COPY      ``(op, dst_mem, src_mem)``
LANE             ``(op, lane)``
SHUFFLE          ``(op, (lane, ...16))``
===============  ===============================================  ===============================

Bodies are flat: ``block``/``loop``/``if`` open a construct, ``else`` and ``end`` are instructions of
their own, exactly as in the binary format. WebAssembly 3.0 opcodes are added as more rows.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from .types import VALTYPE_BY_TEXT, ValType


class Imm:
    """Immediate kinds (see the module docstring for the tuple layout of each)."""

    NONE = "none"
    BLOCK = "block"
    LABEL = "label"
    BR_TABLE = "br_table"
    FUNC = "func"
    CALL_INDIRECT = "call_indirect"
    LOCAL = "local"
    GLOBAL = "global"
    TABLE = "table"
    MEM = "mem"
    ELEM = "elem"
    DATA = "data"
    MEMARG = "memarg"
    MEMARG_LANE = "memarg_lane"
    I32 = "i32"
    I64 = "i64"
    F32 = "f32"
    F64 = "f64"
    V128 = "v128"
    SELECT_T = "select_t"
    HEAPTYPE = "heaptype"
    TABLE_INIT = "table_init"
    TABLE_COPY = "table_copy"
    MEMORY_INIT = "memory_init"
    MEMORY_COPY = "memory_copy"
    LANE = "lane"
    SHUFFLE = "shuffle"


class Op:
    """One instruction of the table. Compared by identity; hashable."""

    __slots__ = ("name", "code", "prefix", "key", "imm", "params", "results", "feature", "natural_align", "index")

    def __init__(
        self,
        name: str,
        code: int,
        prefix: Optional[int],
        imm: str,
        params: Optional[Tuple[ValType, ...]],
        results: Optional[Tuple[ValType, ...]],
        feature: str,
        natural_align: Optional[int],
        index: int,
    ) -> None:
        self.name = name
        self.code = code
        self.prefix = prefix
        self.key = code if prefix is None else (prefix << 16) | code
        self.imm = imm
        self.params = params
        self.results = results
        self.feature = feature
        self.natural_align = natural_align
        self.index = index  # position in OPS: a dense small int for list-based dispatch tables

    def __repr__(self) -> str:
        return f"<Op {self.name}>"

    @property
    def lanes(self) -> int:
        """Number of lanes addressed by a LANE/MEMARG_LANE immediate (16 for shuffles)."""
        return _LANES.get(self.name.split(".")[0], 16) if self.imm != Imm.MEMARG_LANE else 16 >> (self.natural_align or 0)


OPS: list = []
OPS_BY_NAME: Dict[str, Op] = {}
OPS_BY_KEY: Dict[int, Op] = {}
_LANES = {"i8x16": 16, "i16x8": 8, "i32x4": 4, "i64x2": 2, "f32x4": 4, "f64x2": 2}


def _types(text: str) -> Tuple[ValType, ...]:
    return tuple(VALTYPE_BY_TEXT[t] for t in text.split())


def _op(
    name: str,
    code: int,
    prefix: Optional[int] = None,
    imm: str = Imm.NONE,
    sig: Optional[str] = None,
    feature: str = "mvp",
    natural_align: Optional[int] = None,
) -> Op:
    params = results = None
    if sig is not None:
        p, r = sig.split(":")
        params, results = _types(p), _types(r)
    op = Op(name, code, prefix, imm, params, results, feature, natural_align, len(OPS))
    OPS.append(op)
    OPS_BY_NAME[name] = op
    OPS_BY_KEY[op.key] = op
    return op


UNREACHABLE = _op('unreachable', 0x00, sig=':')
NOP = _op('nop', 0x01, sig=':')
BLOCK = _op('block', 0x02, imm=Imm.BLOCK)
LOOP = _op('loop', 0x03, imm=Imm.BLOCK)
IF = _op('if', 0x04, imm=Imm.BLOCK)
ELSE = _op('else', 0x05)
END = _op('end', 0x0B)
BR = _op('br', 0x0C, imm=Imm.LABEL)
BR_IF = _op('br_if', 0x0D, imm=Imm.LABEL)
BR_TABLE = _op('br_table', 0x0E, imm=Imm.BR_TABLE)
RETURN = _op('return', 0x0F)
CALL = _op('call', 0x10, imm=Imm.FUNC)
CALL_INDIRECT = _op('call_indirect', 0x11, imm=Imm.CALL_INDIRECT)
DROP = _op('drop', 0x1A)
SELECT = _op('select', 0x1B)
SELECT_T = _op('select_t', 0x1C, imm=Imm.SELECT_T, feature='reference-types')
LOCAL_GET = _op('local.get', 0x20, imm=Imm.LOCAL)
LOCAL_SET = _op('local.set', 0x21, imm=Imm.LOCAL)
LOCAL_TEE = _op('local.tee', 0x22, imm=Imm.LOCAL)
GLOBAL_GET = _op('global.get', 0x23, imm=Imm.GLOBAL)
GLOBAL_SET = _op('global.set', 0x24, imm=Imm.GLOBAL)
TABLE_GET = _op('table.get', 0x25, imm=Imm.TABLE, feature='reference-types')
TABLE_SET = _op('table.set', 0x26, imm=Imm.TABLE, feature='reference-types')
I32_LOAD = _op('i32.load', 0x28, imm=Imm.MEMARG, sig='i32:i32', natural_align=2)
I64_LOAD = _op('i64.load', 0x29, imm=Imm.MEMARG, sig='i32:i64', natural_align=3)
F32_LOAD = _op('f32.load', 0x2A, imm=Imm.MEMARG, sig='i32:f32', natural_align=2)
F64_LOAD = _op('f64.load', 0x2B, imm=Imm.MEMARG, sig='i32:f64', natural_align=3)
I32_LOAD8_S = _op('i32.load8_s', 0x2C, imm=Imm.MEMARG, sig='i32:i32', natural_align=0)
I32_LOAD8_U = _op('i32.load8_u', 0x2D, imm=Imm.MEMARG, sig='i32:i32', natural_align=0)
I32_LOAD16_S = _op('i32.load16_s', 0x2E, imm=Imm.MEMARG, sig='i32:i32', natural_align=1)
I32_LOAD16_U = _op('i32.load16_u', 0x2F, imm=Imm.MEMARG, sig='i32:i32', natural_align=1)
I64_LOAD8_S = _op('i64.load8_s', 0x30, imm=Imm.MEMARG, sig='i32:i64', natural_align=0)
I64_LOAD8_U = _op('i64.load8_u', 0x31, imm=Imm.MEMARG, sig='i32:i64', natural_align=0)
I64_LOAD16_S = _op('i64.load16_s', 0x32, imm=Imm.MEMARG, sig='i32:i64', natural_align=1)
I64_LOAD16_U = _op('i64.load16_u', 0x33, imm=Imm.MEMARG, sig='i32:i64', natural_align=1)
I64_LOAD32_S = _op('i64.load32_s', 0x34, imm=Imm.MEMARG, sig='i32:i64', natural_align=2)
I64_LOAD32_U = _op('i64.load32_u', 0x35, imm=Imm.MEMARG, sig='i32:i64', natural_align=2)
I32_STORE = _op('i32.store', 0x36, imm=Imm.MEMARG, sig='i32 i32:', natural_align=2)
I64_STORE = _op('i64.store', 0x37, imm=Imm.MEMARG, sig='i32 i64:', natural_align=3)
F32_STORE = _op('f32.store', 0x38, imm=Imm.MEMARG, sig='i32 f32:', natural_align=2)
F64_STORE = _op('f64.store', 0x39, imm=Imm.MEMARG, sig='i32 f64:', natural_align=3)
I32_STORE8 = _op('i32.store8', 0x3A, imm=Imm.MEMARG, sig='i32 i32:', natural_align=0)
I32_STORE16 = _op('i32.store16', 0x3B, imm=Imm.MEMARG, sig='i32 i32:', natural_align=1)
I64_STORE8 = _op('i64.store8', 0x3C, imm=Imm.MEMARG, sig='i32 i64:', natural_align=0)
I64_STORE16 = _op('i64.store16', 0x3D, imm=Imm.MEMARG, sig='i32 i64:', natural_align=1)
I64_STORE32 = _op('i64.store32', 0x3E, imm=Imm.MEMARG, sig='i32 i64:', natural_align=2)
MEMORY_SIZE = _op('memory.size', 0x3F, imm=Imm.MEM, sig=':i32')
MEMORY_GROW = _op('memory.grow', 0x40, imm=Imm.MEM, sig='i32:i32')
I32_CONST = _op('i32.const', 0x41, imm=Imm.I32, sig=':i32')
I64_CONST = _op('i64.const', 0x42, imm=Imm.I64, sig=':i64')
F32_CONST = _op('f32.const', 0x43, imm=Imm.F32, sig=':f32')
F64_CONST = _op('f64.const', 0x44, imm=Imm.F64, sig=':f64')
I32_EQZ = _op('i32.eqz', 0x45, sig='i32:i32')
I32_EQ = _op('i32.eq', 0x46, sig='i32 i32:i32')
I32_NE = _op('i32.ne', 0x47, sig='i32 i32:i32')
I32_LT_S = _op('i32.lt_s', 0x48, sig='i32 i32:i32')
I32_LT_U = _op('i32.lt_u', 0x49, sig='i32 i32:i32')
I32_GT_S = _op('i32.gt_s', 0x4A, sig='i32 i32:i32')
I32_GT_U = _op('i32.gt_u', 0x4B, sig='i32 i32:i32')
I32_LE_S = _op('i32.le_s', 0x4C, sig='i32 i32:i32')
I32_LE_U = _op('i32.le_u', 0x4D, sig='i32 i32:i32')
I32_GE_S = _op('i32.ge_s', 0x4E, sig='i32 i32:i32')
I32_GE_U = _op('i32.ge_u', 0x4F, sig='i32 i32:i32')
I64_EQZ = _op('i64.eqz', 0x50, sig='i64:i32')
I64_EQ = _op('i64.eq', 0x51, sig='i64 i64:i32')
I64_NE = _op('i64.ne', 0x52, sig='i64 i64:i32')
I64_LT_S = _op('i64.lt_s', 0x53, sig='i64 i64:i32')
I64_LT_U = _op('i64.lt_u', 0x54, sig='i64 i64:i32')
I64_GT_S = _op('i64.gt_s', 0x55, sig='i64 i64:i32')
I64_GT_U = _op('i64.gt_u', 0x56, sig='i64 i64:i32')
I64_LE_S = _op('i64.le_s', 0x57, sig='i64 i64:i32')
I64_LE_U = _op('i64.le_u', 0x58, sig='i64 i64:i32')
I64_GE_S = _op('i64.ge_s', 0x59, sig='i64 i64:i32')
I64_GE_U = _op('i64.ge_u', 0x5A, sig='i64 i64:i32')
F32_EQ = _op('f32.eq', 0x5B, sig='f32 f32:i32')
F32_NE = _op('f32.ne', 0x5C, sig='f32 f32:i32')
F32_LT = _op('f32.lt', 0x5D, sig='f32 f32:i32')
F32_GT = _op('f32.gt', 0x5E, sig='f32 f32:i32')
F32_LE = _op('f32.le', 0x5F, sig='f32 f32:i32')
F32_GE = _op('f32.ge', 0x60, sig='f32 f32:i32')
F64_EQ = _op('f64.eq', 0x61, sig='f64 f64:i32')
F64_NE = _op('f64.ne', 0x62, sig='f64 f64:i32')
F64_LT = _op('f64.lt', 0x63, sig='f64 f64:i32')
F64_GT = _op('f64.gt', 0x64, sig='f64 f64:i32')
F64_LE = _op('f64.le', 0x65, sig='f64 f64:i32')
F64_GE = _op('f64.ge', 0x66, sig='f64 f64:i32')
I32_CLZ = _op('i32.clz', 0x67, sig='i32:i32')
I32_CTZ = _op('i32.ctz', 0x68, sig='i32:i32')
I32_POPCNT = _op('i32.popcnt', 0x69, sig='i32:i32')
I32_ADD = _op('i32.add', 0x6A, sig='i32 i32:i32')
I32_SUB = _op('i32.sub', 0x6B, sig='i32 i32:i32')
I32_MUL = _op('i32.mul', 0x6C, sig='i32 i32:i32')
I32_DIV_S = _op('i32.div_s', 0x6D, sig='i32 i32:i32')
I32_DIV_U = _op('i32.div_u', 0x6E, sig='i32 i32:i32')
I32_REM_S = _op('i32.rem_s', 0x6F, sig='i32 i32:i32')
I32_REM_U = _op('i32.rem_u', 0x70, sig='i32 i32:i32')
I32_AND = _op('i32.and', 0x71, sig='i32 i32:i32')
I32_OR = _op('i32.or', 0x72, sig='i32 i32:i32')
I32_XOR = _op('i32.xor', 0x73, sig='i32 i32:i32')
I32_SHL = _op('i32.shl', 0x74, sig='i32 i32:i32')
I32_SHR_S = _op('i32.shr_s', 0x75, sig='i32 i32:i32')
I32_SHR_U = _op('i32.shr_u', 0x76, sig='i32 i32:i32')
I32_ROTL = _op('i32.rotl', 0x77, sig='i32 i32:i32')
I32_ROTR = _op('i32.rotr', 0x78, sig='i32 i32:i32')
I64_CLZ = _op('i64.clz', 0x79, sig='i64:i64')
I64_CTZ = _op('i64.ctz', 0x7A, sig='i64:i64')
I64_POPCNT = _op('i64.popcnt', 0x7B, sig='i64:i64')
I64_ADD = _op('i64.add', 0x7C, sig='i64 i64:i64')
I64_SUB = _op('i64.sub', 0x7D, sig='i64 i64:i64')
I64_MUL = _op('i64.mul', 0x7E, sig='i64 i64:i64')
I64_DIV_S = _op('i64.div_s', 0x7F, sig='i64 i64:i64')
I64_DIV_U = _op('i64.div_u', 0x80, sig='i64 i64:i64')
I64_REM_S = _op('i64.rem_s', 0x81, sig='i64 i64:i64')
I64_REM_U = _op('i64.rem_u', 0x82, sig='i64 i64:i64')
I64_AND = _op('i64.and', 0x83, sig='i64 i64:i64')
I64_OR = _op('i64.or', 0x84, sig='i64 i64:i64')
I64_XOR = _op('i64.xor', 0x85, sig='i64 i64:i64')
I64_SHL = _op('i64.shl', 0x86, sig='i64 i64:i64')
I64_SHR_S = _op('i64.shr_s', 0x87, sig='i64 i64:i64')
I64_SHR_U = _op('i64.shr_u', 0x88, sig='i64 i64:i64')
I64_ROTL = _op('i64.rotl', 0x89, sig='i64 i64:i64')
I64_ROTR = _op('i64.rotr', 0x8A, sig='i64 i64:i64')
F32_ABS = _op('f32.abs', 0x8B, sig='f32:f32')
F32_NEG = _op('f32.neg', 0x8C, sig='f32:f32')
F32_CEIL = _op('f32.ceil', 0x8D, sig='f32:f32')
F32_FLOOR = _op('f32.floor', 0x8E, sig='f32:f32')
F32_TRUNC = _op('f32.trunc', 0x8F, sig='f32:f32')
F32_NEAREST = _op('f32.nearest', 0x90, sig='f32:f32')
F32_SQRT = _op('f32.sqrt', 0x91, sig='f32:f32')
F32_ADD = _op('f32.add', 0x92, sig='f32 f32:f32')
F32_SUB = _op('f32.sub', 0x93, sig='f32 f32:f32')
F32_MUL = _op('f32.mul', 0x94, sig='f32 f32:f32')
F32_DIV = _op('f32.div', 0x95, sig='f32 f32:f32')
F32_MIN = _op('f32.min', 0x96, sig='f32 f32:f32')
F32_MAX = _op('f32.max', 0x97, sig='f32 f32:f32')
F32_COPYSIGN = _op('f32.copysign', 0x98, sig='f32 f32:f32')
F64_ABS = _op('f64.abs', 0x99, sig='f64:f64')
F64_NEG = _op('f64.neg', 0x9A, sig='f64:f64')
F64_CEIL = _op('f64.ceil', 0x9B, sig='f64:f64')
F64_FLOOR = _op('f64.floor', 0x9C, sig='f64:f64')
F64_TRUNC = _op('f64.trunc', 0x9D, sig='f64:f64')
F64_NEAREST = _op('f64.nearest', 0x9E, sig='f64:f64')
F64_SQRT = _op('f64.sqrt', 0x9F, sig='f64:f64')
F64_ADD = _op('f64.add', 0xA0, sig='f64 f64:f64')
F64_SUB = _op('f64.sub', 0xA1, sig='f64 f64:f64')
F64_MUL = _op('f64.mul', 0xA2, sig='f64 f64:f64')
F64_DIV = _op('f64.div', 0xA3, sig='f64 f64:f64')
F64_MIN = _op('f64.min', 0xA4, sig='f64 f64:f64')
F64_MAX = _op('f64.max', 0xA5, sig='f64 f64:f64')
F64_COPYSIGN = _op('f64.copysign', 0xA6, sig='f64 f64:f64')
I32_WRAP_I64 = _op('i32.wrap_i64', 0xA7, sig='i64:i32')
I32_TRUNC_F32_S = _op('i32.trunc_f32_s', 0xA8, sig='f32:i32')
I32_TRUNC_F32_U = _op('i32.trunc_f32_u', 0xA9, sig='f32:i32')
I32_TRUNC_F64_S = _op('i32.trunc_f64_s', 0xAA, sig='f64:i32')
I32_TRUNC_F64_U = _op('i32.trunc_f64_u', 0xAB, sig='f64:i32')
I64_EXTEND_I32_S = _op('i64.extend_i32_s', 0xAC, sig='i32:i64')
I64_EXTEND_I32_U = _op('i64.extend_i32_u', 0xAD, sig='i32:i64')
I64_TRUNC_F32_S = _op('i64.trunc_f32_s', 0xAE, sig='f32:i64')
I64_TRUNC_F32_U = _op('i64.trunc_f32_u', 0xAF, sig='f32:i64')
I64_TRUNC_F64_S = _op('i64.trunc_f64_s', 0xB0, sig='f64:i64')
I64_TRUNC_F64_U = _op('i64.trunc_f64_u', 0xB1, sig='f64:i64')
F32_CONVERT_I32_S = _op('f32.convert_i32_s', 0xB2, sig='i32:f32')
F32_CONVERT_I32_U = _op('f32.convert_i32_u', 0xB3, sig='i32:f32')
F32_CONVERT_I64_S = _op('f32.convert_i64_s', 0xB4, sig='i64:f32')
F32_CONVERT_I64_U = _op('f32.convert_i64_u', 0xB5, sig='i64:f32')
F32_DEMOTE_F64 = _op('f32.demote_f64', 0xB6, sig='f64:f32')
F64_CONVERT_I32_S = _op('f64.convert_i32_s', 0xB7, sig='i32:f64')
F64_CONVERT_I32_U = _op('f64.convert_i32_u', 0xB8, sig='i32:f64')
F64_CONVERT_I64_S = _op('f64.convert_i64_s', 0xB9, sig='i64:f64')
F64_CONVERT_I64_U = _op('f64.convert_i64_u', 0xBA, sig='i64:f64')
F64_PROMOTE_F32 = _op('f64.promote_f32', 0xBB, sig='f32:f64')
I32_REINTERPRET_F32 = _op('i32.reinterpret_f32', 0xBC, sig='f32:i32')
I64_REINTERPRET_F64 = _op('i64.reinterpret_f64', 0xBD, sig='f64:i64')
F32_REINTERPRET_I32 = _op('f32.reinterpret_i32', 0xBE, sig='i32:f32')
F64_REINTERPRET_I64 = _op('f64.reinterpret_i64', 0xBF, sig='i64:f64')
I32_EXTEND8_S = _op('i32.extend8_s', 0xC0, sig='i32:i32', feature='sign-extension')
I32_EXTEND16_S = _op('i32.extend16_s', 0xC1, sig='i32:i32', feature='sign-extension')
I64_EXTEND8_S = _op('i64.extend8_s', 0xC2, sig='i64:i64', feature='sign-extension')
I64_EXTEND16_S = _op('i64.extend16_s', 0xC3, sig='i64:i64', feature='sign-extension')
I64_EXTEND32_S = _op('i64.extend32_s', 0xC4, sig='i64:i64', feature='sign-extension')
REF_NULL = _op('ref.null', 0xD0, imm=Imm.HEAPTYPE, feature='reference-types')
REF_IS_NULL = _op('ref.is_null', 0xD1, feature='reference-types')
REF_FUNC = _op('ref.func', 0xD2, imm=Imm.FUNC, feature='reference-types')
I32_TRUNC_SAT_F32_S = _op('i32.trunc_sat_f32_s', 0x00, prefix=0xFC, sig='f32:i32', feature='saturating-float-to-int')
I32_TRUNC_SAT_F32_U = _op('i32.trunc_sat_f32_u', 0x01, prefix=0xFC, sig='f32:i32', feature='saturating-float-to-int')
I32_TRUNC_SAT_F64_S = _op('i32.trunc_sat_f64_s', 0x02, prefix=0xFC, sig='f64:i32', feature='saturating-float-to-int')
I32_TRUNC_SAT_F64_U = _op('i32.trunc_sat_f64_u', 0x03, prefix=0xFC, sig='f64:i32', feature='saturating-float-to-int')
I64_TRUNC_SAT_F32_S = _op('i64.trunc_sat_f32_s', 0x04, prefix=0xFC, sig='f32:i64', feature='saturating-float-to-int')
I64_TRUNC_SAT_F32_U = _op('i64.trunc_sat_f32_u', 0x05, prefix=0xFC, sig='f32:i64', feature='saturating-float-to-int')
I64_TRUNC_SAT_F64_S = _op('i64.trunc_sat_f64_s', 0x06, prefix=0xFC, sig='f64:i64', feature='saturating-float-to-int')
I64_TRUNC_SAT_F64_U = _op('i64.trunc_sat_f64_u', 0x07, prefix=0xFC, sig='f64:i64', feature='saturating-float-to-int')
MEMORY_INIT = _op('memory.init', 0x08, prefix=0xFC, imm=Imm.MEMORY_INIT, sig='i32 i32 i32:', feature='bulk-memory')
DATA_DROP = _op('data.drop', 0x09, prefix=0xFC, imm=Imm.DATA, sig=':', feature='bulk-memory')
MEMORY_COPY = _op('memory.copy', 0x0A, prefix=0xFC, imm=Imm.MEMORY_COPY, sig='i32 i32 i32:', feature='bulk-memory')
MEMORY_FILL = _op('memory.fill', 0x0B, prefix=0xFC, imm=Imm.MEM, sig='i32 i32 i32:', feature='bulk-memory')
TABLE_INIT = _op('table.init', 0x0C, prefix=0xFC, imm=Imm.TABLE_INIT, sig='i32 i32 i32:', feature='bulk-memory')
ELEM_DROP = _op('elem.drop', 0x0D, prefix=0xFC, imm=Imm.ELEM, sig=':', feature='bulk-memory')
TABLE_COPY = _op('table.copy', 0x0E, prefix=0xFC, imm=Imm.TABLE_COPY, sig='i32 i32 i32:', feature='bulk-memory')
TABLE_GROW = _op('table.grow', 0x0F, prefix=0xFC, imm=Imm.TABLE, feature='reference-types')
TABLE_SIZE = _op('table.size', 0x10, prefix=0xFC, imm=Imm.TABLE, sig=':i32', feature='reference-types')
TABLE_FILL = _op('table.fill', 0x11, prefix=0xFC, imm=Imm.TABLE, feature='reference-types')
V128_LOAD = _op('v128.load', 0x00, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=4)
V128_LOAD8X8_S = _op('v128.load8x8_s', 0x01, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_LOAD8X8_U = _op('v128.load8x8_u', 0x02, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_LOAD16X4_S = _op('v128.load16x4_s', 0x03, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_LOAD16X4_U = _op('v128.load16x4_u', 0x04, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_LOAD32X2_S = _op('v128.load32x2_s', 0x05, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_LOAD32X2_U = _op('v128.load32x2_u', 0x06, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_LOAD8_SPLAT = _op('v128.load8_splat', 0x07, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=0)
V128_LOAD16_SPLAT = _op('v128.load16_splat', 0x08, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=1)
V128_LOAD32_SPLAT = _op('v128.load32_splat', 0x09, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=2)
V128_LOAD64_SPLAT = _op('v128.load64_splat', 0x0A, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
V128_STORE = _op('v128.store', 0x0B, prefix=0xFD, imm=Imm.MEMARG, sig='i32 v128:', feature='simd', natural_align=4)
V128_CONST = _op('v128.const', 0x0C, prefix=0xFD, imm=Imm.V128, sig=':v128', feature='simd')
I8X16_SHUFFLE = _op('i8x16.shuffle', 0x0D, prefix=0xFD, imm=Imm.SHUFFLE, sig='v128 v128:v128', feature='simd')
I8X16_SWIZZLE = _op('i8x16.swizzle', 0x0E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_SPLAT = _op('i8x16.splat', 0x0F, prefix=0xFD, sig='i32:v128', feature='simd')
I16X8_SPLAT = _op('i16x8.splat', 0x10, prefix=0xFD, sig='i32:v128', feature='simd')
I32X4_SPLAT = _op('i32x4.splat', 0x11, prefix=0xFD, sig='i32:v128', feature='simd')
I64X2_SPLAT = _op('i64x2.splat', 0x12, prefix=0xFD, sig='i64:v128', feature='simd')
F32X4_SPLAT = _op('f32x4.splat', 0x13, prefix=0xFD, sig='f32:v128', feature='simd')
F64X2_SPLAT = _op('f64x2.splat', 0x14, prefix=0xFD, sig='f64:v128', feature='simd')
I8X16_EXTRACT_LANE_S = _op('i8x16.extract_lane_s', 0x15, prefix=0xFD, imm=Imm.LANE, sig='v128:i32', feature='simd')
I8X16_EXTRACT_LANE_U = _op('i8x16.extract_lane_u', 0x16, prefix=0xFD, imm=Imm.LANE, sig='v128:i32', feature='simd')
I8X16_REPLACE_LANE = _op('i8x16.replace_lane', 0x17, prefix=0xFD, imm=Imm.LANE, sig='v128 i32:v128', feature='simd')
I16X8_EXTRACT_LANE_S = _op('i16x8.extract_lane_s', 0x18, prefix=0xFD, imm=Imm.LANE, sig='v128:i32', feature='simd')
I16X8_EXTRACT_LANE_U = _op('i16x8.extract_lane_u', 0x19, prefix=0xFD, imm=Imm.LANE, sig='v128:i32', feature='simd')
I16X8_REPLACE_LANE = _op('i16x8.replace_lane', 0x1A, prefix=0xFD, imm=Imm.LANE, sig='v128 i32:v128', feature='simd')
I32X4_EXTRACT_LANE = _op('i32x4.extract_lane', 0x1B, prefix=0xFD, imm=Imm.LANE, sig='v128:i32', feature='simd')
I32X4_REPLACE_LANE = _op('i32x4.replace_lane', 0x1C, prefix=0xFD, imm=Imm.LANE, sig='v128 i32:v128', feature='simd')
I64X2_EXTRACT_LANE = _op('i64x2.extract_lane', 0x1D, prefix=0xFD, imm=Imm.LANE, sig='v128:i64', feature='simd')
I64X2_REPLACE_LANE = _op('i64x2.replace_lane', 0x1E, prefix=0xFD, imm=Imm.LANE, sig='v128 i64:v128', feature='simd')
F32X4_EXTRACT_LANE = _op('f32x4.extract_lane', 0x1F, prefix=0xFD, imm=Imm.LANE, sig='v128:f32', feature='simd')
F32X4_REPLACE_LANE = _op('f32x4.replace_lane', 0x20, prefix=0xFD, imm=Imm.LANE, sig='v128 f32:v128', feature='simd')
F64X2_EXTRACT_LANE = _op('f64x2.extract_lane', 0x21, prefix=0xFD, imm=Imm.LANE, sig='v128:f64', feature='simd')
F64X2_REPLACE_LANE = _op('f64x2.replace_lane', 0x22, prefix=0xFD, imm=Imm.LANE, sig='v128 f64:v128', feature='simd')
I8X16_EQ = _op('i8x16.eq', 0x23, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_NE = _op('i8x16.ne', 0x24, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_LT_S = _op('i8x16.lt_s', 0x25, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_LT_U = _op('i8x16.lt_u', 0x26, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_GT_S = _op('i8x16.gt_s', 0x27, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_GT_U = _op('i8x16.gt_u', 0x28, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_LE_S = _op('i8x16.le_s', 0x29, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_LE_U = _op('i8x16.le_u', 0x2A, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_GE_S = _op('i8x16.ge_s', 0x2B, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_GE_U = _op('i8x16.ge_u', 0x2C, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EQ = _op('i16x8.eq', 0x2D, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_NE = _op('i16x8.ne', 0x2E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_LT_S = _op('i16x8.lt_s', 0x2F, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_LT_U = _op('i16x8.lt_u', 0x30, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_GT_S = _op('i16x8.gt_s', 0x31, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_GT_U = _op('i16x8.gt_u', 0x32, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_LE_S = _op('i16x8.le_s', 0x33, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_LE_U = _op('i16x8.le_u', 0x34, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_GE_S = _op('i16x8.ge_s', 0x35, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_GE_U = _op('i16x8.ge_u', 0x36, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_EQ = _op('i32x4.eq', 0x37, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_NE = _op('i32x4.ne', 0x38, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_LT_S = _op('i32x4.lt_s', 0x39, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_LT_U = _op('i32x4.lt_u', 0x3A, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_GT_S = _op('i32x4.gt_s', 0x3B, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_GT_U = _op('i32x4.gt_u', 0x3C, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_LE_S = _op('i32x4.le_s', 0x3D, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_LE_U = _op('i32x4.le_u', 0x3E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_GE_S = _op('i32x4.ge_s', 0x3F, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_GE_U = _op('i32x4.ge_u', 0x40, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_EQ = _op('f32x4.eq', 0x41, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_NE = _op('f32x4.ne', 0x42, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_LT = _op('f32x4.lt', 0x43, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_GT = _op('f32x4.gt', 0x44, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_LE = _op('f32x4.le', 0x45, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_GE = _op('f32x4.ge', 0x46, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_EQ = _op('f64x2.eq', 0x47, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_NE = _op('f64x2.ne', 0x48, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_LT = _op('f64x2.lt', 0x49, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_GT = _op('f64x2.gt', 0x4A, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_LE = _op('f64x2.le', 0x4B, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_GE = _op('f64x2.ge', 0x4C, prefix=0xFD, sig='v128 v128:v128', feature='simd')
V128_NOT = _op('v128.not', 0x4D, prefix=0xFD, sig='v128:v128', feature='simd')
V128_AND = _op('v128.and', 0x4E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
V128_ANDNOT = _op('v128.andnot', 0x4F, prefix=0xFD, sig='v128 v128:v128', feature='simd')
V128_OR = _op('v128.or', 0x50, prefix=0xFD, sig='v128 v128:v128', feature='simd')
V128_XOR = _op('v128.xor', 0x51, prefix=0xFD, sig='v128 v128:v128', feature='simd')
V128_BITSELECT = _op('v128.bitselect', 0x52, prefix=0xFD, sig='v128 v128 v128:v128', feature='simd')
V128_ANY_TRUE = _op('v128.any_true', 0x53, prefix=0xFD, sig='v128:i32', feature='simd')
V128_LOAD8_LANE = _op('v128.load8_lane', 0x54, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:v128', feature='simd', natural_align=0)
V128_LOAD16_LANE = _op('v128.load16_lane', 0x55, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:v128', feature='simd', natural_align=1)
V128_LOAD32_LANE = _op('v128.load32_lane', 0x56, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:v128', feature='simd', natural_align=2)
V128_LOAD64_LANE = _op('v128.load64_lane', 0x57, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:v128', feature='simd', natural_align=3)
V128_STORE8_LANE = _op('v128.store8_lane', 0x58, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:', feature='simd', natural_align=0)
V128_STORE16_LANE = _op('v128.store16_lane', 0x59, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:', feature='simd', natural_align=1)
V128_STORE32_LANE = _op('v128.store32_lane', 0x5A, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:', feature='simd', natural_align=2)
V128_STORE64_LANE = _op('v128.store64_lane', 0x5B, prefix=0xFD, imm=Imm.MEMARG_LANE, sig='i32 v128:', feature='simd', natural_align=3)
V128_LOAD32_ZERO = _op('v128.load32_zero', 0x5C, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=2)
V128_LOAD64_ZERO = _op('v128.load64_zero', 0x5D, prefix=0xFD, imm=Imm.MEMARG, sig='i32:v128', feature='simd', natural_align=3)
F32X4_DEMOTE_F64X2_ZERO = _op('f32x4.demote_f64x2_zero', 0x5E, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_PROMOTE_LOW_F32X4 = _op('f64x2.promote_low_f32x4', 0x5F, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_ABS = _op('i8x16.abs', 0x60, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_NEG = _op('i8x16.neg', 0x61, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_POPCNT = _op('i8x16.popcnt', 0x62, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_ALL_TRUE = _op('i8x16.all_true', 0x63, prefix=0xFD, sig='v128:i32', feature='simd')
I8X16_BITMASK = _op('i8x16.bitmask', 0x64, prefix=0xFD, sig='v128:i32', feature='simd')
I8X16_NARROW_I16X8_S = _op('i8x16.narrow_i16x8_s', 0x65, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_NARROW_I16X8_U = _op('i8x16.narrow_i16x8_u', 0x66, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_CEIL = _op('f32x4.ceil', 0x67, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_FLOOR = _op('f32x4.floor', 0x68, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_TRUNC = _op('f32x4.trunc', 0x69, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_NEAREST = _op('f32x4.nearest', 0x6A, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_SHL = _op('i8x16.shl', 0x6B, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I8X16_SHR_S = _op('i8x16.shr_s', 0x6C, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I8X16_SHR_U = _op('i8x16.shr_u', 0x6D, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I8X16_ADD = _op('i8x16.add', 0x6E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_ADD_SAT_S = _op('i8x16.add_sat_s', 0x6F, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_ADD_SAT_U = _op('i8x16.add_sat_u', 0x70, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_SUB = _op('i8x16.sub', 0x71, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_SUB_SAT_S = _op('i8x16.sub_sat_s', 0x72, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_SUB_SAT_U = _op('i8x16.sub_sat_u', 0x73, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_CEIL = _op('f64x2.ceil', 0x74, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_FLOOR = _op('f64x2.floor', 0x75, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_MIN_S = _op('i8x16.min_s', 0x76, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_MIN_U = _op('i8x16.min_u', 0x77, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_MAX_S = _op('i8x16.max_s', 0x78, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I8X16_MAX_U = _op('i8x16.max_u', 0x79, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_TRUNC = _op('f64x2.trunc', 0x7A, prefix=0xFD, sig='v128:v128', feature='simd')
I8X16_AVGR_U = _op('i8x16.avgr_u', 0x7B, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EXTADD_PAIRWISE_I8X16_S = _op('i16x8.extadd_pairwise_i8x16_s', 0x7C, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_EXTADD_PAIRWISE_I8X16_U = _op('i16x8.extadd_pairwise_i8x16_u', 0x7D, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_EXTADD_PAIRWISE_I16X8_S = _op('i32x4.extadd_pairwise_i16x8_s', 0x7E, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_EXTADD_PAIRWISE_I16X8_U = _op('i32x4.extadd_pairwise_i16x8_u', 0x7F, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_ABS = _op('i16x8.abs', 0x80, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_NEG = _op('i16x8.neg', 0x81, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_Q15MULR_SAT_S = _op('i16x8.q15mulr_sat_s', 0x82, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_ALL_TRUE = _op('i16x8.all_true', 0x83, prefix=0xFD, sig='v128:i32', feature='simd')
I16X8_BITMASK = _op('i16x8.bitmask', 0x84, prefix=0xFD, sig='v128:i32', feature='simd')
I16X8_NARROW_I32X4_S = _op('i16x8.narrow_i32x4_s', 0x85, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_NARROW_I32X4_U = _op('i16x8.narrow_i32x4_u', 0x86, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EXTEND_LOW_I8X16_S = _op('i16x8.extend_low_i8x16_s', 0x87, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_EXTEND_HIGH_I8X16_S = _op('i16x8.extend_high_i8x16_s', 0x88, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_EXTEND_LOW_I8X16_U = _op('i16x8.extend_low_i8x16_u', 0x89, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_EXTEND_HIGH_I8X16_U = _op('i16x8.extend_high_i8x16_u', 0x8A, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_SHL = _op('i16x8.shl', 0x8B, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I16X8_SHR_S = _op('i16x8.shr_s', 0x8C, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I16X8_SHR_U = _op('i16x8.shr_u', 0x8D, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I16X8_ADD = _op('i16x8.add', 0x8E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_ADD_SAT_S = _op('i16x8.add_sat_s', 0x8F, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_ADD_SAT_U = _op('i16x8.add_sat_u', 0x90, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_SUB = _op('i16x8.sub', 0x91, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_SUB_SAT_S = _op('i16x8.sub_sat_s', 0x92, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_SUB_SAT_U = _op('i16x8.sub_sat_u', 0x93, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_NEAREST = _op('f64x2.nearest', 0x94, prefix=0xFD, sig='v128:v128', feature='simd')
I16X8_MUL = _op('i16x8.mul', 0x95, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_MIN_S = _op('i16x8.min_s', 0x96, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_MIN_U = _op('i16x8.min_u', 0x97, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_MAX_S = _op('i16x8.max_s', 0x98, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_MAX_U = _op('i16x8.max_u', 0x99, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_AVGR_U = _op('i16x8.avgr_u', 0x9B, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EXTMUL_LOW_I8X16_S = _op('i16x8.extmul_low_i8x16_s', 0x9C, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EXTMUL_HIGH_I8X16_S = _op('i16x8.extmul_high_i8x16_s', 0x9D, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EXTMUL_LOW_I8X16_U = _op('i16x8.extmul_low_i8x16_u', 0x9E, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I16X8_EXTMUL_HIGH_I8X16_U = _op('i16x8.extmul_high_i8x16_u', 0x9F, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_ABS = _op('i32x4.abs', 0xA0, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_NEG = _op('i32x4.neg', 0xA1, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_ALL_TRUE = _op('i32x4.all_true', 0xA3, prefix=0xFD, sig='v128:i32', feature='simd')
I32X4_BITMASK = _op('i32x4.bitmask', 0xA4, prefix=0xFD, sig='v128:i32', feature='simd')
I32X4_EXTEND_LOW_I16X8_S = _op('i32x4.extend_low_i16x8_s', 0xA7, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_EXTEND_HIGH_I16X8_S = _op('i32x4.extend_high_i16x8_s', 0xA8, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_EXTEND_LOW_I16X8_U = _op('i32x4.extend_low_i16x8_u', 0xA9, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_EXTEND_HIGH_I16X8_U = _op('i32x4.extend_high_i16x8_u', 0xAA, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_SHL = _op('i32x4.shl', 0xAB, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I32X4_SHR_S = _op('i32x4.shr_s', 0xAC, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I32X4_SHR_U = _op('i32x4.shr_u', 0xAD, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I32X4_ADD = _op('i32x4.add', 0xAE, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_SUB = _op('i32x4.sub', 0xB1, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_MUL = _op('i32x4.mul', 0xB5, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_MIN_S = _op('i32x4.min_s', 0xB6, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_MIN_U = _op('i32x4.min_u', 0xB7, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_MAX_S = _op('i32x4.max_s', 0xB8, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_MAX_U = _op('i32x4.max_u', 0xB9, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_DOT_I16X8_S = _op('i32x4.dot_i16x8_s', 0xBA, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_EXTMUL_LOW_I16X8_S = _op('i32x4.extmul_low_i16x8_s', 0xBC, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_EXTMUL_HIGH_I16X8_S = _op('i32x4.extmul_high_i16x8_s', 0xBD, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_EXTMUL_LOW_I16X8_U = _op('i32x4.extmul_low_i16x8_u', 0xBE, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_EXTMUL_HIGH_I16X8_U = _op('i32x4.extmul_high_i16x8_u', 0xBF, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_ABS = _op('i64x2.abs', 0xC0, prefix=0xFD, sig='v128:v128', feature='simd')
I64X2_NEG = _op('i64x2.neg', 0xC1, prefix=0xFD, sig='v128:v128', feature='simd')
I64X2_ALL_TRUE = _op('i64x2.all_true', 0xC3, prefix=0xFD, sig='v128:i32', feature='simd')
I64X2_BITMASK = _op('i64x2.bitmask', 0xC4, prefix=0xFD, sig='v128:i32', feature='simd')
I64X2_EXTEND_LOW_I32X4_S = _op('i64x2.extend_low_i32x4_s', 0xC7, prefix=0xFD, sig='v128:v128', feature='simd')
I64X2_EXTEND_HIGH_I32X4_S = _op('i64x2.extend_high_i32x4_s', 0xC8, prefix=0xFD, sig='v128:v128', feature='simd')
I64X2_EXTEND_LOW_I32X4_U = _op('i64x2.extend_low_i32x4_u', 0xC9, prefix=0xFD, sig='v128:v128', feature='simd')
I64X2_EXTEND_HIGH_I32X4_U = _op('i64x2.extend_high_i32x4_u', 0xCA, prefix=0xFD, sig='v128:v128', feature='simd')
I64X2_SHL = _op('i64x2.shl', 0xCB, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I64X2_SHR_S = _op('i64x2.shr_s', 0xCC, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I64X2_SHR_U = _op('i64x2.shr_u', 0xCD, prefix=0xFD, sig='v128 i32:v128', feature='simd')
I64X2_ADD = _op('i64x2.add', 0xCE, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_SUB = _op('i64x2.sub', 0xD1, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_MUL = _op('i64x2.mul', 0xD5, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_EQ = _op('i64x2.eq', 0xD6, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_NE = _op('i64x2.ne', 0xD7, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_LT_S = _op('i64x2.lt_s', 0xD8, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_GT_S = _op('i64x2.gt_s', 0xD9, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_LE_S = _op('i64x2.le_s', 0xDA, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_GE_S = _op('i64x2.ge_s', 0xDB, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_EXTMUL_LOW_I32X4_S = _op('i64x2.extmul_low_i32x4_s', 0xDC, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_EXTMUL_HIGH_I32X4_S = _op('i64x2.extmul_high_i32x4_s', 0xDD, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_EXTMUL_LOW_I32X4_U = _op('i64x2.extmul_low_i32x4_u', 0xDE, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I64X2_EXTMUL_HIGH_I32X4_U = _op('i64x2.extmul_high_i32x4_u', 0xDF, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_ABS = _op('f32x4.abs', 0xE0, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_NEG = _op('f32x4.neg', 0xE1, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_SQRT = _op('f32x4.sqrt', 0xE3, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_ADD = _op('f32x4.add', 0xE4, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_SUB = _op('f32x4.sub', 0xE5, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_MUL = _op('f32x4.mul', 0xE6, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_DIV = _op('f32x4.div', 0xE7, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_MIN = _op('f32x4.min', 0xE8, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_MAX = _op('f32x4.max', 0xE9, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_PMIN = _op('f32x4.pmin', 0xEA, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F32X4_PMAX = _op('f32x4.pmax', 0xEB, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_ABS = _op('f64x2.abs', 0xEC, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_NEG = _op('f64x2.neg', 0xED, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_SQRT = _op('f64x2.sqrt', 0xEF, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_ADD = _op('f64x2.add', 0xF0, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_SUB = _op('f64x2.sub', 0xF1, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_MUL = _op('f64x2.mul', 0xF2, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_DIV = _op('f64x2.div', 0xF3, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_MIN = _op('f64x2.min', 0xF4, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_MAX = _op('f64x2.max', 0xF5, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_PMIN = _op('f64x2.pmin', 0xF6, prefix=0xFD, sig='v128 v128:v128', feature='simd')
F64X2_PMAX = _op('f64x2.pmax', 0xF7, prefix=0xFD, sig='v128 v128:v128', feature='simd')
I32X4_TRUNC_SAT_F32X4_S = _op('i32x4.trunc_sat_f32x4_s', 0xF8, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_TRUNC_SAT_F32X4_U = _op('i32x4.trunc_sat_f32x4_u', 0xF9, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_CONVERT_I32X4_S = _op('f32x4.convert_i32x4_s', 0xFA, prefix=0xFD, sig='v128:v128', feature='simd')
F32X4_CONVERT_I32X4_U = _op('f32x4.convert_i32x4_u', 0xFB, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_TRUNC_SAT_F64X2_S_ZERO = _op('i32x4.trunc_sat_f64x2_s_zero', 0xFC, prefix=0xFD, sig='v128:v128', feature='simd')
I32X4_TRUNC_SAT_F64X2_U_ZERO = _op('i32x4.trunc_sat_f64x2_u_zero', 0xFD, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_CONVERT_LOW_I32X4_S = _op('f64x2.convert_low_i32x4_s', 0xFE, prefix=0xFD, sig='v128:v128', feature='simd')
F64X2_CONVERT_LOW_I32X4_U = _op('f64x2.convert_low_i32x4_u', 0xFF, prefix=0xFD, sig='v128:v128', feature='simd')
