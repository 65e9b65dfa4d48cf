"""The function imports of a Wasm binary, read straight from its type and import sections.

The runner needs them to build stub host functions (e.g. QuickJS's WASI imports) for every runtime
alike, without asking one runtime under test to describe the module for the others.
"""

from __future__ import annotations

from typing import List, NamedTuple, Tuple

VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128", 0x70: "funcref", 0x6F: "externref"}


class FuncImport(NamedTuple):
    module: str
    name: str
    params: Tuple[str, ...]
    results: Tuple[str, ...]


class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def byte(self) -> int:
        b = self.data[self.pos]
        self.pos += 1
        return b

    def u32(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7

    def name(self) -> str:
        n = self.u32()
        s = self.data[self.pos : self.pos + n].decode("utf-8")
        self.pos += n
        return s

    def valtypes(self) -> Tuple[str, ...]:
        return tuple(VALTYPES[self.byte()] for _ in range(self.u32()))

    def limits(self) -> None:
        flags = self.byte()
        self.u32()
        if flags & 1:
            self.u32()


def function_imports(data: bytes) -> List[FuncImport]:
    """The imported functions of ``data`` in import order.

    Raises ValueError if ``data`` is not a Wasm binary or imports something other than functions
    (the benchmark programs only import functions).
    """
    if data[:4] != b"\0asm":
        raise ValueError("not a Wasm binary")
    r = _Reader(data, 8)
    types: List[Tuple[Tuple[str, ...], Tuple[str, ...]]] = []
    imports: List[FuncImport] = []
    while r.pos < len(data):
        section = r.byte()
        size = r.u32()
        end = r.pos + size
        if section == 1:
            for _ in range(r.u32()):
                if r.byte() != 0x60:
                    raise ValueError("unsupported type form")
                params = r.valtypes()
                types.append((params, r.valtypes()))
        elif section == 2:
            for _ in range(r.u32()):
                module, name = r.name(), r.name()
                kind = r.byte()
                if kind != 0:
                    raise ValueError(f"import {module}.{name} is not a function")
                params, results = types[r.u32()]
                imports.append(FuncImport(module, name, params, results))
            break
        r.pos = end
    return imports
