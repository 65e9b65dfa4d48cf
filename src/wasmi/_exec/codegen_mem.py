"""Loads and stores through typed memoryviews of the memory (docs/RATIONALE.md "Why typed memoryviews
for proven-aligned accesses?").

An access of 2**k bytes whose effective address is a proven multiple of 2**k (align.py) indexes the
view ``V{mem}{code}`` (a cast of the memory's bytearray, namespace names kept current by
``MemoryInstance.grow``) at ``address >> k``: one subscript instead of a struct call, a tuple and a
subscript. An index past the end raises IndexError, the out-of-bounds trap; indices are never negative
(align.index_expr). Accesses not proven aligned keep ``struct``: the ``align`` immediate is only a hint.
"""

from __future__ import annotations

from typing import Any

from .align import VIEW_LOADS, VIEW_STORES, VIEWS_OK, Alignment, function_alignment, index_expr

NO_FACTS = Alignment({}, {})


def _state(t: Any) -> tuple:
    """(alignment, {memory index: views usable}) of the function,
    computed on its first memory access."""
    st = getattr(t, "_mem_state", None)
    if st is None:
        m = t.module
        mems = [i.desc for i in m.imports if i.kind == 2] + [x.type for x in m.memories]
        ok = {i: VIEWS_OK and not mt.limits.is64 for i, mt in enumerate(mems)}
        # no view to use (PyPy, memory64): the facts would go unread
        al: Alignment = function_alignment(m, t.func_index) if any(ok.values()) else NO_FACTS
        st = t._mem_state = (al, ok)
    return st


_BYTE_LOADS = frozenset(("i32.load8_u", "i64.load8_u"))
_BYTE_STORES = frozenset(("i32.store8", "i64.store8"))


def load(t: Any, name: str, ins: tuple) -> bool:
    """Emit a view load for ``ins`` if it applies; False to let the caller use struct."""
    mem = ins[3]
    if name in _BYTE_LOADS:
        # the bytearray itself; index_expr folds a constant address
        a = t.pop()
        u = t.spec_addr(a)
        t.push_load(f"M{mem}[{index_expr(a[0], ins[2], 0, {})}]",
                    None if u is None else f"M{mem}[{index_expr(u, ins[2], 0, {})}]")
        t.mark_load_bits(name)
        return True
    spec = VIEW_LOADS.get(name)
    if spec is None:
        return False
    al, ok = _state(t)
    code, k, post = spec
    if not ok.get(mem) or (k and al.access.get(t.pc, 0) < k):
        return False
    a = t.pop()
    u = t.spec_addr(a)
    names = al.names.get(t.pc, {})
    t.push_load(f"V{mem}{code}[{index_expr(a[0], ins[2], k, names)}]{post}",
                None if u is None else f"V{mem}{code}[{index_expr(u, ins[2], k, names)}]{post}")
    t.mark_load_bits(name)
    return True


def store(t: Any, name: str, ins: tuple, mask: str) -> bool:
    """Emit a view store for ``ins`` (``mask`` reduces the value to the stored width) if it applies."""
    mem = ins[3]
    if name in _BYTE_STORES:
        target, k, names = f"M{mem}", 0, {}
    else:
        spec = VIEW_STORES.get(name)
        if spec is None:
            return False
        al, ok = _state(t)
        code, k = spec
        if not ok.get(mem) or al.access.get(t.pc, 0) < k:
            return False
        target, names = f"V{mem}{code}", al.names.get(t.pc, {})
    sv, a = t.pop(), t.pop()
    sv, mask = t.store_value(sv, mask)
    # Python evaluates the value before the index: both are pure, so no effect is reordered
    u = t.spec_addr(a)
    t.emit_store(f"{target}[{index_expr(a[0], ins[2], k, names)}] = {sv[0]}{mask}",
                 None if u is None else f"{target}[{index_expr(u, ins[2], k, names)}] = {sv[0]}{mask}")
    return True

