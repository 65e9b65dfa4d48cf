"""Edge cases of the code generator's optimisations (pending expressions, peepholes, constant shifts,
multi-value slots), each checked by value and against the state-machine translation."""

from __future__ import annotations

import pytest

import wasmi._exec.compiled as compiled
from wasmi import Config, Engine, InstantiationError, Linker, Module, Store

WAT = """(module
  (memory 1)
  (data (i32.const 0) "\\04\\00\\00\\00\\2a\\00\\00\\00")
  (func (export "shr0") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 64)))
  (func (export "shr1") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 1)))
  (func (export "rotl0") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 32)))
  (func (export "rotr8") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 8)))
  (func (export "rotl_expr") (param i32) (result i32)
    (i32.rotl (i32.add (local.get 0) (i32.const 1)) (i32.const 4)))
  (func (export "load_self") (param i32) (result i32)
    (local.set 0 (i32.load (local.get 0)))   ;; l0 = load(l0): the peephole writes the local directly
    (local.set 0 (i32.load (local.get 0)))
    (local.get 0))
  (func (export "pending_across_set") (param i32) (result i32)
    ;; the first operand reads l0 before it is overwritten
    (i32.sub (local.get 0) (local.tee 0 (i32.const 5))))
  (func $two (result i32 i32) (i32.const 3) (i32.const 4))
  (func (export "multi") (param i32) (result i32)
    ;; a pending expression over slot 1 must be materialised before the call writes slots 1 and 2
    (i32.add (i32.mul (local.get 0) (i32.const 10)) (call $two) (i32.sub))
  )
  (func (export "brif_values") (param i32) (result i32)
    (block $b (result i32)
      (drop (br_if $b (i32.const 11) (local.get 0)))
      (i32.const 22)))
  (func (export "bools") (param i32 i32) (result i64)
    (i64.extend_i32_u (i32.add (i32.lt_u (local.get 0) (local.get 1)) (i32.eq (local.get 0) (local.get 1)))))
)"""

CASES = [
    ("shr0", -5, -5),
    ("shr1", -2, 0x7FFFFFFFFFFFFFFF),
    ("rotl0", 0x12345678, 0x12345678),
    ("rotr8", 0x0102030405060708, 0x0801020304050607),
    ("rotl_expr", 0xFFFFFFFF, 0),
    ("load_self", 0, 42),
    ("pending_across_set", 7, 2),
    ("multi", 2, 19),
    ("brif_values", 1, 11),
    ("brif_values", 0, 22),
]


@pytest.mark.parametrize("fallback", [False, True], ids=["structured", "state-machine"])
@pytest.mark.parametrize("name,arg,expected", CASES)
def test_edges(name, arg, expected, fallback, monkeypatch) -> None:
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", fallback)
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    assert inst.get_func(store, name).call(store, arg) == expected


def test_comparison_results_are_plain_ints_at_the_boundary() -> None:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    r = inst.get_func(store, "bools").call(store, 1, 2)
    assert r == 1 and type(r) is int


def test_resource_limits_are_instantiation_errors() -> None:
    engine = Engine(Config(max_memory_pages=100))
    store = Store(engine)
    with pytest.raises(InstantiationError):
        Linker(engine).instantiate_and_start(store, Module(engine, "(module (memory 200))"))
    with pytest.raises(InstantiationError):
        Linker(engine).instantiate_and_start(store, Module(engine, "(module (table 4000000000 funcref))"))
    grow = '(module (memory 50) (func (export "g") (result i32) (memory.grow (i32.const 60))))'
    inst = Linker(engine).instantiate_and_start(store, Module(engine, grow))
    assert inst.get_func(store, "g").call(store) == -1


DIV_OPS = ["i32.div_u", "i32.rem_u", "i32.div_s", "i32.rem_s", "i64.div_u", "i64.rem_u", "i64.div_s", "i64.rem_s"]


@pytest.mark.parametrize("op", DIV_OPS)
def test_division_by_positive_constants_matches_the_numerics_functions(op) -> None:
    from wasmi._exec import numerics

    t = op[:3]
    divisors = [1, 3, 10, 0x7FFFFFFF] + ([2**62 + 1] if t == "i64" else [])
    xs = [0, 1, 7, -1, -7, -(2**31), 2**31 - 1] + ([2**63 - 1, -(2**63), -(10**18)] if t == "i64" else [])
    funcs = " ".join(
        f'(func (export "d{d}") (param {t}) (result {t}) ({op} (local.get 0) ({t}.const {d})))'
        # the dividend as a pending expression (an add), so the template must materialise it
        f'(func (export "e{d}") (param {t}) (result {t}) ({op} ({t}.add (local.get 0) ({t}.const 0))'
        f' ({t}.const {d})))'
        for d in divisors)
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, f"(module {funcs})"))
    fn = numerics.FUNCS[op]
    for d in divisors:
        for x in xs:
            raw = x & 0xFFFFFFFF if t == "i32" else x
            want = fn(raw, d)
            if t == "i32":
                want = want - 2**32 if want >= 2**31 else want
            for prefix in "de":
                assert inst.get_func(store, f"{prefix}{d}").call(store, x) == want, (op, x, d)


LOOPS = """(module
  (func (export "f") (param i32) (result i32) (local i32 i32)
    (block $exit
      (loop $l
        (br_if $exit (i32.ge_u (local.get 1) (local.get 0)))
        (if (i32.eq (local.get 1) (i32.const 50)) (then (br $exit)))
        ;; an inner loop that also leaves the outer block: the block must stay a Python loop
        (block $inner_exit
          (loop $m
            (br_if $exit (i32.eq (local.get 2) (i32.const 1000)))
            (br_if $inner_exit (i32.ge_u (local.get 2) (local.get 1)))
            (local.set 2 (i32.add (local.get 2) (i32.const 1)))
            (br $m)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $l)))
    (i32.add (i32.mul (local.get 1) (i32.const 10000)) (local.get 2))))"""


@pytest.mark.parametrize("n", [0, 1, 10, 49, 60, 2000])
def test_block_around_loop_exits_agree_with_the_state_machine(n, monkeypatch) -> None:
    out = []
    for fallback in (False, True):
        monkeypatch.setattr(compiled, "FORCE_FALLBACK", fallback)
        engine = Engine(Config(consume_fuel=True))
        store = Store(engine)
        store.set_fuel(10**9)
        f = Linker(engine).instantiate_and_start(store, Module(engine, LOOPS)).get_func(store, "f")
        out.append((f.call(store, n), store.get_fuel()))
    assert out[0] == out[1]


@pytest.mark.parametrize("op", ["i32.lt_s", "i32.le_s", "i32.gt_s", "i32.ge_s"])
def test_signed_compares_in_every_operand_shape(op) -> None:
    from wasmi._exec import numerics

    values = [0, 1, 5, 0x7FFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFB, 0xFFFFFFFF]
    consts = [0, 5, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFB]
    funcs = [f'(func (export "vv") (param i32 i32) (result i32) ({op} (local.get 0) (local.get 1)))',
             # pending (non-name) operands must be materialised: the templates read them twice
             f'(func (export "pp") (param i32 i32) (result i32) ({op} (i32.xor (local.get 0) (i32.const 0))'
             f' (i32.or (local.get 1) (i32.const 0))))']
    for c in consts:
        funcs.append(f'(func (export "vc{c}") (param i32 i32) (result i32) ({op} (i32.xor (local.get 0) '
                     f'(i32.const 0)) (i32.const {c})))')
        funcs.append(f'(func (export "cv{c}") (param i32 i32) (result i32) ({op} (i32.const {c}) '
                     f'(local.get 1)))')
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, "(module " + " ".join(funcs) + ")"))
    fn = numerics.FUNCS[op]
    for a in values:
        for b in values:
            assert inst.get_func(store, "vv").call(store, a, b) == fn(a, b), (a, b)
            assert inst.get_func(store, "pp").call(store, a, b) == fn(a, b), (a, b)
        for c in consts:
            assert inst.get_func(store, f"vc{c}").call(store, a, 0) == fn(a, c), (a, c)
            assert inst.get_func(store, f"cv{c}").call(store, 0, a) == fn(c, a), (c, a)


BOUNDED = """(module (memory 1) (data (i32.const 0) "\\ff\\fe")
  (func (export "shl") (param i32) (result i32) (i32.shl (i32.and (local.get 0) (i32.const 0xFFFF)) (i32.const 16)))
  (func (export "shl17") (param i32) (result i32) (i32.shl (i32.and (local.get 0) (i32.const 0x1FFFF)) (i32.const 16)))
  (func (export "mul") (param i32) (result i32)
    (i32.mul (i32.and (local.get 0) (i32.const 0xFFFF)) (i32.shr_u (local.get 0) (i32.const 16))))
  (func (export "mulbig") (param i32) (result i32) (i32.mul (i32.and (local.get 0) (i32.const 0x1FFFF)) (local.get 0)))
  (func (export "add8") (param i32) (result i32)
    (i32.add (i32.add (i32.load8_u (i32.const 0)) (i32.load8_u (i32.const 1))) (i32.lt_u (local.get 0) (i32.const 9))))
  (func (export "addbig") (param i32) (result i32) (i32.add (i32.or (local.get 0) (i32.const 1)) (i32.const 0x7FFFFFFF))))"""


@pytest.mark.parametrize("x", [0, 1, 0x1234, 0xFFFF, 0x1FFFF, 0x12345678, 0xFFFFFFFF])
def test_bounded_arithmetic_without_reduction(x) -> None:
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, BOUNDED))

    def call(name):
        return inst.get_func(store, name).call(store, x) & 0xFFFFFFFF

    assert call("shl") == ((x & 0xFFFF) << 16) & 0xFFFFFFFF
    assert call("shl17") == ((x & 0x1FFFF) << 16) & 0xFFFFFFFF
    assert call("mul") == ((x & 0xFFFF) * (x >> 16)) & 0xFFFFFFFF
    assert call("mulbig") == ((x & 0x1FFFF) * x) & 0xFFFFFFFF
    assert call("add8") == 0xFF + 0xFE + (1 if x < 9 else 0)
    assert call("addbig") == ((x | 1) + 0x7FFFFFFF) & 0xFFFFFFFF
