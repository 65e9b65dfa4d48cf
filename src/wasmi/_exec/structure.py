"""The block structure of a function body, found in one walk (docs/RATIONALE.md "Why one structural
pre-pass?"): which labels branches target, where each construct ends, which ``if``s have an ``else``,
and which blocks are mere wrappers around a loop (codegen gives those no Python loop of their own).
"""

from __future__ import annotations

from typing import Dict, List, Set

from .._syntax import instructions as I


class Structure:
    __slots__ = ("targeted", "ends", "ifs_with_else", "wrappers")

    def __init__(self, targeted: Dict[int, Set[int]], ends: Dict[int, int], ifs_with_else: Set[int],
                 wrappers: Set[int]) -> None:
        self.targeted = targeted  # a label's start pc -> pcs of the branches that target it
        self.ends = ends  # a construct's start pc -> pc of its matching ``end``
        self.ifs_with_else = ifs_with_else  # start pcs of the ``if``s that have an ``else``
        # blocks whose body is exactly one loop and whose every branch comes from directly inside that
        # loop (no other branch target in between): ``block $exit (loop ... br_if $exit ...)``; leaving
        # one is a plain ``break`` out of the loop's Python ``while``
        self.wrappers = wrappers


def scan(body: List[tuple]) -> Structure:
    BLOCK, LOOP, IF, ELSE, END = I.BLOCK, I.LOOP, I.IF, I.ELSE, I.END
    BR, BR_IF, BR_TABLE = I.BR, I.BR_IF, I.BR_TABLE
    targeted: Dict[int, Set[int]] = {}
    ends: Dict[int, int] = {}
    with_else: Set[int] = set()
    # per block shaped like a wrapper (``block`` right before a ``loop``): the constructs between the
    # loop and each branch to the block; it is a wrapper only if none of them is a branch target
    inside: Dict[int, List[List[int]]] = {}
    stack: List[int] = []
    n = len(body)

    def target(d: int, pc: int) -> None:
        h = len(stack)
        if d < h:
            t = stack[-1 - d]
            s = targeted.get(t)
            if s is None:
                s = targeted[t] = set()
            s.add(pc)
            if d and stack[h - d] == t + 1 and body[t][0] is BLOCK and body[t + 1][0] is LOOP:
                inside.setdefault(t, []).append(stack[h - d + 1:])

    for pc in range(n):
        op = body[pc][0]
        if op is BLOCK or op is LOOP or op is IF:
            stack.append(pc)
        elif op is END:
            if stack:
                ends[stack.pop()] = pc
        elif op is BR or op is BR_IF:
            target(body[pc][1], pc)
        elif op is BR_TABLE:
            ins = body[pc]
            for d in ins[1]:
                target(d, pc)
            target(ins[2], pc)
        elif op is ELSE:
            if stack:
                with_else.add(stack[-1])
    wrappers = set()
    for b, paths in inside.items():
        if (body[b][1] is None and body[b + 1][1] is None and (b + 1) in targeted
                and ends.get(b + 1, -2) + 1 == ends.get(b)
                and not any(p in targeted for path in paths for p in path)):
            wrappers.add(b)
    return Structure(targeted, ends, with_else, wrappers)

