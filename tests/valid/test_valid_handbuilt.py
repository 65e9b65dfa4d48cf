"""Validator rules on syntax trees built by hand (no decoder involved): positions, features, the
polymorphic stack, constant expressions and module-level checks."""

from __future__ import annotations

import pytest

from wasmi import ValidationError
from wasmi._syntax import ast, instructions as I
from wasmi._syntax.types import (
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    ExternKind,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    TableType,
)
from wasmi._valid import validate_module


def module(*bodies: list, params=(), results=(), locals_=(), memory: bool = False) -> ast.Module:
    m = ast.Module()
    m.types.append(FuncType(tuple(params), tuple(results)))
    for body in bodies:
        m.funcs.append(ast.Func(0, list(locals_), list(body) + [(I.END,)]))
    if memory:
        m.memories.append(ast.Memory(MemoryType(Limits(1))))
    return m


def invalid(m: ast.Module, prefix: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_module(m)
    assert info.value.message.startswith(prefix), info.value.message
    return info.value


def test_plain_signature_and_mismatch() -> None:
    validate_module(module([(I.I32_CONST, 1), (I.I32_CONST, 2), (I.I32_ADD,)], results=[I32]))
    invalid(module([(I.I32_CONST, 1), (I.I64_CONST, 2), (I.I32_ADD,)], results=[I32]), "type mismatch")
    invalid(module([(I.I32_CONST, 1)]), "type mismatch")  # a value left over
    invalid(module([], results=[I32]), "type mismatch")  # a result missing


def test_error_position_uses_offsets_and_function_index() -> None:
    m = module([(I.NOP,)], [(I.NOP,), (I.I32_ADD,)])
    m.imports.append(ast.Import("env", "f", ExternKind.FUNC, 0))
    m.funcs[1].offsets = [100, 101, 102]
    err = invalid(m, "type mismatch")
    assert (err.func_index, err.offset) == (2, 101)


def test_polymorphic_stack_after_unreachable_and_br() -> None:
    validate_module(module([(I.UNREACHABLE,), (I.I32_ADD,)], results=[I32]))
    validate_module(module([(I.UNREACHABLE,), (I.SELECT,)], results=[I64]))
    validate_module(module([(I.I32_CONST, 0), (I.BR, 0), (I.F32_NEG,), (I.DROP,)], results=[I32]))
    invalid(module([(I.UNREACHABLE,), (I.I64_CONST, 0), (I.I32_ADD,)], results=[I32]), "type mismatch")
    # select without a type cannot produce a reference, even from Unknown operands
    invalid(module([(I.UNREACHABLE,), (I.REF_NULL, FUNCREF), (I.REF_NULL, FUNCREF), (I.I32_CONST, 0),
                    (I.SELECT,), (I.DROP,)]), "type mismatch")


def test_select_rules() -> None:
    validate_module(module([(I.REF_NULL, EXTERNREF), (I.REF_NULL, EXTERNREF), (I.I32_CONST, 0),
                            (I.SELECT_T, (EXTERNREF,)), (I.DROP,)]))
    invalid(module([(I.I32_CONST, 0), (I.I32_CONST, 0), (I.I32_CONST, 0), (I.SELECT_T, (I32, I32))]),
            "invalid result arity")
    invalid(module([(I.I32_CONST, 0), (I.I64_CONST, 0), (I.I32_CONST, 0), (I.SELECT,), (I.DROP,)]),
            "type mismatch")


def test_blocks_with_type_index_and_br_table_arity() -> None:
    m = module([(I.I32_CONST, 1), (I.I64_CONST, 2), (I.BLOCK, 1), (I.DROP,), (I.END,)], results=[I32])
    m.types.append(FuncType((I32, I64), (I32,)))
    validate_module(m)
    m.funcs[0].body[2] = (I.BLOCK, 7)
    invalid(m, "unknown type")
    body = [(I.BLOCK, I32), (I.LOOP, None), (I.I32_CONST, 0), (I.I32_CONST, 0), (I.BR_TABLE, (0,), 1),
            (I.END,), (I.I32_CONST, 0), (I.END,)]
    invalid(module(body, results=[I32]), "type mismatch")  # labels of arity 0 and 1
    invalid(module([(I.BR, 1)]), "unknown label")


def test_if_without_else_must_map_params_to_results() -> None:
    invalid(module([(I.I32_CONST, 1), (I.IF, I32), (I.I32_CONST, 1), (I.END,)], results=[I32]),
            "type mismatch")
    validate_module(module([(I.I32_CONST, 1), (I.IF, I32), (I.I32_CONST, 1), (I.ELSE,), (I.I32_CONST, 2),
                            (I.END,)], results=[I32]))


def test_memory_immediates() -> None:
    invalid(module([(I.I32_CONST, 0), (I.I32_LOAD, 2, 0, 0), (I.DROP,)]), "unknown memory 0")
    invalid(module([(I.I32_CONST, 0), (I.I32_LOAD, 3, 0, 0), (I.DROP,)], memory=True),
            "alignment must not be larger than natural")
    invalid(module([(I.I32_CONST, 0), (I.V128_CONST, 0), (I.V128_LOAD32_LANE, 2, 0, 0, 4), (I.DROP,)],
                   memory=True), "invalid lane index")
    invalid(module([(I.V128_CONST, 0), (I.I32X4_EXTRACT_LANE, 4), (I.DROP,)]), "invalid lane index")
    invalid(module([(I.V128_CONST, 0), (I.V128_CONST, 0), (I.I8X16_SHUFFLE, (0,) * 15 + (32,)), (I.DROP,)]),
            "invalid lane index")
    invalid(module([(I.DATA_DROP, 0)]), "unknown data segment")


def test_locals_globals_and_refs() -> None:
    invalid(module([(I.LOCAL_GET, 1), (I.DROP,)], params=[I32]), "unknown local")
    validate_module(module([(I.LOCAL_GET, 1), (I.DROP,)], params=[I32], locals_=[(1, F64)]))
    m = module([(I.I32_CONST, 0), (I.GLOBAL_SET, 0)])
    m.globals.append(ast.Global(GlobalType(I32, False), [(I.I32_CONST, 0)]))
    invalid(m, "global is immutable")
    m = module([(I.REF_FUNC, 0), (I.DROP,)])
    invalid(m, "undeclared function reference")
    m.exports.append(ast.Export("f", ExternKind.FUNC, 0))
    validate_module(m)


def test_constant_expressions_see_only_immutable_imported_globals() -> None:
    m = module()
    m.globals.append(ast.Global(GlobalType(I32, False), [(I.I32_CONST, 0)]))
    m.globals.append(ast.Global(GlobalType(I32, False), [(I.GLOBAL_GET, 0)]))
    invalid(m, "unknown global")
    m = module()
    m.imports.append(ast.Import("env", "g", ExternKind.GLOBAL, GlobalType(I32, True)))
    m.globals.append(ast.Global(GlobalType(I32, False), [(I.GLOBAL_GET, 0)]))
    invalid(m, "constant expression required")
    m.globals[0] = ast.Global(GlobalType(I32, False), [(I.I32_CONST, 0), (I.I32_CONST, 0), (I.I32_ADD,)])
    invalid(m, "constant expression required")
    m.globals[0] = ast.Global(GlobalType(F32, False), [(I.I32_CONST, 0)])
    invalid(m, "type mismatch")


def test_module_level_checks() -> None:
    m = module()
    m.memories.append(ast.Memory(MemoryType(Limits(1, 65537))))
    invalid(m, "memory size must be at most 65536 pages (4GiB)")
    m.memories[0] = ast.Memory(MemoryType(Limits(2, 1)))
    invalid(m, "size minimum must not be greater than maximum")
    m.memories[0] = ast.Memory(MemoryType(Limits(1)))
    m.imports.append(ast.Import("env", "m", ExternKind.MEMORY, MemoryType(Limits(1))))
    invalid(m, "multiple memories")
    m = module([])
    m.exports += [ast.Export("a", ExternKind.FUNC, 0), ast.Export("a", ExternKind.FUNC, 0)]
    invalid(m, "duplicate export name")
    m = module([], params=[I32])
    m.start = 0
    invalid(m, "start function")
    m.start = 5
    invalid(m, "unknown function 5")
    m = module()
    m.tables.append(ast.Table(TableType(EXTERNREF, Limits(1))))
    m.elems.append(ast.Elem(FUNCREF, [], ast.ElemMode.ACTIVE, 0, [(I.I32_CONST, 0)]))
    invalid(m, "type mismatch")
    m.elems[0].table = 3
    invalid(m, "unknown table 3")


def test_disabled_feature_is_rejected() -> None:
    m = module([(I.V128_CONST, 0), (I.DROP,)])
    validate_module(m)
    validate_module(m, features={"simd"})
    with pytest.raises(ValidationError, match="simd"):
        validate_module(m, features={"bulk-memory", "reference-types"})


def test_malformed_tuples_give_validation_errors() -> None:
    for body in ([(I.LOCAL_GET,)], [(I.BR, "x")], [(I.I32_CONST, 0)] * 2 + [(I.END,), (I.NOP,)]):
        with pytest.raises(ValidationError):
            validate_module(module(body))
    m = module()
    m.funcs.append(ast.Func(0, [], [(I.NOP,)]))  # no final end
    with pytest.raises(ValidationError, match="end"):
        validate_module(m)
    m = module()
    m.funcs.append(ast.Func(0, [(2**32 - 1, I32)], [(I.END,)]))
    with pytest.raises(ValidationError, match="too many locals"):
        validate_module(m)


def test_deep_nesting_and_wide_br_table_stay_linear() -> None:
    import time

    depth = 100_000
    body = [(I.BLOCK, None)] * depth + [(I.END,)] * depth
    m = module(body)
    t0 = time.perf_counter()
    validate_module(m)
    body = [(I.BLOCK, I32)] * 100 + [(I.I32_CONST, 0), (I.I32_CONST, 0),
                                     (I.BR_TABLE, tuple(i % 100 for i in range(200_000)), 0)] + [(I.END,)] * 100
    validate_module(module(body, results=[I32]))
    assert time.perf_counter() - t0 < 10
