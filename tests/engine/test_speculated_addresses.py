"""Accesses at speculated addresses (docs/RATIONALE.md "Why speculate that addresses do not wrap?"):
an address ``a + b`` is first used unreduced; when it reaches 2**32 the access fails and is retried at
the exact, wrapped address. Every shape of access (byte, struct, typed view, f32) at addresses that
wrap to valid memory, that wrap to past the end (trap), that do not wrap, and at the last valid byte,
against a byte-level model of the memory written here."""

from __future__ import annotations

import itertools
import struct

import pytest
from _support import translator

from wasmi import Config, Engine, Linker, Module, Store, Trap, TrapCode

PAGE = 65536
WAT = """(module
  (memory (export "mem") 1)
  (func (export "ld8") (param i32 i32) (result i32) (i32.load8_u (i32.add (local.get 0) (local.get 1))))
  (func (export "ld8off") (param i32 i32) (result i32)
    (i32.load8_u offset=3 (i32.add (local.get 0) (local.get 1))))
  (func (export "ld32") (param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (local.get 1))))
  (func (export "ld32al") (param i32) (result i32)
    (i32.load offset=4 (i32.add (i32.and (local.get 0) (i32.const -4)) (i32.const 8))))
  (func (export "ld64") (param i32 i32) (result i64) (i64.load (i32.add (local.get 0) (local.get 1))))
  (func (export "ldf32") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (f32.load (i32.add (local.get 0) (local.get 1)))))
  (func (export "st8") (param i32 i32 i32) (i32.store8 (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "st32") (param i32 i32 i32) (i32.store (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "st32al") (param i32 i32)
    (i32.store (i32.add (i32.and (local.get 0) (i32.const -4)) (i32.const 8)) (local.get 1)))
  (func (export "st64") (param i32 i32 i64) (i64.store (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "stf32") (param i32 i32 i32)
    (f32.store (i32.add (local.get 0) (local.get 1)) (f32.reinterpret_i32 (local.get 2)))))"""

M32 = 0xFFFFFFFF
PAIRS = [(100, 200), (M32, 5), (0xFFFFFFF0, 0x20), (0x80000000, 0x80000000), (M32, 0x10000), (0x10000, 0),
         (PAGE - 1, 0), (PAGE - 4, 0), (PAGE - 8, 0), (M32, PAGE), (M32, PAGE - 1), (0, M32), (5, M32 - 4)]


@pytest.fixture(params=["structured", "fallback", "fuel"])
def env(request):
    with translator(request.param == "fallback"):
        engine = Engine(Config(consume_fuel=request.param == "fuel"))
        store = Store(engine)
        if request.param == "fuel":
            store.set_fuel(10**12)
        inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
        mem = inst.get_memory(store, "mem")
        pattern = bytes((i * 7 + 3) & 0xFF for i in range(PAGE))
        mem.write(store, 0, pattern)
        yield store, inst, mem


def _ea(a: int, b: int, off: int = 0) -> int:
    return ((a + b) & M32) + off


def _call(store, inst, name, *args):
    try:
        return inst.get_func(store, name).call(store, *args)
    except Trap as t:
        assert t.code is TrapCode.MemoryOutOfBounds, (name, args, t)
        return "trap"


def test_loads(env) -> None:
    store, inst, mem = env
    model = bytes(mem.read(store, 0, PAGE))

    def read(ea: int, n: int):
        return "trap" if ea + n > PAGE else model[ea:ea + n]

    for a, b in PAIRS:
        for name, off, n, fmt in (("ld8", 0, 1, "<B"), ("ld8off", 3, 1, "<B"), ("ld32", 0, 4, "<i"),
                                  ("ld64", 0, 8, "<q"), ("ldf32", 0, 4, "<i")):
            raw = read(_ea(a, b, off), n)
            want = "trap" if raw == "trap" else struct.unpack(fmt, raw)[0]
            assert _call(store, inst, name, a, b) == want, (name, a, b)
        ea = ((a & 0xFFFFFFFC) + 8 & M32) + 4
        raw = read(ea, 4)
        assert _call(store, inst, "ld32al", a) == ("trap" if raw == "trap" else struct.unpack("<i", raw)[0]), a


def test_stores(env) -> None:
    store, inst, mem = env
    model = bytearray(mem.read(store, 0, PAGE))
    values = itertools.cycle([0x12, 0xDEADBEEF, -1, 0x7F7F7F7F])
    for a, b in PAIRS:
        for name, n, fmt in (("st8", 1, "<B"), ("st32", 4, "<I"), ("st64", 8, "<q"), ("stf32", 4, "<I"),
                             ("st32al", 4, "<I")):
            v = next(values)
            ea = ((a & 0xFFFFFFFC) + 8) & M32 if name == "st32al" else _ea(a, b)
            arg = v & (0xFF if n == 1 else M32) if fmt != "<q" else v
            args = (a, arg) if name == "st32al" else (a, b, arg)
            got = _call(store, inst, name, *args)
            if ea + n > PAGE:
                assert got == "trap", (name, a, b)
            else:
                assert got is None, (name, a, b, got)
                model[ea:ea + n] = struct.pack(fmt, arg if fmt != "<I" else arg & M32)
            assert bytes(mem.read(store, 0, PAGE)) == bytes(model), (name, a, b)


def test_the_speculated_form_is_generated() -> None:
    """The tests above would pass without speculation too: make sure they exercise it."""
    from wasmi._binary.decode import decode_module
    from wasmi._exec.codegen import translate_function
    from wasmi.wat import parse_str

    m = decode_module(parse_str(WAT))
    srcs = [translate_function(m, i, False)[0] for i in range(len(m.funcs))]
    assert sum("except _MEMX:" in s for s in srcs) >= 8
