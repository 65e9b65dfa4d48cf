"""A block whose end is followed by a short straight-line tail and a ``br`` to a loop (a dispatch loop's
common code) is not a Python loop: each branch to its end runs a copy of the tail and continues the loop
directly (docs/RATIONALE.md "Why copy a short join into the branches that reach it?"). Results must be
those of the looped translation (``tail_dup_max = 0``) for every input, whatever the branch's context:
a switch case, a ``br_if``, a ``br_table``, an inner loop, a value left below the block, fall-through."""

from __future__ import annotations

from typing import Any, List

import pytest

from wasmi import Engine, Linker, Module, Store, Trap
from wasmi._exec import codegen

# a tiny stack machine: op 0 push imm, 1 add, 2 jump-if-zero imm, 3 halt, 4 sum imm..0 (inner loop),
# 5 dup; the common tail advances pc by 2 (ops with an immediate), others advance by 1 and continue
VM = """(module
  (memory 1)
  (func $run (export "run") (param $prog i32) (param $steps i32) (result i32)
    (local $pc i32) (local $sp i32) (local $op i32) (local $k i32) (local $acc i32)
    (local.set $pc (local.get $prog))
    (local.set $sp (i32.const 4096))
    (loop $next
      (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
      (if (i32.eqz (local.get $steps)) (then (return (i32.const -1))))
      (local.set $op (i32.load8_u (local.get $pc)))
      (block $imm2
        (block $c5 (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $c3 $c4 $c5 $imm2 (local.get $op)))
          ;; push imm
          (i32.store (local.get $sp) (i32.load8_u offset=1 (local.get $pc)))
          (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
          (br $imm2))
        ;; add
        (local.set $sp (i32.sub (local.get $sp) (i32.const 4)))
        (i32.store (i32.sub (local.get $sp) (i32.const 4))
          (i32.add (i32.load (i32.sub (local.get $sp) (i32.const 4))) (i32.load (local.get $sp))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next))
      ;; jump if zero: taken -> pc = prog + imm; not taken -> the common tail
      (local.set $sp (i32.sub (local.get $sp) (i32.const 4)))
      (br_if $imm2 (i32.load (local.get $sp)))
      (local.set $pc (i32.add (local.get $prog) (i32.load8_u offset=1 (local.get $pc))))
      (br $next))
    ;; halt
    (return (i32.load (i32.sub (local.get $sp) (i32.const 4)))))
    ;; sum imm..0 with an inner loop that leaves through the common tail
    (local.set $k (i32.load8_u offset=1 (local.get $pc)))
    (local.set $acc (i32.const 0))
    (loop $sum
      (local.set $acc (i32.add (local.get $acc) (local.get $k)))
      (if (i32.eqz (local.get $k))
        (then
          (i32.store (local.get $sp) (local.get $acc))
          (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
          (br $imm2)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $sum)))
    ;; dup
    (i32.store (local.get $sp) (i32.load (i32.sub (local.get $sp) (i32.const 4))))
    (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
    (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
    (br $next))
      ;; the common tail: skip the immediate
      (local.set $pc (i32.add (local.get $pc) (i32.const 2)))
      (br $next))
    unreachable)
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  ;; a value below the block, a br_table straight to it, and its end also reached by falling through
  (func (export "mixed") (param $n i32) (param $sel i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (if (i32.ge_u (local.get $i) (local.get $n)) (then (return (local.get $acc))))
      (i32.const 100)
      (block $d
        (block $in
          (br_table $d $in $d (i32.and (local.get $sel) (local.get $i))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 7)))
        (br_if $d (i32.and (local.get $i) (i32.const 1)))
        (local.set $acc (i32.mul (local.get $acc) (i32.const 3))))
      (local.set $acc (i32.add (local.get $acc)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))
    unreachable))
"""

# programs: push 5; push 7; add; dup; jz 12 (not taken); sum 4; add; add; halt ...
PROGRAMS: List[List[int]] = [
    [0, 5, 0, 7, 1, 5, 2, 12, 4, 4, 1, 1, 3],
    [0, 0, 2, 6, 0, 9, 3, 0, 0, 4, 10, 1, 3],
    [4, 0, 4, 255, 1, 5, 1, 3],
    [0, 1, 0, 2, 1, 0, 3, 1, 5, 1, 2, 4, 3],
]


def _run(dup: bool) -> List[Any]:
    old = codegen.FuncTranslator.tail_dup_max
    codegen.FuncTranslator.tail_dup_max = codegen.TAIL_DUP_MAX if dup else 0
    try:
        engine = Engine()
        store = Store(engine)
        inst = Linker(engine).instantiate_and_start(store, Module(engine, VM))
        out: List[Any] = []
        run, poke, mixed = (inst.get_func(store, n) for n in ("run", "poke", "mixed"))
        for prog in PROGRAMS:
            for i, b in enumerate(prog):
                poke.call(store, 100 + i, b)
            for steps in (1, 2, 3, 5, 8, 13, 50):
                try:
                    out.append(run.call(store, 100, steps))
                except Trap as t:
                    out.append(t.code)
        for n in (1, 2, 5, 9):
            for sel in (0, 1, 2):
                out.append(mixed.call(store, n, sel))
        return out
    finally:
        codegen.FuncTranslator.tail_dup_max = old


def test_copied_tails_compute_the_same() -> None:
    assert _run(True) == _run(False)


@pytest.mark.parametrize("dup", [True, False])
def test_copied_tail_shape(dup: bool) -> None:
    old = codegen.FuncTranslator.tail_dup_max
    codegen.FuncTranslator.tail_dup_max = codegen.TAIL_DUP_MAX if dup else 0
    try:
        m = Module(Engine(), VM)
        src = codegen.translate_function(m._compiled.module, 0, False)[0]
        mixed = codegen.translate_function(m._compiled.module, 2, False)[0]
    finally:
        codegen.FuncTranslator.tail_dup_max = old
    # the common tail (pc += 2) is copied into its three branches and the fall-through path is gone
    assert src.count("l2 + 2") == (4 if dup else 1), src
    assert src.count("while True:") == (3 if dup else 4), src
    assert mixed.count("l2 + 1") == (4 if dup else 1), mixed
