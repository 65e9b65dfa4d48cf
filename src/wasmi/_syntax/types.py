"""Types of the WebAssembly syntax (spec chapter 2.3), shared by every phase.

Value types are enum members whose value is the binary encoding byte, so the decoder and the encoder
translate them with a dictionary look-up. WebAssembly 3.0's typed references will add a ``RefType``
class next to :class:`ValType`; code that only compares value types keeps working.
"""

from __future__ import annotations

import enum
from typing import NamedTuple, Optional, Tuple, Union


class ValType(enum.Enum):
    I32 = 0x7F
    I64 = 0x7E
    F32 = 0x7D
    F64 = 0x7C
    V128 = 0x7B
    FUNCREF = 0x70
    EXTERNREF = 0x6F

    @property
    def is_num(self) -> bool:
        return self in _NUM

    @property
    def is_ref(self) -> bool:
        return self is ValType.FUNCREF or self is ValType.EXTERNREF

    @property
    def text(self) -> str:
        """The text-format keyword (``i32``, ``funcref``, …)."""
        return _TEXT[self]

    def __repr__(self) -> str:
        return f"ValType.{self.name}"

    def __str__(self) -> str:
        return _TEXT[self]


I32, I64, F32, F64, V128 = ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128
FUNCREF, EXTERNREF = ValType.FUNCREF, ValType.EXTERNREF

_NUM = frozenset({I32, I64, F32, F64})
_TEXT = {
    I32: "i32",
    I64: "i64",
    F32: "f32",
    F64: "f64",
    V128: "v128",
    FUNCREF: "funcref",
    EXTERNREF: "externref",
}
VALTYPE_BY_CODE = {t.value: t for t in ValType}
VALTYPE_BY_TEXT = {v: k for k, v in _TEXT.items()}


class FuncType(NamedTuple):
    """A function signature: parameter and result types."""

    params: Tuple[ValType, ...]
    results: Tuple[ValType, ...]

    def __str__(self) -> str:
        p = " ".join(map(str, self.params))
        r = " ".join(map(str, self.results))
        return f"[{p}] -> [{r}]"


class Limits(NamedTuple):
    min: int
    max: Optional[int] = None
    # Room for 3.0: memory64 (index type i64) and threads (shared).
    is64: bool = False
    shared: bool = False


class TableType(NamedTuple):
    elem: ValType
    limits: Limits


class MemoryType(NamedTuple):
    limits: Limits


class GlobalType(NamedTuple):
    valtype: ValType
    mutable: bool


ExternDesc = Union[int, TableType, MemoryType, GlobalType]
"""What an import describes: a type index (function), or a table, memory or global type."""


class ExternKind(enum.IntEnum):
    """Kinds of imports and exports; the value is the binary encoding byte."""

    FUNC = 0
    TABLE = 1
    MEMORY = 2
    GLOBAL = 3
    # 3.0: TAG = 4

    @property
    def text(self) -> str:
        return ("func", "table", "memory", "global")[self.value]


BlockType = Union[None, ValType, int]
"""A block's type: None (no params, no results), one result type, or a type index."""

PAGE_SIZE = 65536
MAX_PAGES = 65536
