"""The module syntax tree (spec chapter 2.5), produced by both front ends and consumed by everything else.

Plain classes with ``__slots__`` and structural equality, so that round-trip tests can compare trees with
``==``. Function bodies are flat lists of instruction tuples (see :mod:`.instructions`); a constant
expression is such a list without the final ``end``.

Byte offsets: the decoder fills ``Func.offsets`` (one per instruction, the offset of its opcode) and
``Func.body_offset``; the text parser leaves them None. The validator and the engine use them for error
positions only.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .types import ExternDesc, ExternKind, FuncType, GlobalType, MemoryType, TableType, ValType

Instr = Tuple[Any, ...]
Expr = List[Instr]


class Node:
    __slots__: Tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return all(getattr(self, s) == getattr(other, s) for s in self._eq_fields())

    def __ne__(self, other: object) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = None  # type: ignore[assignment]

    def _eq_fields(self) -> Tuple[str, ...]:
        return self.__slots__

    def __repr__(self) -> str:
        fields = ", ".join(f"{s}={getattr(self, s)!r}" for s in self._eq_fields())
        return f"{type(self).__name__}({fields})"


class Import(Node):
    """``desc`` is a type index for functions, else a TableType / MemoryType / GlobalType."""

    __slots__ = ("module", "name", "kind", "desc")

    def __init__(self, module: str, name: str, kind: ExternKind, desc: ExternDesc) -> None:
        self.module = module
        self.name = name
        self.kind = kind
        self.desc = desc


class Export(Node):
    __slots__ = ("name", "kind", "index")

    def __init__(self, name: str, kind: ExternKind, index: int) -> None:
        self.name = name
        self.kind = kind
        self.index = index


class Func(Node):
    """A function defined in the module. ``locals`` lists declared locals (not params), one entry per
    run as in the binary format: ``[(count, valtype), ...]``.

    ``body`` ends with the function's final ``end``. ``offsets`` and ``body_offset`` are positions in
    the binary (None when built from text); they don't take part in equality.
    """

    __slots__ = ("type_index", "locals", "body", "offsets", "body_offset")

    def __init__(
        self,
        type_index: int,
        locals: List[Tuple[int, ValType]],
        body: Expr,
        offsets: Optional[List[int]] = None,
        body_offset: Optional[int] = None,
    ) -> None:
        self.type_index = type_index
        self.locals = locals
        self.body = body
        self.offsets = offsets
        self.body_offset = body_offset

    def _eq_fields(self) -> Tuple[str, ...]:
        return ("type_index", "locals", "body")

    def local_types(self) -> List[ValType]:
        out: List[ValType] = []
        for count, t in self.locals:
            out.extend([t] * count)
        return out


class Table(Node):
    """``init`` is None, or (3.0) a constant expression giving the initial element."""

    __slots__ = ("type", "init")

    def __init__(self, type: TableType, init: Optional[Expr] = None) -> None:
        self.type = type
        self.init = init


class Memory(Node):
    __slots__ = ("type",)

    def __init__(self, type: MemoryType) -> None:
        self.type = type


class Global(Node):
    __slots__ = ("type", "init")

    def __init__(self, type: GlobalType, init: Expr) -> None:
        self.type = type
        self.init = init


class ElemMode:
    PASSIVE = "passive"
    ACTIVE = "active"
    DECLARATIVE = "declarative"


class Elem(Node):
    """An element segment.

    ``init`` is a list of constant expressions (a function index ``i`` is ``[(REF_FUNC, i)]``).
    ``mode`` is an :class:`ElemMode`; active segments have ``table`` and ``offset``.
    ``uses_exprs`` records whether the binary/text form lists expressions (flags 4–7) or function
    indices (flags 0–3), and ``explicit_table`` whether an active segment spells out table 0
    (flags 2/6) — both only so that encoding reproduces the original bytes.
    """

    __slots__ = ("type", "init", "mode", "table", "offset", "uses_exprs", "explicit_table")

    def __init__(
        self,
        type: ValType,
        init: List[Expr],
        mode: str,
        table: int = 0,
        offset: Optional[Expr] = None,
        uses_exprs: bool = False,
        explicit_table: bool = False,
    ) -> None:
        self.type = type
        self.init = init
        self.mode = mode
        self.table = table
        self.offset = offset
        self.uses_exprs = uses_exprs
        self.explicit_table = explicit_table


class Data(Node):
    """A data segment; active ones have ``memory`` and ``offset``. ``explicit_memory`` records the
    flags-2 encoding of memory 0 (for byte-exact re-encoding)."""

    __slots__ = ("init", "mode", "memory", "offset", "explicit_memory")

    def __init__(
        self,
        init: bytes,
        mode: str,
        memory: int = 0,
        offset: Optional[Expr] = None,
        explicit_memory: bool = False,
    ) -> None:
        self.init = init
        self.mode = mode
        self.memory = memory
        self.offset = offset
        self.explicit_memory = explicit_memory


class CustomSection(Node):
    """A custom section, kept verbatim. ``after`` is the id of the last known section before it
    (0 when it comes before all of them), so the encoder can put it back in place."""

    __slots__ = ("name", "data", "after")

    def __init__(self, name: str, data: bytes, after: int = 0) -> None:
        self.name = name
        self.data = data
        self.after = after


class Names(Node):
    """The decoded ``name`` custom section (debug info only; never affects semantics)."""

    __slots__ = ("module", "funcs", "locals")

    def __init__(
        self,
        module: Optional[str] = None,
        funcs: Optional[Dict[int, str]] = None,
        locals: Optional[Dict[int, Dict[int, str]]] = None,
    ) -> None:
        self.module = module
        self.funcs = funcs if funcs is not None else {}
        self.locals = locals if locals is not None else {}


class Module(Node):
    """A whole module. Index spaces put imports first: function ``i`` is ``imports`` of kind FUNC
    number ``i`` if ``i`` is below the imported-function count, else ``funcs[i - count]``.

    ``data_count`` is the value of the data-count section (None when absent). ``names`` is decoded
    from the ``name`` section when present (it stays in ``customs`` too); it is not part of equality.
    ``derived`` holds what later phases compute from a finished module once (translation's type lists,
    alignment facts), so it lives and dies with the module; it is not part of equality either.
    """

    __slots__ = (
        "types", "imports", "funcs", "tables", "memories", "globals", "exports",
        "start", "elems", "datas", "data_count", "customs", "names", "id", "derived",
    )

    def __init__(self) -> None:
        self.types: List[FuncType] = []
        self.imports: List[Import] = []
        self.funcs: List[Func] = []
        self.tables: List[Table] = []
        self.memories: List[Memory] = []
        self.globals: List[Global] = []
        self.exports: List[Export] = []
        self.start: Optional[int] = None
        self.elems: List[Elem] = []
        self.datas: List[Data] = []
        self.data_count: Optional[int] = None
        self.customs: List[CustomSection] = []
        self.names: Optional[Names] = None
        self.id: Optional[str] = None  # the text format's `(module $id ...)`, not encoded
        self.derived: Dict[str, Any] = {}

    def _eq_fields(self) -> Tuple[str, ...]:
        return (
            "types", "imports", "funcs", "tables", "memories", "globals", "exports",
            "start", "elems", "datas", "data_count", "customs",
        )

    # --- index spaces -------------------------------------------------------------------------
    def imported(self, kind: ExternKind) -> List[Import]:
        return [i for i in self.imports if i.kind == kind]

    def func_types(self) -> List[FuncType]:
        """The type of every function in the function index space (imports first)."""
        out = [self.types[i.desc] for i in self.imports if i.kind == ExternKind.FUNC]  # type: ignore[index]
        out.extend(self.types[f.type_index] for f in self.funcs)
        return out

    def block_arity(self, bt: Any) -> Tuple[int, int]:
        """(parameters, results) of a block type: None, a ValType, or a type index."""
        if bt is None:
            return 0, 0
        if isinstance(bt, ValType):
            return 0, 1
        ft = self.types[bt]
        return len(ft.params), len(ft.results)

    def table_types(self) -> List[TableType]:
        out = [i.desc for i in self.imports if i.kind == ExternKind.TABLE]
        out.extend(t.type for t in self.tables)
        return out  # type: ignore[return-value]

    def memory_types(self) -> List[MemoryType]:
        out = [i.desc for i in self.imports if i.kind == ExternKind.MEMORY]
        out.extend(m.type for m in self.memories)
        return out  # type: ignore[return-value]

    def global_types(self) -> List[GlobalType]:
        out = [i.desc for i in self.imports if i.kind == ExternKind.GLOBAL]
        out.extend(g.type for g in self.globals)
        return out  # type: ignore[return-value]
