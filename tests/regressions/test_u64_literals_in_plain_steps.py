"""Merging the translation-speed work (run_range hands local/constant operators straight to
step_local) with the unsigned-i64 translator made U64Translator miss i64.const: a negative literal was
written signed into code that holds i64 values unsigned, so ``x == -1`` was false for x = -1. The
subclass now removes i64.const from the operators run_range bypasses."""

from __future__ import annotations

from wasmi import Engine, Linker, Module, Store
from wasmi._exec import codegen_u64

WAT = """(module
  (func (export "eq") (param i64) (result i32) (i64.eq (local.get 0) (i64.const -1)))
  (func (export "add") (param i64) (result i64) (i64.add (local.get 0) (i64.const -4294967296))))"""


def test_negative_i64_literal_in_unsigned_form() -> None:
    saved = codegen_u64.MODE
    codegen_u64.MODE = "always"
    try:
        engine = Engine()
        store = Store(engine)
        inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
        assert inst.get_func(store, "eq").call(store, -1) == 1
        assert inst.get_func(store, "eq").call(store, 1) == 0
        assert inst.get_func(store, "add").call(store, 5) == 5 - 4294967296
    finally:
        codegen_u64.MODE = saved
