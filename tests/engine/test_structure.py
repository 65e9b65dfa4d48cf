"""The one-walk structural pre-pass (structure.scan) against a slow, separate reading of the same
definitions, and the fallback translator's reuse of the analyses of a failed structured attempt."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Set

import pytest

import wasmi
from wasmi import wat
from wasmi._binary.decode import decode_module
from wasmi._exec import codegen
from wasmi._exec.fallback import translate_fallback
from wasmi._exec.structure import scan
from wasmi._syntax import instructions as I

REPO = Path(__file__).resolve().parent.parent.parent
OPENERS = (I.BLOCK, I.LOOP, I.IF)


def _reference(body: List[tuple]) -> tuple:
    """Each fact from its definition: the open constructs at every pc, then quadratic searches."""
    open_at: List[List[int]] = []
    ends: Dict[int, int] = {}
    stack: List[int] = []
    for pc, ins in enumerate(body):
        open_at.append(list(stack))
        if ins[0] in OPENERS:
            stack.append(pc)
        elif ins[0] is I.END and stack:
            ends[stack.pop()] = pc
    targeted: Dict[int, Set[int]] = {}
    for pc, ins in enumerate(body):
        depths = []
        if ins[0] is I.BR or ins[0] is I.BR_IF:
            depths = [ins[1]]
        elif ins[0] is I.BR_TABLE:
            depths = list(ins[1]) + [ins[2]]
        for d in depths:
            if d < len(open_at[pc]):
                targeted.setdefault(open_at[pc][-1 - d], set()).add(pc)
    with_else = {open_at[pc][-1] for pc, ins in enumerate(body) if ins[0] is I.ELSE}
    wrappers = set()
    for b, branches in targeted.items():
        if not (body[b][0] is I.BLOCK and body[b][1] is None and b + 1 < len(body)
                and body[b + 1][0] is I.LOOP and body[b + 1][1] is None and (b + 1) in targeted
                and ends.get(b + 1, -2) + 1 == ends.get(b)):
            continue
        # every branch to b: its innermost enclosing branch target is the loop
        if all([c for c in open_at[x] if c in targeted][-1] == b + 1 for x in branches):
            wrappers.add(b)
    return targeted, ends, with_else, wrappers


def _bodies() -> List[List[tuple]]:
    out = []
    bench = REPO / "benchmarks"
    for p in sorted(bench.glob("c/*.wasm")) + sorted(bench.glob("wat/*.wasm")):
        out.extend(f.body for f in decode_module(p.read_bytes()).funcs)
    return out


WAT = """(module (func (param i32) (result i32) (local i32)
  (block $exit                                 ;; a wrapper: left from directly inside the loop
    (loop $top
      (br_if $exit (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $top)))
  (block $out                                  ;; not one: a branch target sits in between
    (loop $again
      (block $inner
        (br_if $out (local.get 0))
        (br_if $inner (local.get 1)))
      (br_if $again (local.get 1))))
  (if (local.get 0) (then (nop)) (else (nop)))
  (if (local.get 1) (then (nop)))
  (local.get 1)))"""


def test_scan_on_known_shapes() -> None:
    body = decode_module(wat.parse_str(WAT)).funcs[0].body
    s = scan(body)
    assert (s.targeted, s.ends, s.ifs_with_else, s.wrappers) == _reference(body)
    blocks = [pc for pc, ins in enumerate(body) if ins[0] is I.BLOCK]
    ifs = [pc for pc, ins in enumerate(body) if ins[0] is I.IF]
    assert s.wrappers == {blocks[0]}
    assert s.ifs_with_else == {ifs[0]}
    assert set(s.targeted) == {blocks[0], blocks[0] + 1, blocks[1], blocks[1] + 1, blocks[2]}


@pytest.mark.parametrize("k", range(len(_bodies())))
def test_scan_matches_the_definitions(k: int) -> None:
    body = _bodies()[k]
    s = scan(body)
    assert (s.targeted, s.ends, s.ifs_with_else, s.wrappers) == _reference(body)


def _deep(depth: int) -> bytes:
    # `depth` nested loops, each a branch target, around a memory access (an alignment fact) and a
    # counted add (a range fact)
    opens = "".join(f"(loop $l{i} " for i in range(depth))
    never = " ".join(f"$l{i}" for i in range(1, depth))  # every loop a target, of a branch never taken
    body = (f"(if (i32.eq (local.get 1) (i32.const 123456789)) (then (br_table {never} (local.get 1))))"
            "(i32.store (i32.shl (local.get 1) (i32.const 2)) (local.get 1))"
            "(local.set 1 (i32.add (local.get 1) (i32.const 1)))"
            "(br_if $l0 (i32.lt_u (local.get 1) (local.get 0)))")
    return wat.parse_str(f"(module (memory 1) (func (export \"f\") (param i32) (result i32) (local i32) "
                          f"{opens}{body}{')' * depth} (local.get 1)))")


@pytest.mark.parametrize("fuel", [False, True])
def test_fallback_reuses_the_failed_attempts_analyses(fuel: bool) -> None:
    m = decode_module(_deep(30))
    with pytest.raises(codegen.TooComplex) as e:
        codegen.translate_function(m, 0, fuel)
    assert e.value.analyses is not None
    reused = translate_fallback(m, 0, fuel, None, e.value.analyses)
    m.derived.clear()
    assert reused == translate_fallback(decode_module(_deep(30)), 0, fuel)


def test_deep_function_runs_through_the_reused_analyses() -> None:
    engine = wasmi.Engine()
    store = wasmi.Store(engine)
    module = wasmi.Module(engine, _deep(30))
    inst = wasmi.Linker(engine).instantiate_and_start(store, module)
    assert inst.get_func(store, "f").call(store, 1000) == 1000
    assert "_pc" in module._compiled.sources[0]


def test_matching_parenthesis_search_against_a_character_walk() -> None:
    from wasmi._exec.align import _close

    def walk(s: str, i: int) -> int:
        depth = 0
        for j in range(i, len(s)):
            if s[j] == "(":
                depth += 1
            elif s[j] == ")":
                depth -= 1
                if depth == 0:
                    return j
        return -1

    import random

    rng = random.Random(7)
    for _ in range(3000):
        s = "".join(rng.choice("(()) l3+1") for _ in range(rng.randint(0, 24)))
        for i in range(len(s) + 1):
            assert _close(s, i) == walk(s, i), (s, i)
