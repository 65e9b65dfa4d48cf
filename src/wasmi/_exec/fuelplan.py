"""Where metered code charges fuel, and how much (docs/fuel.md, docs/RATIONALE.md "Why merge fuel
charges across pure segments?").

The translator cuts a function into straight-line *segments* and reserves one source line for each
one's charge (a :class:`Charge`); the lines are written only when the whole function is translated,
because a charge may grow after its segment has ended:

* a pure segment (nothing a trap leaves visible) ending at ``br_if`` or ``if … else`` is *deferred*:
  its cost is added at the start of each successor (``costs`` keeps the deferred segments in order);
* the segment after a block's ``end`` that only branches and fall-through reach (a *join*) is
  *hoisted* into its predecessors: a predecessor segment that is pure and ends with the jump charges
  it too (``next``), any other jump charges it on its edge (a :class:`Charge` with no segment of its
  own, emitted just before the jump).

Either way one check covers several segments. When fuel is short, the merged segments before the
last are paid while they can be (they ran, or would have run, without observable effect) and then
the trap is raised, so the trap, the fuel left and every visible effect are those of charging each
segment at its own start.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

FUEL_FAST_MAX = 1 << 50  # charges above this skip the inline float test (helpers.FuelCell.CHUNK is 2**52)
MAX_CHAIN = 16  # segments one charge may merge (their costs are written into its slow path)


def fuel_charge(n: int, paid: Tuple[int, ...] = ()) -> List[str]:
    """Statements charging ``n`` fuel at once (none for 0). ``paid`` are the costs of the merged pure
    segments included in ``n``, in order: when fuel is short they are paid while they can be, then the
    trap. The counter is a float (exact below 2**53, helpers.FuelCell); a charge above FUEL_FAST_MAX
    (only with custom costs) is left entirely to the helper."""
    if not n:
        return []
    args = ", ".join(str(x) for x in (n,) + paid)
    if n > FUEL_FAST_MAX:
        return [f"_F.charge({args})"]
    return [f"if _fu < {n}.0: _F.refill({args})", f"_fu -= {n}.0"]


class Charge:
    """One reserved charge line: ``lines[index]`` at indentation ``ind``."""

    __slots__ = ("lines", "index", "ind", "costs", "next", "hoisted", "preds")

    def __init__(self, lines: List[Tuple[int, str]], index: int, ind: int, costs: Tuple[int, ...] = ()) -> None:
        self.lines = lines
        self.index = index
        self.ind = ind
        self.costs: List[int] = [c for c in costs if c]  # deferred segments first, then this one's own
        self.next: Optional[Charge] = None  # a join segment hoisted into this charge
        self.hoisted = False  # this segment's cost is charged by its predecessors
        self.preds: Optional[List[Charge]] = None  # for a join segment: the charges of every way in

    def chain(self) -> List[int]:
        out = list(self.costs)
        nxt = self.next
        while nxt is not None:  # hoist never closes a cycle
            out.extend(nxt.costs)
            nxt = nxt.next
        return out

    def reaches(self, other: Charge) -> bool:
        c: Optional[Charge] = self
        while c is not None:
            if c is other:
                return True
            c = c.next
        return False

    def text(self) -> str:
        if self.hoisted:
            return ""
        costs = self.chain()
        # an empty charge leaves an empty line, not ``pass``: CPython keeps a NOP for a ``pass``
        return ("\n" + "\t" * self.ind).join(fuel_charge(sum(costs), tuple(costs[:-1])))

    def patch(self) -> None:
        self.lines[self.index] = (self.ind, self.text())


def hoist(join: Charge) -> bool:
    """Charge the join segment ``join`` in all its predecessors instead of at its own start, when every
    way in is known and the merged chains stay short. Returns whether it did."""
    preds = join.preds
    if not preds or not join.costs:
        return False
    n = len(join.chain())
    # a loop whose only segment jumps back to itself would make a cycle: it keeps its own charge
    if any(p.next is not None or join.reaches(p) or len(p.chain()) + n > MAX_CHAIN for p in preds):
        return False
    for p in preds:
        p.next = join
    join.hoisted = True
    return True
