"""compilation_mode="lazy": Module() leaves function bodies undecoded and unvalidated; each body is
decoded and validated when its function is first called, and a bad body raises the error the other
modes raise at Module(), with the same message, function index and byte offset."""

from __future__ import annotations

import gc
import threading
from typing import Any, List, Tuple

import pytest

import wasmi
from wasmi import Config, EnforcedLimits, Engine, Linker, Module, Store
from wasmi._binary.lazy import LazyFunc
from wasmi.wat import parse_str

MODES = ("eager", "lazy_translation", "lazy")

# function 1 ($bad) is invalid: it leaves an i64 where an i32 result is due
INVALID = """(module
  (memory 1)
  (func $ok (export "ok") (param i32) (result i32)
    (i32.add (i32.load (i32.and (local.get 0) (i32.const -4))) (i32.const 1)))
  (func $bad (export "bad") (result i32) (i64.const 1))
  (func (export "call_bad") (result i32) (call $bad))
  (func (export "ok2") (result i32) (call $ok (i32.const 8))))"""


def _inst(engine: Engine, module: Module) -> Tuple[Store, Any]:
    store = Store(engine)
    return store, Linker(engine).instantiate_and_start(store, module)


def _is_decoded(f: Any) -> bool:
    try:
        object.__getattribute__(f, "body")
        return True
    except AttributeError:
        return False


def test_invalid_body_is_rejected_up_front_except_in_lazy_mode() -> None:
    errors = {}
    for mode in ("eager", "lazy_translation"):
        with pytest.raises(wasmi.ValidationError) as ei:
            Module(Engine(Config(compilation_mode=mode)), INVALID)
        errors[mode] = ei.value
    engine = Engine(Config(compilation_mode="lazy"))
    module = Module(engine, INVALID)
    store, inst = _inst(engine, module)
    assert inst.get_func(store, "ok").call(store, 5) == 1
    assert inst.get_func(store, "ok2").call(store) == 1
    for name in ("bad", "call_bad", "bad"):  # every call raises, directly or from a caller
        with pytest.raises(wasmi.ValidationError) as ei:
            inst.get_func(store, name).call(store)
        e = ei.value
        assert not isinstance(e, wasmi.Trap)
        assert (e.message, e.func_index, e.offset) == (errors["eager"].message, 1, errors["eager"].offset)
        assert str(e) == str(errors["lazy_translation"])
        assert e.message.startswith("type mismatch") and e.offset is not None
    # the offset (recomputed on demand in every mode) is the final `end` after `i64.const 1`
    data = parse_str(INVALID)
    assert data[errors["eager"].offset - 2:errors["eager"].offset + 1] == b"\x42\x01\x0b"


def test_module_validate_still_checks_every_body() -> None:
    with pytest.raises(wasmi.ValidationError):
        Module.validate(Engine(Config(compilation_mode="lazy")), INVALID)


def test_lazy_module_decodes_no_body_until_a_call() -> None:
    engine = Engine(Config(compilation_mode="lazy"))
    module = Module(engine, INVALID)
    funcs = module._ast.funcs
    assert all(isinstance(f, LazyFunc) and not _is_decoded(f) for f in funcs)
    assert [e.name for e in module.exports()] == ["ok", "bad", "call_bad", "ok2"]
    assert not any(_is_decoded(f) for f in funcs)  # introspection needs no body
    store, inst = _inst(engine, module)
    assert not any(_is_decoded(f) for f in funcs)
    inst.get_func(store, "ok").call(store, 0)
    assert _is_decoded(funcs[0])
    assert _is_decoded(funcs[0]) and funcs[0].error is None
    if _is_decoded(funcs[1]):  # a small module's alignment analysis reads every body
        assert isinstance(funcs[1].error, wasmi.ValidationError)
        assert funcs[1].body == [(wasmi._syntax.instructions.UNREACHABLE,), (wasmi._syntax.instructions.END,)]


def test_big_lazy_module_translates_one_function_without_decoding_the_others(monkeypatch: Any) -> None:
    # modules with more code bytes than a whole-module walk may take are analysed per function
    import wasmi._exec.compiled as compiled

    monkeypatch.setattr(compiled, "WHOLE_MODULE_LIMIT", 10)
    engine = Engine(Config(compilation_mode="lazy"))
    module = Module(engine, INVALID)
    assert module._ast.derived.get("bodies_on_demand")
    store, inst = _inst(engine, module)
    assert inst.get_func(store, "ok").call(store, 0) == 1
    assert [_is_decoded(f) for f in module._ast.funcs] == [True, False, False, False]
    with pytest.raises(wasmi.ValidationError, match="in function 1"):
        inst.get_func(store, "call_bad").call(store)


def _with_body(body: bytes, extra_sections: bytes = b"") -> bytes:
    """A module of one exported function `f: [] -> []` whose code entry holds ``body`` (locals
    declarations included)."""
    types = b"\x01\x04\x01\x60\x00\x00"
    funcs = b"\x03\x02\x01\x00"
    exports = b"\x07\x05\x01\x01f\x00\x00"
    entry = bytes([len(body)]) + body
    code = b"\x0a" + bytes([len(entry) + 1, 1]) + entry
    return b"\x00asm\x01\x00\x00\x00" + types + funcs + extra_sections + exports + code


def _eager_error(data: bytes) -> wasmi.WasmiError:
    with pytest.raises(wasmi.WasmiError) as ei:
        Module(Engine(), data)
    return ei.value


def _lazy_call_error(data: bytes) -> wasmi.WasmiError:
    engine = Engine(Config(compilation_mode="lazy"))
    store, inst = _inst(engine, Module(engine, data))
    with pytest.raises(wasmi.WasmiError) as ei:
        inst.get_func(store, "f").call(store)
    return ei.value


@pytest.mark.parametrize("body, message", [
    (b"\x00\xff\x0b", "illegal opcode"),                     # no such opcode
    (b"\x00\x0b\x01", "section size mismatch"),              # ends before its declared size
    (b"\x01\x01\x7e", "unexpected end"),                     # the input ends inside the body
    (b"\x00\x41\x80\x80\x80\x80\x80\x00\x1a\x0b", "integer representation too long"),
])
def test_malformed_body_is_a_decode_error_on_first_call(body: bytes, message: str) -> None:
    data = _with_body(body)
    eager = _eager_error(data)
    assert isinstance(eager, wasmi.DecodeError) and eager.message.startswith(message)
    lazy = _lazy_call_error(data)
    assert isinstance(lazy, wasmi.DecodeError)
    assert (lazy.message, lazy.offset, lazy.func_index) == (eager.message, eager.offset, 0)
    assert "in function 0" in str(lazy) and "in function 0" in str(eager)


def test_data_count_section_required_on_first_call() -> None:
    memory = b"\x05\x03\x01\x00\x01"
    data = _with_body(b"\x00\xfc\x09\x00\x0b", memory)  # data.drop 0 without a data count section
    assert _eager_error(data).message == "data count section required"
    lazy = _lazy_call_error(data)
    assert isinstance(lazy, wasmi.DecodeError) and lazy.message == "data count section required"
    assert lazy.func_index == 0 and lazy.offset is not None


def test_malformed_module_structure_gives_the_eager_message() -> None:
    # the entry's declared size (2) cuts the body short, and the bytes after it are no section: read
    # eagerly, the body's LEB is too long; read by sizes, the next "section id" is malformed
    body = b"\x00\x41\x80\x80\x80\x80\x80\x00\x1a\x0b"
    entry = b"\x02" + body
    code = b"\x0a" + bytes([len(entry) + 1, 1]) + entry
    data = b"\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00" + code
    for mode in MODES:
        with pytest.raises(wasmi.DecodeError, match="integer representation too long"):
            Module(Engine(Config(compilation_mode=mode)), data)


def test_invalid_start_function_fails_instantiation_in_lazy_mode() -> None:
    wat = '(module (func $s (drop)) (start $s))'
    engine = Engine(Config(compilation_mode="lazy"))
    module = Module(engine, wat)
    with pytest.raises(wasmi.ValidationError, match="type mismatch"):
        _inst(engine, module)


def test_config_checks_of_bodies_move_to_the_first_call() -> None:
    floats = '(module (func (export "f") (drop (f32.const 1))) (func (export "g")))'
    big = '(module (func (export "f") (drop (i32.add (i32.const 1) (i32.const 2)))) (func (export "g")))'
    cases: List[Tuple[str, Config, type]] = [
        (floats, Config(floats=False), wasmi.ValidationError),
        (big, Config(enforced_limits=EnforcedLimits(max_function_body_size=3)), wasmi.EnforcedLimitsError),
    ]
    for wat, cfg, exc in cases:
        with pytest.raises(exc):
            Module(Engine(cfg), wat)
        engine = Engine(cfg.copy().compilation_mode("lazy"))
        store, inst = _inst(engine, Module(engine, wat))
        inst.get_func(store, "g").call(store)
        with pytest.raises(exc):
            inst.get_func(store, "f").call(store)


SUM = """(module (func (export "sum") (param i32) (result i32) (local i32)
  (block (loop (br_if 1 (i32.eqz (local.get 0)))
    (local.set 1 (i32.add (local.get 1) (local.get 0)))
    (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br 0)))
  (local.get 1)))"""


def _first_calls_from_two_threads() -> Tuple[List[Any], List[int]]:
    engine = Engine(Config(compilation_mode="lazy"))
    module = Module(engine, SUM)
    bodies = module._ast.derived["lazy_bodies"]
    checked: List[int] = []
    inner = bodies.check

    def counting(func: Any, index: int) -> None:
        checked.append(index)
        inner(func, index)
    bodies.check = counting
    results: List[Any] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        store, inst = _inst(engine, module)
        f = inst.get_func(store, "sum")
        barrier.wait()
        results.append(f.call(store, 100))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, checked


def test_two_threads_calling_the_same_function_first() -> None:
    for _ in range(5):
        results, checked = _first_calls_from_two_threads()
        assert results == [5050, 5050]
        assert checked == [0]  # decoded and validated once


def test_invalid_function_called_through_a_table_or_with_fuel() -> None:
    wat = """(module (type $t (func (result i32)))
      (table 1 funcref) (elem (i32.const 0) $bad)
      (func $bad (type $t) (i64.const 1))
      (func (export "via_table") (result i32) (call_indirect (type $t) (i32.const 0))))"""
    for fuel in (False, True):
        engine = Engine(Config(compilation_mode="lazy", consume_fuel=fuel))
        store, inst = _inst(engine, Module(engine, wat))
        if fuel:
            store.set_fuel(1000)
        with pytest.raises(wasmi.ValidationError, match="in function 0"):
            inst.get_func(store, "via_table").call(store)


@pytest.mark.parametrize("lazy", [False, True])
def test_decoded_syntax_tree_is_freed_without_the_cycle_collector(lazy: bool) -> None:
    from wasmi._binary.decode import decode_module

    data = parse_str(INVALID)
    gc.collect()
    gc.disable()
    try:
        m = decode_module(data, lazy)
        assert [len(f.body) for f in m.funcs] and all(f.offsets for f in m.funcs)  # everything filled
        del m
        assert gc.collect() == 0  # nothing was left for the cycle collector
    finally:
        gc.enable()


def test_text_and_binary_sources_behave_alike() -> None:
    engine = Engine(Config(compilation_mode="lazy"))
    store, inst = _inst(engine, Module(engine, parse_str(INVALID)))
    with pytest.raises(wasmi.ValidationError, match="in function 1"):
        inst.get_func(store, "bad").call(store)
