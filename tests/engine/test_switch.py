"""C-style switch nests (blocks opened back to back around one br_table) are lowered to a tree of
``if``s holding each case's code; results and fuel must match the state-machine translation, which
has no such lowering."""

from __future__ import annotations

from pathlib import Path

import pytest

import wasmi._exec.compiled as compiled
from wasmi import Config, Engine, Linker, Module, Store

SWITCH = """(module
 (func (export "sw") (param i32) (result i32) (local i32)
  (local.set 1 (i32.const 100))
  (block $out
   (loop $top
    (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
        (br_table $c0 $c1 $c2 $c1 $c3 $out $c4 (i32.and (local.get 0) (i32.const 7))))
       (local.set 1 (i32.add (local.get 1) (i32.const 1)))
       (local.set 0 (i32.add (local.get 0) (i32.const 1)))
       (br $top))
      )
     (local.set 1 (i32.mul (local.get 1) (i32.const 3)))
     (br $out))
    (return (i32.const 7)))
   (local.set 1 (i32.sub (local.get 1) (i32.const 5)))))
  (local.get 1))
 (func (export "fallthrough") (param i32) (result i32) (local i32)
  (block $c3 (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $c3 (local.get 0)))
     (local.set 1 (i32.const 1)))
    (local.set 1 (i32.add (local.get 1) (i32.const 10))))
   (local.set 1 (i32.add (local.get 1) (i32.const 100))))
  (local.get 1)))"""

EXPECTED_SW = {0: 303, 1: 300, 2: 300, 3: 300, 4: 7, 5: 100, 6: 95, 7: 95, 8: 303, 12: 7}
EXPECTED_FT = {0: 111, 1: 110, 2: 100, 3: 0, 9: 0}


def _run(wat_or_bytes, name, args, fallback, monkeypatch):
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", fallback)
    engine = Engine(Config(consume_fuel=True))
    store = Store(engine)
    module = Module(engine, wat_or_bytes)
    f = Linker(engine).instantiate_and_start(store, module).get_func(store, name)
    out = []
    for a in args:
        store.set_fuel(10**12)
        out.append((f.call(store, a), 10**12 - store.get_fuel()))
    return out, module._compiled.sources


@pytest.mark.parametrize("name,expected", [("sw", EXPECTED_SW), ("fallthrough", EXPECTED_FT)])
def test_switch_results_and_fuel_match_the_state_machine(name, expected, monkeypatch) -> None:
    args = list(expected)
    lowered, sources = _run(SWITCH, name, args, False, monkeypatch)
    assert [r for r, _ in lowered] == [expected[a] for a in args]
    flat, _ = _run(SWITCH, name, args, True, monkeypatch)
    assert lowered == flat
    if name == "sw":
        # only $out and $top are Python loops: the five case blocks became an if-tree
        assert "_pc" not in sources[0] and sources[0].count("while True") == 2


PROGRAMS = Path(__file__).resolve().parents[2] / "benchmarks" / "c"


@pytest.mark.parametrize("prog", ["bytecode_vm", "json_parse", "lz_compress", "crc32"])
def test_compiled_c_programs_agree_between_translations(prog, monkeypatch) -> None:
    path = PROGRAMS / f"{prog}.wasm"
    if not path.exists():
        pytest.skip(f"{path} is not built")
    data = path.read_bytes()
    a, _ = _run(data, "run", [1, 2], False, monkeypatch)
    b, _ = _run(data, "run", [1, 2], True, monkeypatch)
    assert a == b


PENDING = """(module (func (export "f") (param i32) (result i32)
  (local.get 0)
  (block $c2 (block $c1 (block $c0 (br_table $c0 $c1 $c2 (local.get 0)))
      (local.set 0 (i32.const 100)) (return (i32.add (local.get 0) (i32.const 1))))
    (local.set 0 (i32.const 200)) (return (local.get 0)))
  (i32.add (local.get 0))))"""


@pytest.mark.parametrize("x,expected", [(0, 101), (1, 200), (2, 4), (7, 14)])
def test_lowered_switch_with_a_value_pending_below_it(x, expected, monkeypatch) -> None:
    # cases that assign the local the pending value reads must not change what the fall-out path adds
    got, sources = _run(PENDING, "f", [x], False, monkeypatch)
    assert got[0][0] == expected
    assert "while True" not in sources[0], "the nest was not lowered"
    flat, _ = _run(PENDING, "f", [x], True, monkeypatch)
    assert got == flat
