"""wasmtime as an independent oracle for scalar numerics (used by test_numerics.py).

One module holds, for every scalar numeric instruction, a loop that applies the instruction to operands
read from linear memory and stores the result. Operands and results cross the boundary as raw bits in
memory, so float NaN payloads are exact (a call argument would go through a host float). A trap stops
the loop; the exported global ``progress`` tells which item trapped, and the batch resumes after it.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import pytest
from _support import wasm_tools  # type: ignore[import-not-found]

wasmtime = pytest.importorskip("wasmtime")

from wasmi._exec.numerics import SCALAR_OPS  # noqa: E402

SLOT = 8  # bytes per operand or result
BATCH = 2048
IN_BASE = 0
OUT_BASE = BATCH * 2 * SLOT
PAGES = 1

_LOAD = {"i32": "i32.load", "i64": "i64.load", "f32": "f32.load", "f64": "f64.load"}
_STORE = {"i32": "i32.store", "i64": "i64.store", "f32": "f32.store", "f64": "f64.store"}
_PACK = {"i32": struct.Struct("<I"), "i64": struct.Struct("<Q"), "f32": struct.Struct("<I"), "f64": struct.Struct("<Q")}

Result = Tuple[str, int]  # ("ok", result bits) or ("trap", trap message)


def _func_text(name: str, params: Sequence[str], result: str) -> str:
    operands = " ".join(f"({_LOAD[t]} offset={IN_BASE + k * SLOT} (local.get $a))" for k, t in enumerate(params))
    return (
        f'(func (export "{name}") (param $i i32) (param $end i32) (local $a i32)\n'
        "  (block $done (loop $next\n"
        "    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))\n"
        "    (global.set $progress (local.get $i))\n"
        f"    (local.set $a (i32.mul (local.get $i) (i32.const {2 * SLOT})))\n"
        f"    ({_STORE[result]} offset={OUT_BASE} (i32.mul (local.get $i) (i32.const {SLOT}))"
        f" ({name} {operands}))\n"
        "    (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
        "    (br $next))))\n"
    )


class Oracle:
    """Runs scalar numeric instructions in wasmtime on raw operand bits."""

    def __init__(self) -> None:
        tool = wasm_tools()
        if tool is None:
            pytest.skip("wasm-tools is not installed")
        parts = [f"(module (memory (export \"mem\") {PAGES}) (global $progress (export \"progress\") (mut i32) (i32.const 0))"]
        self.types: Dict[str, Tuple[Tuple[str, ...], str]] = {}
        for op in SCALAR_OPS:
            params = tuple(t.text for t in op.params)
            result = op.results[0].text
            self.types[op.name] = (params, result)
            parts.append(_func_text(op.name, params, result))
        parts.append(")")
        binary = subprocess.run([tool, "parse", "-"], input="\n".join(parts).encode(), capture_output=True, check=True).stdout
        self.engine = wasmtime.Engine()
        self.store = wasmtime.Store(self.engine)
        instance = wasmtime.Instance(self.store, wasmtime.Module(self.engine, binary), [])
        exports = instance.exports(self.store)
        self.mem = exports["mem"]
        self.progress = exports["progress"]
        self.funcs = {name: exports[name] for name in self.types}

    def run(self, name: str, items: Sequence[Sequence[int]]) -> List[Result]:
        """Apply instruction ``name`` to each operand tuple (raw bits, unsigned) and return the results."""
        params, result = self.types[name]
        out: List[Result] = []
        for start in range(0, len(items), BATCH):
            out.extend(self._batch(name, params, result, items[start : start + BATCH]))
        return out

    def _batch(self, name: str, params: Tuple[str, ...], result: str, items: Sequence[Sequence[int]]) -> List[Result]:
        buf = bytearray(len(items) * 2 * SLOT)
        for i, ops in enumerate(items):
            for k, t in enumerate(params):
                _PACK[t].pack_into(buf, i * 2 * SLOT + k * SLOT, ops[k])
        self.mem.write(self.store, buf, IN_BASE)
        traps: Dict[int, str] = {}
        func = self.funcs[name]
        i = 0
        while i < len(items):
            try:
                func(self.store, i, len(items))
                break
            except wasmtime.Trap as e:
                k = self.progress.value(self.store)
                traps[k] = _trap_message(str(e))
                i = k + 1
        raw = self.mem.read(self.store, OUT_BASE, OUT_BASE + len(items) * SLOT)
        width = 4 if result in ("i32", "f32") else 8
        res: List[Result] = []
        for i in range(len(items)):
            if i in traps:
                res.append(("trap", traps[i]))
            else:
                bits = int.from_bytes(raw[i * SLOT : i * SLOT + width], "little")
                res.append(("ok", bits))
        return res


def _trap_message(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("wasm trap:"):
            return line[len("wasm trap:") :].strip()
    return text


_ORACLE: Optional[Oracle] = None


def oracle() -> Oracle:
    global _ORACLE
    if _ORACLE is None:
        _ORACLE = Oracle()
    return _ORACLE


# --- the oracle checks itself against facts from the spec text (not from our implementation) -----


def test_oracle_integer_facts() -> None:
    o = oracle()
    assert o.run("i32.add", [(0xFFFFFFFF, 1), (2, 3)]) == [("ok", 0), ("ok", 5)]
    assert o.run("i32.div_s", [(7, 0), (0x80000000, 0xFFFFFFFF), (7, 2)]) == [
        ("trap", "integer divide by zero"),
        ("trap", "integer overflow"),
        ("ok", 3),
    ]


def test_oracle_keeps_nan_payloads() -> None:
    o = oracle()
    # neg flips only the sign bit, even of a signalling NaN (spec: fneg is a bit operation).
    assert o.run("f32.neg", [(0x7FA00001,)]) == [("ok", 0xFFA00001)]
    assert o.run("f64.abs", [(0xFFF4000000000001,)]) == [("ok", 0x7FF4000000000001)]
    assert o.run("i32.trunc_f32_s", [(0x7FC00000,)]) == [("trap", "invalid conversion to integer")]


if __name__ == "__main__":  # pragma: no cover - manual smoke run
    print(oracle().run(sys.argv[1], [tuple(int(a, 0) for a in sys.argv[2:])]))
