"""The range analysis (wasmi._exec.ranges) on small functions, facts worked out by hand.

Facts are looked up by position: the n-th ``i32.add`` (or ``local.get`` of a local) of the body."""

from __future__ import annotations

from typing import Any, Dict, List

from wasmi._binary.decode import decode_module
from wasmi._exec import ranges as R
from wasmi._syntax import instructions as I
from wasmi.wat import parse_str


def _facts(func_wat: str) -> tuple:
    m = decode_module(parse_str(f"(module (memory 1) {func_wat})"))
    return m.funcs[0].body, R.analyze(m, m.funcs[0])


def _pcs(body: List[tuple], op: I.Op, imm: Any = None) -> List[int]:
    return [pc for pc, ins in enumerate(body) if ins[0] is op and (imm is None or ins[1] == imm)]


def _add(body: list, facts: Dict[int, Any], k: int, op: I.Op = I.I32_ADD) -> Any:
    f = facts.get(_pcs(body, op)[k])
    return None if f is None else f[0]


def test_count_up_to_constant() -> None:
    # for (i = 0; i != 24; i++) p = base + (i << 2): i in [0, 23]
    body, facts = _facts("""(func (param $base i32) (local $i i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (i32.const 24)))))""")
    gets = _pcs(body, I.LOCAL_GET, 1)
    assert facts[gets[0]] == 5  # i <= 23 in the body
    assert _add(body, facts, 1) == 0  # i + 1 <= 24: no wrap
    assert _add(body, facts, 0) is None  # s is loop-carried and unknown


def test_count_up_from_negative_to_zero() -> None:
    # i = -96; do { p + i; i += 16 } while (i): i in [2**32 - 96, 2**32 - 16]; p = 1 MiB
    body, facts = _facts("""(func (result i32) (local $i i32) (local $p i32) (local $x i32)
      (local.set $p (i32.const 1048576))
      (local.set $i (i32.const -96))
      (loop $l
        (local.set $x (i32.add (local.get $p) (local.get $i)))
        (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 16)))))
      (local.get $x))""")
    assert _add(body, facts, 0) == 1  # p + i always wraps, exactly once
    assert _add(body, facts, 1) is None  # i + 16 wraps on the last iteration only
    assert facts[_pcs(body, I.LOCAL_GET, 0)[0]] == 32  # i is a (large) unsigned range


def test_stride_not_hitting_the_bound_gives_no_fact() -> None:
    # i = 0; i += 3 until i == 100: never equal, the loop wraps around: nothing is known
    body, facts = _facts("""(func (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br_if $l (i32.ne (local.get $i) (i32.const 100)))))""")
    assert _add(body, facts, 0) is None


def test_start_above_bound_wraps() -> None:
    # i = 0xFFFFFFF0; i++ until i == 5: i passes 2**32 - 1 and wraps, so i + 1 may wrap
    body, facts = _facts("""(func (local $i i32)
      (local.set $i (i32.const 0xFFFFFFF0))
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (i32.const 5)))))""")
    assert _add(body, facts, 0) is None


def test_while_below_parameter() -> None:
    # while (i < n) i++: in the body i < n <= 2**32 - 1
    body, facts = _facts("""(func (param $n i32) (local $i i32)
      (block $exit (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))""")
    assert _add(body, facts, 0) == 0


def test_loop_invariant_bound_after_guard() -> None:
    # if (n == 0) return; i = 0; do { i++ } while (i != n): i < n in the body
    body, facts = _facts("""(func (param $n i32) (local $i i32) (local $p i32)
      (block $exit
        (br_if $exit (i32.eqz (local.get $n)))
        (loop $l
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.ne (local.get $i) (local.get $n))))))""")
    assert _add(body, facts, 1) == 0
    assert _add(body, facts, 0) is None  # p reaches 8 * (2**32 - 1): may wrap


def test_without_guard_the_counter_may_wrap() -> None:
    # n == 0 runs 2**32 iterations and i + 1 wraps on the last one
    body, facts = _facts("""(func (param $n i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))""")
    assert _add(body, facts, 0) is None


def test_derived_induction_variable() -> None:
    # p advances by 384 while i counts 0..23: p in [base, base + 23 * 384]
    body, facts = _facts("""(func (local $i i32) (local $p i32)
      (local.set $p (i32.const 1000))
      (loop $l
        (drop (i32.load (i32.add (local.get $p) (i32.const 288))))
        (local.set $p (i32.add (local.get $p) (i32.const 384)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (i32.const 24)))))""")
    assert [_add(body, facts, k) for k in range(3)] == [0, 0, 0]
    assert facts[_pcs(body, I.LOCAL_GET, 1)[0]] == (1000 + 23 * 384).bit_length()


def test_write_in_nested_if_is_not_an_induction_variable() -> None:
    body, facts = _facts("""(func (param $c i32) (local $i i32)
      (loop $l
        (if (local.get $c) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (i32.const 24)))))""")
    assert _add(body, facts, 0) is None and _add(body, facts, 1) is None


def test_second_back_edge_drops_the_bound() -> None:
    body, facts = _facts("""(func (param $c i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (local.get $c))
        (br_if $l (i32.ne (local.get $i) (i32.const 24)))))""")
    assert _add(body, facts, 0) is None


def test_back_edge_before_the_write() -> None:
    # the back edge skips the increment: no arithmetic progression
    body, facts = _facts("""(func (param $c i32) (local $i i32)
      (block $b (loop $l
        (br_if $b (i32.eq (local.get $i) (i32.const 24)))
        (br_if $l (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $b))))""")
    # the only facts come from the branch condition: i != 24, nothing bounds it above
    assert _add(body, facts, 0) is None


def test_branch_conditions_narrow_both_arms() -> None:
    body, facts = _facts("""(func (param $x i32) (result i32)
      (if (result i32) (i32.lt_u (local.get $x) (i32.const 1000))
        (then (i32.add (local.get $x) (i32.const 5)))
        (else (i32.sub (local.get $x) (i32.const 1000))))
      (loop (br 0)))""")  # a loop keeps the analysis on
    assert _add(body, facts, 0) == 0
    assert _add(body, facts, 0, I.I32_SUB) == 0


def test_signed_compare_of_small_values() -> None:
    body, facts = _facts("""(func (param $n i32) (result i32) (local $i i32)
      (block $exit (loop $l
        (br_if $exit (i32.ge_u (local.get $i) (i32.const 100)))
        (drop (i32.lt_s (local.get $i) (i32.const 50)))
        (drop (i32.lt_s (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (i32.lt_s (local.get $i) (i32.const 50)))""")
    lts = _pcs(body, I.I32_LT_S)
    assert facts.get(lts[0]) == 1  # i < 100 in the body
    assert facts.get(lts[1]) is None  # n is any i32
    assert facts.get(lts[2]) is None  # after the loop only i >= 100 is known (its header value is not)


def test_unreachable_code_has_no_facts() -> None:
    body, facts = _facts("""(func (local $i i32)
      (loop $l (br $l))
      (drop (i32.add (local.get $i) (i32.const 1))))""")
    assert _pcs(body, I.I32_ADD)[0] not in facts


def test_intervals() -> None:
    assert R.norm(-96, -16) == (2**32 - 96, 2**32 - 16)
    assert R.norm(2**32 - 16, 2**32 + 5) == (-16, 5)
    assert R.norm(0, 2**32 - 1) is None
    assert R.join((0, 5), (2**32 - 3, 2**32 - 1)) == (-3, 5)
    assert R.join((0, 5), (10, 20)) == (0, 20)
    assert R.sview((2**32 - 3, 2**32 - 1)) == (-3, -1)
    assert R._mul((-3, 5), (4, 4)) == (-12, 20)


def test_select_narrows_by_its_condition() -> None:
    # min(x, 129) + 1 <= 130; max(x, 5) - 5 >= 0
    body, facts = _facts("""(func (param $x i32) (result i32)
      (drop (i32.add (select (local.get $x) (i32.const 129) (i32.lt_u (local.get $x) (i32.const 129)))
                     (i32.const 1)))
      (drop (i32.sub (select (local.get $x) (i32.const 5) (i32.gt_u (local.get $x) (i32.const 5)))
                     (i32.const 5)))
      (drop (i32.sub (select (i32.const 5) (local.get $x) (i32.gt_u (local.get $x) (i32.const 5)))
                     (i32.const 5)))
      (loop (br 0)))""")
    assert facts[_pcs(body, I.I32_ADD)[0]][:2] == (0, 8)
    assert _add(body, facts, 0, I.I32_SUB) == 0
    assert _add(body, facts, 1, I.I32_SUB) is None  # this one picks x <= 5


def test_bound_before_the_increment() -> None:
    # do { ... } while (n != ++i) with n = min(m, 129) + 1: i in [0, 129]
    body, facts = _facts("""(func (param $m i32) (local $i i32) (local $n i32)
      (local.set $n (i32.add (select (local.get $m) (i32.const 129) (i32.lt_u (local.get $m) (i32.const 129)))
                             (i32.const 1)))
      (loop $l
        (drop (i32.add (local.get $i) (i32.const 0xFFFFFF00)))
        (br_if $l (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 1)))))))""")
    assert [_add(body, facts, k) for k in range(3)] == [0, 0, 0]


def test_signed_locals() -> None:
    # a counter through negative values is held signed; a parameter never is; a local whose other
    # writes and unknown reads outweigh its ranged updates is not
    _, facts = _facts("""(func (param $p i32) (local $i i32) (local $j i32) (local $k i32)
      (local.set $i (i32.const -96))
      (local.set $p (i32.const -96))
      (loop $l
        (drop (i32.add (local.get $p) (i32.const 1)))
        (local.set $k (local.get $p))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (drop (i32.add (i32.const 1048576) (local.get $i)))
        (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 16)))))
      (loop $m
        (local.set $j (local.get $p))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $m (local.get $j))))""")
    assert facts.get(-1) == frozenset({1})


def test_count_down_to_zero_after_guard() -> None:
    # if (n) do { n-- } while (n): i32.add of 0xFFFFFFFF always wraps (a plain n - 1)
    body, facts = _facts("""(func (param $n i32)
      (block $exit
        (br_if $exit (i32.eqz (local.get $n)))
        (loop $l
          (local.set $n (i32.add (local.get $n) (i32.const -1)))
          (br_if $l (local.get $n)))))""")
    assert _add(body, facts, 0) == 1
