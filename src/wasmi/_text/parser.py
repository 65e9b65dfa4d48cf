"""The WAT parser: tokens -> :class:`wasmi._syntax.ast.Module` (spec chapter "Text Format").

Two passes over the module fields:

1. collect every identifier (so uses may precede definitions) and the explicit type definitions, and
   check that imports precede definitions;
2. parse each field in textual order, expanding abbreviations and resolving names. Implicit types
   created by inline type uses are appended to ``types`` in order of first use, as the spec says.

Folded instructions are flattened with an explicit frame stack, so nesting depth is bounded only by
memory, never by Python's recursion limit.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from .._syntax import ast, instructions as I
from .._syntax.instructions import OPS_BY_NAME, Imm
from .._syntax.types import (
    VALTYPE_BY_TEXT,
    ExternKind,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    TableType,
    ValType,
)
from ..errors import ParseError, ResolveError, WatError
from .lexer import Reserved, decode_utf8, error_at, tokenize
from .literals import LiteralError, is_number, parse_float, parse_int

__all__ = ["parse_module", "ModuleParser", "EOF"]


class _Eof:
    """Sentinel tokens after the last real one: look-ahead never runs off the list."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<end of input>"


EOF = _Eof()
_SENTINELS = 8

_REFTYPES = {"funcref": ValType.FUNCREF, "externref": ValType.EXTERNREF}
_HEAPTYPES = {"func": ValType.FUNCREF, "extern": ValType.EXTERNREF}
_SPACE_WORD = {
    "type": "type",
    "func": "function",
    "table": "table",
    "memory": "memory",
    "global": "global",
    "elem": "elem segment",
    "data": "data segment",
    "local": "local",
}
_DEF_WORD = {"func": "function", "table": "table", "memory": "memory", "global": "global"}
_EXTERN = {"func": ExternKind.FUNC, "table": ExternKind.TABLE, "memory": ExternKind.MEMORY, "global": ExternKind.GLOBAL}
_SHAPES = {"i8x16": (16, 8), "i16x8": (8, 16), "i32x4": (4, 32), "i64x2": (2, 64), "f32x4": (4, 32), "f64x2": (2, 64)}
_STRUCTURAL = {"block", "loop", "if", "else", "end", "then"}
# Keywords the grammar knows; any other bare word in a wrong place is an "unknown operator" (as in
# the reference lexer), a known one is an "unexpected token".
_KEYWORDS = frozenset(
    set(OPS_BY_NAME) - {"select_t"}
    | set(VALTYPE_BY_TEXT)
    | set(_SHAPES)
    | _STRUCTURAL
    | {
        "module", "type", "func", "param", "result", "local", "import", "export", "table", "memory",
        "global", "elem", "data", "start", "offset", "item", "declare", "mut", "extern", "binary",
        "quote", "nan:canonical", "nan:arithmetic", "register", "invoke", "get", "assert_return",
        "assert_trap", "assert_exhaustion", "assert_malformed", "assert_invalid", "assert_unlinkable",
        "assert_uninstantiable", "ref.extern", "either", "definition", "instance",
    }
)

# Frame kinds of the folded-instruction flattener.
_F_PLAIN, _F_BLOCK, _F_IFCOND, _F_THEN, _F_IFELSE, _F_ELSE, _F_IFEND = range(7)

_BLOCK, _LOOP, _IF, _ELSE, _END = I.BLOCK, I.LOOP, I.IF, I.ELSE, I.END
# Instructions without immediates map straight to their (shared, immutable) tuple: the commonest
# case skips plain() entirely. `select` may take `(result t)`, so it goes through plain().
_NO_IMMEDIATES = {
    op.name: (op,)
    for op in I.OPS
    if op.imm == Imm.NONE and op.name not in ("select", "else", "end", "select_t")
}


class _Field:
    __slots__ = ("kind", "start", "end", "imported")

    def __init__(self, kind: str, start: int, end: int, imported: bool) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.imported = imported


class ModuleParser:
    """Parses module fields from a token list (shared with the script parser).

    Every method that reads tokens takes the index of the first token to read and returns the index
    after the last one it consumed. All methods raise :class:`WatError` subclasses.
    """

    def __init__(self, text: str, toks: list, offs: List[int], close: Dict[int, int]) -> None:
        self.text = text
        self.toks = toks
        self.offs = offs
        self.close = close

    # --- errors -----------------------------------------------------------------------------------
    def error(self, message: str, i: int, cls: type = ParseError) -> WatError:
        offs = self.offs
        off = offs[i] if i < len(offs) else len(self.text)
        return error_at(cls, message, self.text, off)

    def unexpected(self, i: int, what: str = "") -> WatError:
        """The error for a token that does not fit: "unknown operator" for words the grammar does not
        know (and reserved tokens), else "unexpected token"."""
        t = self.toks[i] if i < len(self.toks) else EOF
        if isinstance(t, Reserved):
            return self.error(f"unknown operator {t}", i)
        if type(t) is str and t not in ("(", ")", "(@") and t[0] != "$" and t not in _KEYWORDS and not is_number(t):
            return self.error(f"unknown operator {t}", i)
        if t is EOF:
            return self.error("unexpected end of input" + (f", expected {what}" if what else ""), i)
        shown = t if type(t) is str else ('"' + t.decode("utf-8", "replace") + '"' if isinstance(t, bytes) else str(t))
        return self.error(f"unexpected token {shown}" + (f", expected {what}" if what else ""), i)

    def expect(self, i: int, tok: str) -> int:
        if self.toks[i] != tok:
            raise self.unexpected(i, f"'{tok}'")
        return i + 1

    def expect_rp(self, i: int) -> int:
        if self.toks[i] != ")":
            raise self.unexpected(i, "')'")
        return i + 1

    # --- module -----------------------------------------------------------------------------------
    def module(self, i: int) -> Tuple[ast.Module, int]:
        """Parse ``(module $id? field*)`` starting at the ``(``; returns the module and the index after
        its ``)``."""
        toks = self.toks
        if toks[i] != "(" or toks[i + 1] != "module":
            raise self.unexpected(i, "(module")
        end = self.close.get(i)
        if end is None:
            raise self.error("unexpected end of input: unclosed '('", i)
        j = i + 2
        mid = None
        t = toks[j]
        if type(t) is str and t[0] == "$":
            mid = t
            j += 1
        m = self.fields(j, end)
        m.id = mid
        if mid is not None:
            if m.names is None:
                m.names = ast.Names()
            m.names.module = mid[1:]
        return m, end + 1

    def fields(self, i: int, end: int) -> ast.Module:
        """Parse the module fields in ``toks[i:end]``."""
        toks = self.toks
        close = self.close
        m = ast.Module()
        self.m = m
        self.names: Dict[str, Dict[str, int]] = {k: {} for k in _SPACE_WORD if k != "local"}
        self.counts: Dict[str, int] = {k: 0 for k in self.names}
        self.type_first: Dict[FuncType, int] = {}
        self.uses_data = False
        self.local_names: Dict[int, Dict[int, str]] = {}
        fields: List[_Field] = []
        first_def: Optional[str] = None
        # Pass 1.
        deferred: Optional[WatError] = None
        while i < end:
            # A stray token or unclosed group is reported after the fields before it are parsed,
            # so that errors come out in textual order, as from a one-pass parser.
            if toks[i] != "(":
                deferred = self.unexpected(i, "a module field")
                break
            fend = close.get(i)
            if fend is None or fend > end:
                deferred = self.error("unexpected end of input: unclosed '('", i)
                break
            kw = toks[i + 1]
            imported = False
            if kw == "type":
                self._type_field(i, fend)
            elif kw == "import":
                if first_def is not None:
                    raise self.error(f"import after {first_def}", i)
                j = i + 2
                if not isinstance(toks[j], bytes) or not isinstance(toks[j + 1], bytes):
                    raise self.unexpected(j if not isinstance(toks[j], bytes) else j + 1, "a string")
                j += 2
                if toks[j] != "(" or toks[j + 1] not in _EXTERN:
                    raise self.unexpected(j + 1 if toks[j] == "(" else j, "an import description")
                self._declare(toks[j + 1], j + 2)
                imported = True
            elif kw in _DEF_WORD:
                j = self._declare(kw, i + 2)
                while toks[j] == "(" and toks[j + 1] == "export":
                    j = close.get(j, j) + 1
                if toks[j] == "(" and toks[j + 1] == "import":
                    if first_def is not None:
                        raise self.error(f"import after {first_def}", j)
                    imported = True
                else:
                    if first_def is None:
                        first_def = _DEF_WORD[kw]
                    if kw == "table":
                        if toks[j] in _REFTYPES and toks[j + 1] == "(" and toks[j + 2] == "elem":
                            self.counts["elem"] += 1
                    elif kw == "memory":
                        if toks[j] == "(" and toks[j + 1] == "data":
                            self.counts["data"] += 1
            elif kw == "elem" or kw == "data":
                self._declare(kw, i + 2)
            elif kw == "export" or kw == "start":
                pass
            else:
                raise self.unexpected(i + 1, "a module field")
            fields.append(_Field(kw, i, fend, imported))
            i = fend + 1
        # Pass 2: fresh counters give each definition its index again, in the same order.
        self.index = {k: 0 for k in self.names}
        for f in fields:
            kw = f.kind
            if kw == "type":
                continue
            if kw == "func":
                self._func(f)
            elif kw == "import":
                self._import(f)
            elif kw == "export":
                self._export(f)
            elif kw == "table":
                self._table(f)
            elif kw == "memory":
                self._memory(f)
            elif kw == "global":
                self._global(f)
            elif kw == "elem":
                self._elem(f.start + 2, f.end)
            elif kw == "data":
                self._data(f.start + 2, f.end)
            elif kw == "start":
                if m.start is not None:
                    raise self.error("multiple start sections", f.start)
                m.start, j = self.index_of("func", f.start + 2)
                self.expect_rp(j)
        if deferred is not None:
            raise deferred
        if self.uses_data:
            m.data_count = len(m.datas)
        if self.names["func"] or self.local_names:
            # Debug names, as the name section would carry them (not part of module equality).
            m.names = ast.Names(
                None,
                {v: k[1:] for k, v in self.names["func"].items()},
                self.local_names,
            )
        return m

    def _declare(self, space: str, i: int) -> int:
        """Count one definition in ``space``; register its ``$id`` at ``toks[i]`` if present."""
        t = self.toks[i]
        n = self.counts[space]
        self.counts[space] = n + 1
        if type(t) is str and t[0] == "$":
            names = self.names[space]
            if t in names:
                raise self.error(f"duplicate {space} {t}", i, ResolveError)
            names[t] = n
            return i + 1
        return i

    def _skip_id(self, i: int) -> int:
        t = self.toks[i]
        return i + 1 if type(t) is str and t[0] == "$" else i

    def _next_index(self, space: str) -> int:
        n = self.index[space]
        self.index[space] = n + 1
        return n

    # --- small pieces -----------------------------------------------------------------------------
    def index_of(self, space: str, i: int) -> Tuple[int, int]:
        """A ``$id`` or numeric index in ``space``. Raises ResolveError / ParseError."""
        t = self.toks[i]
        if type(t) is str:
            if t.isdigit() and t.isascii() and len(t) < 10:  # fast path: a small decimal index
                return int(t), i + 1
            if t[0] == "$":
                names = self.names[space] if space != "local" else self.locals
                v = names.get(t)
                if v is None:
                    raise self.error(f"unknown {_SPACE_WORD[space]} {t}", i, ResolveError)
                return v, i + 1
            v = self._u32(i)
            if v is not None:
                return v, i + 1
        raise self.unexpected(i, "an index")

    def _u32(self, i: int, message: str = "constant out of range") -> Optional[int]:
        t = self.toks[i]
        if type(t) is not str:
            return None
        try:
            return parse_int(t, 32, signed_ok=False)
        except LiteralError:
            raise self.error(message, i) from None

    def _is_index(self, i: int) -> bool:
        """Whether ``toks[i]`` looks like an index (``$id`` or something starting like a number)."""
        t = self.toks[i]
        return type(t) is str and (t[0] == "$" or "0" <= t[0] <= "9")

    def valtype(self, i: int) -> ValType:
        t = self.toks[i]
        vt = VALTYPE_BY_TEXT.get(t) if type(t) is str else None
        if vt is None:
            raise self.unexpected(i, "a value type")
        return vt

    def string(self, i: int) -> bytes:
        t = self.toks[i]
        if not isinstance(t, bytes):
            raise self.unexpected(i, "a string")
        return t

    def name(self, i: int) -> str:
        return decode_utf8(self.string(i), self.text, self.offs[i])

    def limits(self, i: int) -> Tuple[Limits, int]:
        mn = self._u32(i, "i32 constant out of range")
        if mn is None:
            raise self.unexpected(i, "a limit")
        i += 1
        mx = None
        if self._is_index(i):
            mx = self._u32(i, "i32 constant out of range")
            if mx is None:
                raise self.unexpected(i, "a limit")
            i += 1
        return Limits(mn, mx), i

    def _type_field(self, i: int, end: int) -> None:
        toks = self.toks
        j = self._declare("type", i + 2)
        if toks[j] != "(" or toks[j + 1] != "func":
            raise self.unexpected(j + 1 if toks[j] == "(" else j, "(func")
        params, results, _, j = self._params_results(j + 2, True)
        j = self.expect_rp(j)
        self.expect_rp(j)
        ft = FuncType(tuple(params), tuple(results))
        self.type_first.setdefault(ft, len(self.m.types))
        self.m.types.append(ft)

    def _params_results(self, i: int, names_ok: bool) -> Tuple[List[ValType], List[ValType], List[Optional[str]], int]:
        """``(param ...)* (result ...)*``; returns params, results, param names and the next index."""
        toks = self.toks
        params: List[ValType] = []
        pnames: List[Optional[str]] = []
        results: List[ValType] = []
        while toks[i] == "(" and toks[i + 1] == "param":
            i += 2
            t = toks[i]
            if type(t) is str and t[0] == "$":
                if not names_ok:
                    raise self.unexpected(i)
                params.append(self.valtype(i + 1))
                pnames.append(t)
                i = self.expect_rp(i + 2)
                continue
            while toks[i] != ")":
                params.append(self.valtype(i))
                pnames.append(None)
                i += 1
            i += 1
        while toks[i] == "(" and toks[i + 1] == "result":
            i += 2
            while toks[i] != ")":
                results.append(self.valtype(i))
                i += 1
            i += 1
        if toks[i] == "(" and toks[i + 1] in ("param", "type"):
            raise self.unexpected(i + 1)
        return params, results, pnames, i

    def typeuse(self, i: int, names_ok: bool) -> Tuple[Optional[int], Optional[FuncType], List[Optional[str]], int]:
        """``(type x)? param* result*``. Returns (explicit index or None, inline type or None when no
        inline part was written, param names, next index)."""
        toks = self.toks
        x = None
        at = i
        if toks[i] == "(" and toks[i + 1] == "type":
            x, i = self.index_of("type", i + 2)
            i = self.expect_rp(i)
        j = i
        params, results, pnames, i = self._params_results(i, names_ok)
        inline = FuncType(tuple(params), tuple(results)) if i != j else None
        if x is not None and inline is not None:
            types = self.m.types
            if x >= len(types):
                raise self.error("unknown type", at + 2, ResolveError)
            if types[x] != inline:
                raise self.error("inline function type does not match the referenced type", at, ParseError)
        return x, inline, pnames, i

    def type_index(self, x: Optional[int], inline: Optional[FuncType]) -> int:
        """The type index of a type use, adding an implicit type definition when needed."""
        if x is not None:
            return x
        ft = inline if inline is not None else FuncType((), ())
        idx = self.type_first.get(ft)
        if idx is None:
            idx = len(self.m.types)
            self.m.types.append(ft)
            self.type_first[ft] = idx
        return idx

    def _exports(self, i: int, kind: ExternKind, index: int) -> int:
        toks = self.toks
        while toks[i] == "(" and toks[i + 1] == "export":
            self.m.exports.append(ast.Export(self.name(i + 2), kind, index))
            i = self.expect_rp(i + 3)
        return i

    def _inline_import(self, i: int) -> Tuple[Optional[Tuple[str, str]], int]:
        toks = self.toks
        if toks[i] == "(" and toks[i + 1] == "import":
            mod = self.name(i + 2)
            nm = self.name(i + 3)
            return (mod, nm), self.expect_rp(i + 4)
        return None, i

    # --- fields -----------------------------------------------------------------------------------
    def _func(self, f: _Field) -> None:
        toks = self.toks
        idx = self._next_index("func")
        i = self._skip_id(f.start + 2)
        i = self._exports(i, ExternKind.FUNC, idx)
        imp, i = self._inline_import(i)
        x, inline, pnames, i = self.typeuse(i, True)
        tidx = self.type_index(x, inline)
        if imp is not None:
            self.expect_rp(i)
            self.m.imports.append(ast.Import(imp[0], imp[1], ExternKind.FUNC, tidx))
            return
        # Locals: params first (named or not), then declared locals.
        if inline is None:
            types = self.m.types
            nparams = len(types[tidx].params) if tidx < len(types) else 0
            pnames = [None] * nparams
        locals_: Dict[str, int] = {}
        for k, nm in enumerate(pnames):
            if nm is not None:
                if nm in locals_:
                    raise self.error(f"duplicate local {nm}", i, ResolveError)
                locals_[nm] = k
        n = len(pnames)
        runs: List[Tuple[int, ValType]] = []
        while toks[i] == "(" and toks[i + 1] == "local":
            i += 2
            t = toks[i]
            if type(t) is str and t[0] == "$":
                if t in locals_:
                    raise self.error(f"duplicate local {t}", i, ResolveError)
                locals_[t] = n
                vts = [self.valtype(i + 1)]
                i = self.expect_rp(i + 2)
            else:
                vts = []
                while toks[i] != ")":
                    vts.append(self.valtype(i))
                    i += 1
                i += 1
            for vt in vts:
                n += 1
                if runs and runs[-1][1] is vt:
                    runs[-1] = (runs[-1][0] + 1, vt)
                else:
                    runs.append((1, vt))
        self.locals = locals_
        if locals_:
            self.local_names[idx] = {v: k[1:] for k, v in locals_.items()}
        body: List[tuple] = []
        i = self.instrs(i, body)
        if i != f.end:
            raise self.unexpected(i)
        body.append((_END,))
        self.m.funcs.append(ast.Func(tidx, runs, body))

    def _import(self, f: _Field) -> None:
        toks = self.toks
        mod = self.name(f.start + 2)
        nm = self.name(f.start + 3)
        i = f.start + 4
        kw = toks[i + 1]
        j = self._skip_id(i + 2)
        self._next_index(kw)
        if kw == "func":
            x, inline, _, j = self.typeuse(j, True)
            desc: object = self.type_index(x, inline)
        elif kw == "table":
            lim, j = self.limits(j)
            desc = TableType(self._reftype(j), lim)
            j += 1
        elif kw == "memory":
            lim, j = self.limits(j)
            desc = MemoryType(lim)
        else:
            desc, j = self.globaltype(j)
        j = self.expect_rp(j)
        if j != f.end:
            raise self.unexpected(j)
        self.m.imports.append(ast.Import(mod, nm, _EXTERN[kw], desc))  # type: ignore[arg-type]

    def _reftype(self, i: int) -> ValType:
        rt = _REFTYPES.get(self.toks[i]) if type(self.toks[i]) is str else None
        if rt is None:
            raise self.unexpected(i, "a reference type")
        return rt

    def globaltype(self, i: int) -> Tuple[GlobalType, int]:
        toks = self.toks
        if toks[i] == "(" and toks[i + 1] == "mut":
            vt = self.valtype(i + 2)
            return GlobalType(vt, True), self.expect_rp(i + 3)
        return GlobalType(self.valtype(i), False), i + 1

    def _export(self, f: _Field) -> None:
        toks = self.toks
        nm = self.name(f.start + 2)
        i = f.start + 3
        if toks[i] != "(" or toks[i + 1] not in _EXTERN:
            raise self.unexpected(i + 1 if toks[i] == "(" else i, "an export description")
        kw = toks[i + 1]
        idx, j = self.index_of(kw, i + 2)
        j = self.expect_rp(j)
        if j != f.end:
            raise self.unexpected(j)
        self.m.exports.append(ast.Export(nm, _EXTERN[kw], idx))

    def _table(self, f: _Field) -> None:
        toks = self.toks
        idx = self._next_index("table")
        i = self._skip_id(f.start + 2)
        i = self._exports(i, ExternKind.TABLE, idx)
        imp, i = self._inline_import(i)
        if toks[i] in _REFTYPES and imp is None:
            rt = _REFTYPES[toks[i]]
            i += 1
            if toks[i] != "(" or toks[i + 1] != "elem":
                raise self.unexpected(i, "(elem")
            eend = self.close[i]
            j = i + 2
            items: List[list] = []
            uses_exprs = toks[j] == "("
            if uses_exprs:
                while toks[j] == "(":
                    j = self._elem_expr(j, items)
            else:
                while self._is_index(j):
                    fi, j = self.index_of("func", j)
                    items.append([(I.REF_FUNC, fi)])
            if j != eend:
                raise self.unexpected(j)
            n = len(items)
            self.m.tables.append(ast.Table(TableType(rt, Limits(n, n))))
            self.index["elem"] += 1
            self.m.elems.append(
                ast.Elem(rt, items, ast.ElemMode.ACTIVE, idx, [(I.I32_CONST, 0)], uses_exprs, True)
            )
            self.expect_rp(eend + 1)
            return
        lim, i = self.limits(i)
        tt = TableType(self._reftype(i), lim)
        i = self.expect_rp(i + 1)
        if i != f.end + 1:
            raise self.unexpected(i - 1)
        if imp is not None:
            self.m.imports.append(ast.Import(imp[0], imp[1], ExternKind.TABLE, tt))
        else:
            self.m.tables.append(ast.Table(tt))

    def _memory(self, f: _Field) -> None:
        toks = self.toks
        idx = self._next_index("memory")
        i = self._skip_id(f.start + 2)
        i = self._exports(i, ExternKind.MEMORY, idx)
        imp, i = self._inline_import(i)
        if imp is None and toks[i] == "(" and toks[i + 1] == "data":
            dend = self.close[i]
            j = i + 2
            chunks = []
            while j < dend:
                chunks.append(self.string(j))
                j += 1
            data = b"".join(chunks)
            pages = (len(data) + 65535) // 65536
            self.m.memories.append(ast.Memory(MemoryType(Limits(pages, pages))))
            self.index["data"] += 1
            self.m.datas.append(ast.Data(data, ast.ElemMode.ACTIVE, idx, [(I.I32_CONST, 0)], False))
            self.expect_rp(dend + 1)
            return
        lim, i = self.limits(i)
        i = self.expect_rp(i)
        if i != f.end + 1:
            raise self.unexpected(i - 1)
        mt = MemoryType(lim)
        if imp is not None:
            self.m.imports.append(ast.Import(imp[0], imp[1], ExternKind.MEMORY, mt))
        else:
            self.m.memories.append(ast.Memory(mt))

    def _global(self, f: _Field) -> None:
        idx = self._next_index("global")
        i = self._skip_id(f.start + 2)
        i = self._exports(i, ExternKind.GLOBAL, idx)
        imp, i = self._inline_import(i)
        gt, i = self.globaltype(i)
        if imp is not None:
            self.expect_rp(i)
            self.m.imports.append(ast.Import(imp[0], imp[1], ExternKind.GLOBAL, gt))
            return
        self.locals = {}
        init: List[tuple] = []
        i = self.instrs(i, init)
        if i != f.end:
            raise self.unexpected(i)
        self.m.globals.append(ast.Global(gt, init))

    def _offset(self, i: int) -> Tuple[List[tuple], int]:
        """``(offset instr*)`` or a single folded instruction ``(instr)``."""
        toks = self.toks
        self.locals = {}
        out: List[tuple] = []
        if toks[i] == "(" and toks[i + 1] == "offset":
            j = self.instrs(i + 2, out)
            return out, j + 1
        end = self.close.get(i)
        if toks[i] != "(" or end is None:
            raise self.unexpected(i, "an offset")
        j = self._folded_one(i, out)
        return out, j

    def _folded_one(self, i: int, out: List[tuple]) -> int:
        """Exactly one folded instruction starting at ``(``; returns the index after its ``)``."""
        return self.instrs(i, out, stop=self.close[i] + 1)

    def _elem_expr(self, i: int, items: List[list]) -> int:
        toks = self.toks
        self.locals = {}
        out: List[tuple] = []
        if toks[i + 1] == "item":
            j = self.instrs(i + 2, out)
            items.append(out)
            return j + 1
        j = self._folded_one(i, out)
        items.append(out)
        return j

    def _elemlist(self, i: int, end: int, allow_bare: bool) -> Tuple[ValType, List[list], bool, int]:
        """``func funcidx*`` | ``reftype elemexpr*`` | (if allow_bare) ``funcidx*``."""
        toks = self.toks
        t = toks[i]
        items: List[list] = []
        if t == "func" or (allow_bare and t != "funcref" and t != "externref"):
            if t == "func":
                i += 1
            while i < end:
                fi, i = self.index_of("func", i)
                items.append([(I.REF_FUNC, fi)])
            return ValType.FUNCREF, items, False, i
        rt = self._reftype(i)
        i += 1
        while i < end:
            if toks[i] != "(":
                raise self.unexpected(i, "an element expression")
            i = self._elem_expr(i, items)
        return rt, items, True, i

    def _elem(self, i: int, end: int) -> None:
        toks = self.toks
        self._next_index("elem")
        i = self._skip_id(i)
        if toks[i] == "declare":
            rt, items, ue, i = self._elemlist(i + 1, end, False)
            self.m.elems.append(ast.Elem(rt, items, ast.ElemMode.DECLARATIVE, uses_exprs=ue))
            return
        table = 0
        explicit = False
        bare_ok = True  # a plain function index list (MVP form) is allowed without `(table x)`
        if toks[i] == "(" and toks[i + 1] == "table":
            table, i = self.index_of("table", i + 2)
            i = self.expect_rp(i)
            explicit = True
            bare_ok = False
        elif self._is_index(i):  # the 1.0 form `(elem x (offset ...) ...)`
            table, i = self.index_of("table", i)
            explicit = True
        if toks[i] == "(":
            offset, i = self._offset(i)
            rt, items, ue, i = self._elemlist(i, end, bare_ok)
            self.m.elems.append(ast.Elem(rt, items, ast.ElemMode.ACTIVE, table, offset, ue, explicit))
        else:
            if explicit:
                raise self.unexpected(i, "an offset")
            rt, items, ue, i = self._elemlist(i, end, False)
            self.m.elems.append(ast.Elem(rt, items, ast.ElemMode.PASSIVE, uses_exprs=ue))
        if i != end:
            raise self.unexpected(i)

    def _data(self, i: int, end: int) -> None:
        toks = self.toks
        self._next_index("data")
        i = self._skip_id(i)
        mem = 0
        explicit = False
        offset = None
        if toks[i] == "(" and toks[i + 1] == "memory":
            mem, i = self.index_of("memory", i + 2)
            i = self.expect_rp(i)
            explicit = True
        elif self._is_index(i):  # the 1.0 form `(data x (offset ...) ...)`
            mem, i = self.index_of("memory", i)
            explicit = True
        if toks[i] == "(":
            offset, i = self._offset(i)
        elif explicit:
            raise self.unexpected(i, "an offset")
        chunks = []
        while i < end:
            chunks.append(self.string(i))
            i += 1
        data = b"".join(chunks)
        if offset is None:
            self.m.datas.append(ast.Data(data, ast.ElemMode.PASSIVE))
        else:
            self.m.datas.append(ast.Data(data, ast.ElemMode.ACTIVE, mem, offset, False))

    # --- instructions -----------------------------------------------------------------------------
    def _label(self, i: int) -> Tuple[Optional[str], int]:
        t = self.toks[i]
        if type(t) is str and t[0] == "$":
            return t, i + 1
        return None, i

    def blocktype(self, i: int) -> Tuple[object, int]:
        x, inline, _, i = self.typeuse(i, False)
        if x is None:
            if inline is None:
                return None, i
            if not inline.params and len(inline.results) <= 1:
                return (inline.results[0] if inline.results else None), i
        return self.type_index(x, inline), i

    def instrs(self, i: int, out: List[tuple], stop: Optional[int] = None) -> int:
        """Parse an instruction sequence (plain and folded) into ``out`` until the ``)`` that closes the
        enclosing construct; returns that ``)``'s index. With ``stop``, parse until index ``stop``
        instead (used for a single folded instruction) and return ``stop``.

        Raises ParseError / ResolveError.
        """
        toks = self.toks
        frames: List[list] = []
        ctl: List[list] = []  # [label, flat, kind, else_seen]; also the label stack
        append = out.append
        ops = OPS_BY_NAME
        noimm = _NO_IMMEDIATES
        while True:
            if stop is not None and i == stop and not frames:
                if ctl:
                    raise self.unexpected(i)
                return i
            t = toks[i]
            if t == "(":
                kw = toks[i + 1]
                if frames and frames[-1][0] >= _F_IFCOND and frames[-1][0] != _F_THEN and frames[-1][0] != _F_ELSE:
                    fk = frames[-1][0]
                    if fk == _F_IFCOND and kw == "then":
                        fr = frames[-1]
                        append((_IF, fr[2]))
                        ctl.append([fr[1], False, "if", False])
                        fr[0] = _F_THEN
                        fr[3] = len(ctl)
                        i += 2
                        continue
                    if fk == _F_IFELSE and kw == "else":
                        fr = frames[-1]
                        append((_ELSE,))
                        fr[0] = _F_ELSE
                        i += 2
                        continue
                    if fk != _F_IFCOND:
                        raise self.unexpected(i + 1, "(else")
                if kw == "block" or kw == "loop":
                    label, j = self._label(i + 2)
                    bt, j = self.blocktype(j)
                    append((_BLOCK if kw == "block" else _LOOP, bt))
                    ctl.append([label, False, kw, False])
                    frames.append([_F_BLOCK, None, None, len(ctl)])
                    i = j
                elif kw == "if":
                    label, j = self._label(i + 2)
                    bt, j = self.blocktype(j)
                    frames.append([_F_IFCOND, label, bt, 0])
                    i = j
                else:
                    if type(kw) is not str or kw in ("(", ")"):
                        raise self.unexpected(i + 1, "an instruction")
                    tup = noimm.get(kw)
                    if tup is not None:
                        frames.append([_F_PLAIN, tup, None, len(ctl)])
                        i += 2
                        continue
                    op = ops.get(kw)
                    if op is None or kw == "select_t" or kw in _STRUCTURAL:
                        raise self.unexpected(i + 1, "an instruction")
                    instr, j = self.plain(op, i + 2, ctl)
                    frames.append([_F_PLAIN, instr, None, len(ctl)])
                    i = j
                continue
            if t == ")":
                if not frames:
                    if stop is not None:
                        raise self.unexpected(i)
                    if ctl:
                        raise self.error("unexpected token ), unclosed block (missing 'end')", i)
                    return i
                fr = frames[-1]
                fk = fr[0]
                if fk == _F_PLAIN:
                    if len(ctl) != fr[3]:
                        raise self.error("unexpected token ), unclosed block (missing 'end')", i)
                    append(fr[1])
                    frames.pop()
                elif fk == _F_BLOCK or fk == _F_ELSE or fk == _F_THEN:
                    if len(ctl) != fr[3]:
                        raise self.error("unexpected token ), unclosed block (missing 'end')", i)
                    if fk == _F_BLOCK:
                        append((_END,))
                        ctl.pop()
                        frames.pop()
                    else:
                        fr[0] = _F_IFELSE if fk == _F_THEN else _F_IFEND
                elif fk == _F_IFELSE or fk == _F_IFEND:
                    append((_END,))
                    ctl.pop()
                    frames.pop()
                else:  # _F_IFCOND: an `if` without (then ...)
                    raise self.unexpected(i, "(then")
                i += 1
                continue
            if type(t) is not str:
                raise self.unexpected(i, "an instruction")
            if frames:
                fk = frames[-1][0]
                if fk != _F_BLOCK and fk != _F_THEN and fk != _F_ELSE:
                    raise self.unexpected(i, "'(' or ')'")
            if t == "block" or t == "loop" or t == "if":
                label, j = self._label(i + 1)
                bt, j = self.blocktype(j)
                append((_BLOCK if t == "block" else _LOOP if t == "loop" else _IF, bt))
                ctl.append([label, True, t, False])
                i = j
                continue
            if t == "end" or t == "else":
                base = frames[-1][3] if frames else 0
                if len(ctl) <= base or not ctl[-1][1]:
                    raise self.unexpected(i)
                c = ctl[-1]
                if t == "else" and (c[2] != "if" or c[3]):
                    raise self.unexpected(i)
                label, j = self._label(i + 1)
                if label is not None and label != c[0]:
                    raise self.error(f"mismatching label {label}", i + 1)
                if t == "else":
                    c[3] = True
                    append((_ELSE,))
                else:
                    ctl.pop()
                    append((_END,))
                i = j
                continue
            tup = noimm.get(t)
            if tup is not None:
                append(tup)
                i += 1
                continue
            op = ops.get(t)
            if op is None or t == "select_t" or t == "then":
                raise self.unexpected(i, "an instruction")
            instr, i = self.plain(op, i + 1, ctl)
            append(instr)

    def _label_index(self, i: int, ctl: List[list]) -> int:
        t = self.toks[i]
        if type(t) is str and t[0] == "$":
            for k in range(len(ctl) - 1, -1, -1):
                if ctl[k][0] == t:
                    return len(ctl) - 1 - k
            raise self.error(f"unknown label {t}", i, ResolveError)
        v = self._u32(i) if type(t) is str else None
        if v is None:
            raise self.unexpected(i, "a label")
        return v

    def _opt_index(self, space: str, i: int) -> Tuple[Optional[int], int]:
        if self._is_index(i):
            return self.index_of(space, i)
        return None, i

    def plain(self, op: I.Op, i: int, ctl: List[list]) -> Tuple[tuple, int]:
        """The immediates of a plain instruction ``op`` starting at ``toks[i]``."""
        imm = op.imm
        toks = self.toks
        if imm == Imm.NONE:
            if op is I.SELECT and toks[i] == "(" and toks[i + 1] == "result":
                types: List[ValType] = []
                while toks[i] == "(" and toks[i + 1] == "result":
                    i += 2
                    while toks[i] != ")":
                        types.append(self.valtype(i))
                        i += 1
                    i += 1
                return (I.SELECT_T, tuple(types)), i
            return (op,), i
        if imm == Imm.LOCAL:
            v, i = self.index_of("local", i)
            return (op, v), i
        if imm == Imm.I32 or imm == Imm.I64:
            bits = 32 if imm == Imm.I32 else 64
            t = toks[i]
            if type(t) is str:
                try:
                    iv = parse_int(t, bits)
                except LiteralError as e:
                    raise self.error(str(e), i) from None
                if iv is not None:
                    if iv >> (bits - 1):
                        iv -= 1 << bits
                    return (op, iv), i + 1
            raise self.unexpected(i, "an integer")
        if imm == Imm.F32 or imm == Imm.F64:
            return (op, self._float(i, 32 if imm == Imm.F32 else 64)), i + 1
        if imm == Imm.GLOBAL:
            v, i = self.index_of("global", i)
            return (op, v), i
        if imm == Imm.LABEL:
            return (op, self._label_index(i, ctl)), i + 1
        if imm == Imm.FUNC:
            v, i = self.index_of("func", i)
            return (op, v), i
        if imm == Imm.MEMARG or imm == Imm.MEMARG_LANE:
            align = op.natural_align
            offset = 0
            mem = 0
            # multi-memory's optional memory index; before a lane index only if another index or
            # a memarg keyword follows.
            if self._is_index(i) and (
                imm == Imm.MEMARG
                or self._is_index(i + 1)
                or (type(toks[i + 1]) is str and toks[i + 1].startswith(("offset=", "align=")))
            ):
                mem, i = self.index_of("memory", i)
            t = toks[i]
            if type(t) is str and t.startswith("offset="):
                try:
                    off: Optional[int] = parse_int(t[7:], 32, signed_ok=False)
                except LiteralError:
                    raise self.error("i32 constant out of range", i) from None
                if off is None:
                    raise self.unexpected(i)
                offset = off
                i += 1
                t = toks[i]
            if type(t) is str and t.startswith("align="):
                try:
                    al: Optional[int] = parse_int(t[6:], 32, signed_ok=False)
                except LiteralError:
                    al = 3  # not a power of two: reported below
                if al is None:
                    raise self.unexpected(i)
                if al == 0 or al & (al - 1):
                    raise self.error("alignment must be a power of two", i)
                align = al.bit_length() - 1
                i += 1
            if imm == Imm.MEMARG:
                return (op, align, offset, mem), i
            return (op, align, offset, mem, self._lane(i)), i + 1
        if imm == Imm.BLOCK:  # only reached for names routed here by mistake
            raise self.unexpected(i - 1)
        if imm == Imm.BR_TABLE:
            labels = []
            while self._is_index(i):
                labels.append(self._label_index(i, ctl))
                i += 1
            if not labels:
                raise self.unexpected(i, "a label")
            return (op, tuple(labels[:-1]), labels[-1]), i
        if imm == Imm.CALL_INDIRECT:
            table, i = self._opt_index("table", i)
            x, inline, _, i = self.typeuse(i, False)
            return (op, self.type_index(x, inline), table or 0), i
        if imm == Imm.TABLE:
            tv, i = self._opt_index("table", i)
            return (op, tv or 0), i
        if imm == Imm.MEM:
            mv, i = self._opt_index("memory", i)
            return (op, mv or 0), i
        if imm == Imm.ELEM:
            v, i = self.index_of("elem", i)
            return (op, v), i
        if imm == Imm.DATA:
            self.uses_data = True
            v, i = self.index_of("data", i)
            return (op, v), i
        if imm == Imm.V128:
            return self._v128(op, i)
        if imm == Imm.HEAPTYPE:
            t = toks[i]
            ht = _HEAPTYPES.get(t) if type(t) is str else None
            if ht is None:
                raise self.unexpected(i, "func or extern")
            return (op, ht), i + 1
        if imm == Imm.TABLE_INIT:
            a, i = self.index_of("elem", i) if not self._is_index(i + 1) else self.index_of("table", i)
            if self._is_index(i):
                b, i = self.index_of("elem", i)
                return (op, b, a), i
            return (op, a, 0), i
        if imm == Imm.TABLE_COPY:
            if self._is_index(i):
                a, i = self.index_of("table", i)
                b, i = self.index_of("table", i)
                return (op, a, b), i
            return (op, 0, 0), i
        if imm == Imm.MEMORY_INIT:
            self.uses_data = True
            if self._is_index(i + 1):
                mem, i = self.index_of("memory", i)
            else:
                mem = 0
            v, i = self.index_of("data", i)
            return (op, v, mem), i
        if imm == Imm.MEMORY_COPY:
            if self._is_index(i):
                a, i = self.index_of("memory", i)
                b, i = self.index_of("memory", i)
                return (op, a, b), i
            return (op, 0, 0), i
        if imm == Imm.LANE:
            return (op, self._lane(i)), i + 1
        if imm == Imm.SHUFFLE:
            # Lanes run up to a parenthesis or a keyword (the next flat instruction).
            j = i
            while type(toks[j]) is str and toks[j] not in ("(", ")") and toks[j] not in _KEYWORDS:
                j += 1
            if j - i != 16:
                raise self.error("invalid lane length", j if j - i < 16 else i + 16)
            return (op, tuple(self._lane(k, True) for k in range(i, j))), j
        raise self.unexpected(i - 1)  # an immediate kind this parser does not know

    def _lane(self, i: int, shuffle: bool = False) -> int:
        """A lane index: a u8 literal. Out of range is a "malformed lane index"; other numbers are an
        "unexpected token" except in a shuffle, whose lanes are all "malformed" (as in the spec tests)."""
        t = self.toks[i]
        if type(t) is str and t not in ("(", ")"):
            try:
                v = parse_int(t, 8, signed_ok=False)
            except LiteralError:
                raise self.error(f"malformed lane index {t}", i) from None
            if v is not None:
                return v
            if shuffle and is_number(t):
                raise self.error(f"malformed lane index {t}", i)
        raise self.unexpected(i, "a lane index")

    def _float(self, i: int, bits: int) -> int:
        t = self.toks[i]
        if type(t) is str:
            try:
                v = parse_float(t, bits)
            except LiteralError as e:
                raise self.error(str(e), i) from None
            if v is not None:
                return v
        raise self.unexpected(i, "a float")

    def _v128(self, op: I.Op, i: int) -> Tuple[tuple, int]:
        toks = self.toks
        shape = toks[i]
        sh = _SHAPES.get(shape) if type(shape) is str else None
        if sh is None:
            raise self.unexpected(i, "a vector shape")
        n, w = sh
        i += 1
        j = i
        while j < i + n and type(toks[j]) is str and toks[j] not in ("(", ")"):
            j += 1
        t = toks[j]
        if j - i != n or (type(t) is str and t not in ("(", ")") and is_number(t)):
            raise self.error("wrong number of lane literals", j)
        value = 0
        mask = (1 << w) - 1
        isf = shape[0] == "f"
        for k in range(n):
            if isf:
                lane = self._float(i + k, w)
            else:
                tk = toks[i + k]
                try:
                    ilane = parse_int(tk, w) if type(tk) is str else None
                except LiteralError:
                    raise self.error("constant out of range", i + k) from None
                if ilane is None:
                    raise self.unexpected(i + k, "an integer")
                lane = ilane
            value |= (lane & mask) << (k * w)
        return (op, value), j


def tokens(text: str) -> Tuple[list, List[int], Dict[int, int]]:
    """Tokenize ``text`` and append the end sentinels the parser relies on."""
    real, offs, close = tokenize(text)
    toks: list = real
    end = len(text)
    toks.extend([EOF] * _SENTINELS)
    offs.extend([end] * _SENTINELS)
    return toks, offs, close


def parse_to_binary(text: str) -> bytes:
    """Text -> Wasm bytes, also accepting ``(module $id? binary "..."*)`` (returned as written) and
    ``(module $id? quote "..."*)`` (the quoted text parsed), as the ``wat`` crate does.

    Raises :class:`wasmi.WatError` subclasses.
    """
    from .._binary.encode import encode_module

    toks, offs, close = tokens(text)
    n = len(toks) - _SENTINELS
    p = ModuleParser(text, toks, offs, close)
    if n > 2 and toks[0] == "(" and toks[1] == "module":
        j = 2
        t = toks[j]
        if type(t) is str and t[0] == "$":
            j += 1
        kind = toks[j]
        if kind == "binary" or kind == "quote":
            end = close.get(0)
            if end is None:
                raise p.error("unexpected end of input: unclosed '('", 0)
            if end + 1 != n:
                raise p.unexpected(end + 1)
            data = b"".join(p.string(k) for k in range(j + 1, end))
            if kind == "binary":
                return data
            return encode_module(parse_module(decode_utf8(data, text, offs[j])))
    return encode_module(_parse_tokens(p, n))


def parse_module(text: str) -> ast.Module:
    """Parse a WAT module: either ``(module ...)`` or a bare sequence of module fields.

    Raises :class:`wasmi.LexError`, :class:`wasmi.ParseError`, :class:`wasmi.ResolveError` or
    :class:`wasmi.EncodingError` (all :class:`wasmi.WatError`).
    """
    toks, offs, close = tokens(text)
    return _parse_tokens(ModuleParser(text, toks, offs, close), len(toks) - _SENTINELS)


def _parse_tokens(p: ModuleParser, n: int) -> ast.Module:
    toks = p.toks
    if n == 0:
        # The spec's abbreviation allows zero fields, but an empty file is far more likely a mistake
        # (the Rust `wat` crate rejects it too).
        raise p.error("unexpected end of input: expected at least one module field", 0)
    if n > 1 and toks[0] == "(" and toks[1] == "module":
        m, j = p.module(0)
        if j != n:
            raise p.unexpected(j)
        return m
    return p.fields(0, n)
