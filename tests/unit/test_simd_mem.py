"""The SIMD memory helpers' contract with the engine: an access that does not fit raises struct.error
(never a short read or a growing bytearray), one that just fits works, and stores touch only their
own bytes. Their values are checked against wasmtime in test_simd.py."""

from __future__ import annotations

import struct

import pytest

from wasmi._exec import simd
from wasmi._syntax.instructions import OPS, Imm

MEM_OPS = [op for op in OPS if op.prefix == 0xFD and op.imm in (Imm.MEMARG, Imm.MEMARG_LANE)]
V = 0x0F0E0D0C0B0A09080706050403020100


def _width(op) -> int:
    if op.name in ("v128.load", "v128.store"):
        return 16
    return 1 << op.natural_align


def _call(op, mem, addr):
    fn = simd.SIMD_FUNCS[op.name]
    lane = (0,) if op.imm == Imm.MEMARG_LANE else ()
    if op.results:  # a load
        return fn(mem, addr, *((V,) if len(op.params) > 1 else ()), *lane)
    return fn(mem, addr, V, *lane)


def test_all_memory_ops_listed() -> None:
    assert len(MEM_OPS) == 22


@pytest.mark.parametrize("op", MEM_OPS, ids=lambda op: op.name)
@pytest.mark.parametrize("size", [0, 7, 16, 40])
def test_bounds(op, size: int) -> None:
    w = _width(op)
    for addr in range(max(0, size - w - 2), size + 3):
        mem = bytearray(b"\xaa" * size)
        if addr + w <= size:
            _call(op, mem, addr)
            assert len(mem) == size
            if not op.results:
                touched = [i for i in range(size) if mem[i] != 0xAA]
                assert all(addr <= i < addr + w for i in touched), (addr, touched)
        else:
            with pytest.raises(struct.error):
                _call(op, mem, addr)
            assert mem == bytearray(b"\xaa" * size)
