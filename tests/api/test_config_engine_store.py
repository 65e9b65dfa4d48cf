"""Config (keywords and builders), Engine, Store and the context rule."""

from __future__ import annotations

import pytest

import wasmi
from wasmi import CompilationMode, Config, EnforcedLimits, Engine, Linker, Module, Store


def test_defaults_and_keywords() -> None:
    c = Config()
    assert not c.get_consume_fuel()
    assert c.get_compilation_mode() == "lazy_translation"
    assert c.get_max_call_depth() == 1024
    assert c.get_floats() and c.get_multi_value() and c.get_mutable_global()
    assert not c.get_ignore_custom_sections()
    assert c.get_features() == {"mvp", "simd", "reference-types", "bulk-memory", "sign-extension",
                                "saturating-float-to-int"}
    k = Config(consume_fuel=True, compilation_mode=CompilationMode.EAGER, max_call_depth=10, simd=False)
    assert k.get_consume_fuel() and k.get_compilation_mode() == "eager" and k.get_max_call_depth() == 10
    assert not k.get_feature("simd") and "simd" not in k.get_features()


def test_builders_chain_and_return_the_config() -> None:
    c = Config()
    assert c.consume_fuel(True) is c
    r = (c.compilation_mode("lazy").max_call_depth(7).wasm_simd(False).wasm_bulk_memory(False)
         .wasm_reference_types(False).wasm_sign_extension(False).wasm_saturating_float_to_int(False)
         .wasm_multi_value(False).wasm_mutable_global(False).floats(False).ignore_custom_sections(True)
         .max_memory_pages(3).enforced_limits(EnforcedLimits.strict()))
    assert r is c
    assert c.get_features() == {"mvp"}
    assert c.get_compilation_mode() == "lazy" and c.get_max_call_depth() == 7
    assert c.get_max_memory_pages() == 3 and c.get_enforced_limits() == EnforcedLimits.strict()
    assert c.set_max_recursion_depth(9).get_max_call_depth() == 9
    assert c.get_feature("bulk_memory") is False and c.get_feature("bulk-memory") is False


@pytest.mark.parametrize("bad", [
    lambda: Config(compilation_mode="fast"),
    lambda: Config(max_call_depth=0),
    lambda: Config(max_memory_pages=70000),
    lambda: EnforcedLimits(max_functions=-1),
])
def test_bad_settings_raise_value_error(bad) -> None:
    with pytest.raises(ValueError):
        bad()


def test_enforced_limits_type_checked() -> None:
    with pytest.raises(TypeError):
        Config().enforced_limits("strict")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        Config().get_feature("gc")


def test_engine_config_is_a_copy_and_same() -> None:
    cfg = Config(consume_fuel=True)
    a = Engine(cfg)
    cfg.consume_fuel(False)  # later changes do not reach the engine
    assert a.config().get_consume_fuel()
    a.config().consume_fuel(False)  # nor do changes to what config() returns
    assert a.config().get_consume_fuel()
    assert Engine.same(a, a) and not Engine.same(a, Engine(cfg))
    assert not Engine().config().get_consume_fuel()
    with pytest.raises(TypeError):
        Engine("fuel")  # type: ignore[arg-type]


def test_store_data_of_any_type_and_replaceable() -> None:
    engine = Engine()
    s: Store[list] = Store(engine, [1])
    assert s.data == [1] and s.engine is engine
    s.data = {"x": 2}
    assert s.data == {"x": 2}
    assert Store(engine).data is None
    with pytest.raises(TypeError):
        Store("engine")  # type: ignore[arg-type]


def test_fuel_only_with_metering() -> None:
    s = Store(Engine())
    with pytest.raises(wasmi.WasmiError, match="fuel metering is disabled"):
        s.get_fuel()
    with pytest.raises(wasmi.WasmiError):
        s.set_fuel(5)
    m = Store(Engine(Config(consume_fuel=True)))
    assert m.get_fuel() == 0
    m.set_fuel(123)
    assert m.get_fuel() == 123
    with pytest.raises(ValueError):
        m.set_fuel(-1)


def test_fuel_runs_out_and_is_charged() -> None:
    engine = Engine(Config().consume_fuel(True))
    store = Store(engine)
    module = Module(engine, '(module (func (export "spin") (loop $l (br $l))))')
    f = Linker(engine).instantiate_and_start(store, module).get_func(store, "spin")
    store.set_fuel(1000)
    with pytest.raises(wasmi.Trap) as ei:
        f.call(store)
    assert ei.value.code is wasmi.TrapCode.OutOfFuel
    assert store.get_fuel() < 1000


def test_call_depth_limit_from_config() -> None:
    wat = '(module (func $r (export "r") (param i32) (result i32) (if (result i32) (local.get 0) ' \
          '(then (call $r (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0)))))'

    def recurse(depth: int) -> tuple:
        engine = Engine(Config(max_call_depth=depth))
        store = Store(engine)
        return Linker(engine).instantiate_and_start(store, Module(engine, wat)).get_func(store, "r"), store

    # the limit counts Python frames with a margin for the boundary itself (a few dozen on CPython;
    # PyPy's recursion limit is coarser: about 5x the configured depth there, more once JIT-compiled)
    f, store = recurse(50)
    with pytest.raises(wasmi.Trap) as ei:
        f.call(store, 700)
    assert ei.value.code is wasmi.TrapCode.StackOverflow
    assert f.call(store, 40) == 0  # the store stays usable
    f, store = recurse(2000)
    assert f.call(store, 1900) == 0


def test_context_must_be_store_or_caller() -> None:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, '(module (memory (export "m") 1))'))
    with pytest.raises(TypeError, match="Store or wasmi.Caller"):
        inst.get_memory(object(), "m")


def _fuel_used(costs: wasmi.FuelCosts, wat: str, *args: int) -> int:
    engine = Engine(Config(consume_fuel=True, fuel_costs=costs))
    store = Store(engine)
    f = Linker(engine).instantiate_and_start(store, Module(engine, wat)).get_func(store, "f")
    store.set_fuel(10_000)
    f.call(store, *args)
    return 10_000 - store.get_fuel()


def test_fuel_costs_per_operator() -> None:
    # one straight-line segment: i32.const, i32.const, i32.add (end is free)
    add = '(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))'
    assert _fuel_used(wasmi.FuelCosts(), add) == 3
    assert _fuel_used(wasmi.FuelCosts(base=2), add) == 6
    assert _fuel_used(wasmi.FuelCosts(ops={"i32.add": 10}), add) == 12
    assert _fuel_used(wasmi.FuelCosts(base=0), add) == 0
    # local.get, i32.load / i32.store, call: the categories
    mem = '''(module (memory 1) (func $g)
      (func (export "f") (param i32) (i32.store (local.get 0) (i32.load (local.get 0))) (call $g)))'''
    assert _fuel_used(wasmi.FuelCosts(), mem, 0) == 5
    assert _fuel_used(wasmi.FuelCosts(load=7, store=11, call=13), mem, 0) == 2 + 7 + 11 + 13
    # a switch (br_table over nested blocks) is lowered specially and still charges its blocks
    switch = '''(module (func (export "f") (param i32)
      (block (block (block (br_table 0 1 2 (local.get 0)))))))'''
    assert _fuel_used(wasmi.FuelCosts(ops={"block": 4}), switch, 1) - _fuel_used(wasmi.FuelCosts(), switch, 1) == 9
    assert _fuel_used(wasmi.FuelCosts(ops={"br_table": 6}), switch, 1) - _fuel_used(wasmi.FuelCosts(), switch, 1) == 5


def test_fuel_costs_settings() -> None:
    c = Config().fuel_costs(wasmi.FuelCosts(base=3))
    assert c.get_fuel_costs() == wasmi.FuelCosts(base=3) and Config().get_fuel_costs().is_default()
    assert hash(wasmi.FuelCosts(call=2)) == hash(wasmi.FuelCosts(call=2))
    assert "base=3" in repr(wasmi.FuelCosts(base=3))
    with pytest.raises(ValueError, match="unknown operator"):
        wasmi.FuelCosts(ops={"i32.nope": 1})
    with pytest.raises(ValueError):
        wasmi.FuelCosts(base=-1)
    with pytest.raises(TypeError):
        Config().fuel_costs(3)  # type: ignore[arg-type]
