"""The WAST script parser: ``.wast`` text -> a list of commands (spec ``interpreter/README`` scripts).

Text modules are parsed right away (a script that holds an unparsable text module is itself
malformed); ``(module quote ...)`` text is kept unparsed, because assert_malformed expects it to fail.

Values follow the runtime conventions: numbers are raw unsigned bits (i32 -> u32, i64 -> u64, f32/f64
-> IEEE bits, v128 -> u128 with lane 0 in the low bits); ``ref.null`` is None; ``(ref.extern N)`` is N.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from .._syntax import ast
from .._syntax.types import ValType
from .._text.literals import LiteralError, parse_int
from .._text.parser import _SENTINELS, ModuleParser, tokens
from ..errors import WatError

__all__ = [
    "parse_script", "Command", "ScriptModule", "Register", "Invoke", "Get", "ActionCommand",
    "AssertReturn", "AssertTrap", "AssertExhaustion", "AssertMalformed", "AssertInvalid",
    "AssertUnlinkable", "AssertUninstantiable", "AssertException", "Const", "NanPattern",
    "V128Pattern", "RefPattern", "Either",
]


class _Rec:
    __slots__: Tuple[str, ...] = ()

    def __init__(self, *args: Any) -> None:
        for k, v in zip(self.__slots__, args):
            setattr(self, k, v)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in self.__slots__)})"

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


class Command(_Rec):
    """Base class of script commands; every command has ``line`` (1-based)."""

    __slots__ = ("line",)


class ScriptModule(Command):
    """A module in a script. ``kind`` is "text" (``module`` holds the parsed tree and ``source`` its
    text), "binary" (``data`` holds the bytes) or "quote" (``data`` holds the concatenated raw bytes
    of the strings, ``source`` their UTF-8 text or None when they are not valid UTF-8; not parsed).
    ``name`` is the ``$id`` or None. ``definition`` is True for 3.0 ``(module definition ...)``."""

    __slots__ = ("line", "name", "kind", "module", "data", "source", "definition")
    line: int
    name: Optional[str]
    kind: str
    module: Optional[ast.Module]
    data: Optional[bytes]
    source: Optional[str]
    definition: bool

    def __init__(
        self,
        line: int,
        name: Optional[str],
        kind: str,
        module: Optional[ast.Module] = None,
        data: Optional[bytes] = None,
        source: Optional[str] = None,
        definition: bool = False,
    ) -> None:
        super().__init__(line, name, kind, module, data, source, definition)

    def binary(self) -> bytes:
        """The module's binary encoding. Raises WatError for quote modules that do not parse."""
        from .._binary.encode import encode_module

        if self.kind == "binary":
            return self.data  # type: ignore[return-value]
        if self.kind == "text":
            return encode_module(self.module)  # type: ignore[arg-type]
        return encode_module(self.parse())

    def parse(self) -> ast.Module:
        """The syntax tree of a text or quote module. Raises WatError; for binary modules use
        the decoder."""
        if self.kind == "text":
            return self.module  # type: ignore[return-value]
        if self.kind != "quote":
            raise TypeError(f"parse() needs a text or quote module, not {self.kind}")
        from .._text.lexer import decode_utf8
        from .._text.parser import parse_module

        data = self.data or b""
        text = decode_utf8(data, data.decode("utf-8", "replace"), 0)
        return parse_module(text)


class ModuleInstance(Command):
    """3.0 ``(module instance $i $def)``."""

    __slots__ = ("line", "name", "definition_name")


class Register(Command):
    __slots__ = ("line", "as_name", "module_name")


class Invoke(Command):
    __slots__ = ("line", "module_name", "field", "args")


class Get(Command):
    __slots__ = ("line", "module_name", "field")


class ActionCommand(Command):
    __slots__ = ("line", "action")


class AssertReturn(Command):
    __slots__ = ("line", "action", "expected")


class AssertTrap(Command):
    """``action_or_module`` is an Invoke/Get or a ScriptModule (a trap during instantiation)."""

    __slots__ = ("line", "action_or_module", "message")


class AssertExhaustion(Command):
    __slots__ = ("line", "action", "message")


class AssertMalformed(Command):
    __slots__ = ("line", "module", "message")


class AssertInvalid(Command):
    __slots__ = ("line", "module", "message")


class AssertUnlinkable(Command):
    __slots__ = ("line", "module", "message")


class AssertUninstantiable(Command):
    __slots__ = ("line", "module", "message")


class AssertException(Command):
    """3.0: the action throws a Wasm exception."""

    __slots__ = ("line", "action")


class Const(_Rec):
    """A value: ``type`` is a ValType; ``value`` raw unsigned bits, or for references None (null) or
    the host reference number."""

    __slots__ = ("type", "value")


class NanPattern(_Rec):
    """``nan:canonical`` / ``nan:arithmetic`` of type F32 or F64; ``kind`` is "canonical" or
    "arithmetic"."""

    __slots__ = ("type", "kind")


class V128Pattern(_Rec):
    """A v128 result with NaN patterns: ``shape`` "f32x4"/"f64x2", ``lanes`` ints (bits) or NanPatterns."""

    __slots__ = ("shape", "lanes")


class RefPattern(_Rec):
    """``(ref.func)`` / ``(ref.extern)``: any non-null reference of ``type``."""

    __slots__ = ("type",)


class Either(_Rec):
    """3.0: any one of ``alternatives`` (each a list of expected results)."""

    __slots__ = ("alternatives",)


_NUM_TYPES = {"i32.const": ValType.I32, "i64.const": ValType.I64, "f32.const": ValType.F32, "f64.const": ValType.F64}
_REF = {"func": ValType.FUNCREF, "extern": ValType.EXTERNREF}
_MODULE_FIELDS = {"type", "import", "func", "table", "memory", "global", "export", "start", "elem", "data"}


class _ScriptParser(ModuleParser):
    def _line_at(self, i: int, last: List[int]) -> int:
        # Lines are counted incrementally: commands come in order.
        off = self.offs[i]
        start, line = last
        line += self.text.count("\n", start, off)
        last[0], last[1] = off, line
        return line

    def script(self) -> List[Command]:
        toks = self.toks
        n = len(toks) - _SENTINELS
        if n >= 2 and toks[0] == "(" and toks[1] in _MODULE_FIELDS:
            # A script that is just module fields is one inline module.
            return [ScriptModule(1, None, "text", self.fields(0, n), None, self.text)]
        out: List[Command] = []
        i = 0
        self._last = [0, 1]
        while i < n:
            if toks[i] != "(":
                raise self.unexpected(i, "a command")
            line = self._line_at(i + 1, self._last)
            cmd, i = self.command(i, line)
            out.append(cmd)
        return out

    def _end(self, i: int) -> int:
        end = self.close.get(i)
        if end is None:
            raise self.error("unexpected end of input: unclosed '('", i)
        return end

    def _opt_name(self, i: int) -> Tuple[Optional[str], int]:
        t = self.toks[i]
        if type(t) is str and t[0] == "$":
            return t, i + 1
        return None, i

    def script_module(self, i: int, line: int) -> Tuple[ScriptModule, int]:
        """A module; its ``line`` is where its own ``(module`` is (inside assertions too)."""
        toks = self.toks
        line = self._line_at(i + 1, self._last)
        if toks[i] != "(" or toks[i + 1] != "module":
            raise self.unexpected(i + 1 if toks[i] == "(" else i, "(module")
        end = self._end(i)
        j = i + 2
        definition = False
        if toks[j] == "definition":
            definition = True
            j += 1
        elif toks[j] == "instance":
            raise self.error("module instance is not supported here", j)
        name, j = self._opt_name(j)
        kw = toks[j]
        if kw == "binary" or kw == "quote":
            chunks = []
            k = j + 1
            while k < end:
                chunks.append(self.string(k))
                k += 1
            data = b"".join(chunks)
            if kw == "binary":
                return ScriptModule(line, name, "binary", None, data, None, definition), end + 1
            try:
                src: Optional[str] = data.decode("utf-8")
            except UnicodeDecodeError:
                src = None
            return ScriptModule(line, name, "quote", None, data, src, definition), end + 1
        m = self.fields(j, end)
        m.id = name
        if name is not None:
            if m.names is None:
                m.names = ast.Names()
            m.names.module = name[1:]
        source = self.text[self.offs[i]:self.offs[end] + 1]
        return ScriptModule(line, name, "text", m, None, source, definition), end + 1

    def action(self, i: int, line: int) -> Tuple[Command, int]:
        toks = self.toks
        if toks[i] != "(":
            raise self.unexpected(i, "an action")
        kw = toks[i + 1]
        end = self._end(i)
        name, j = self._opt_name(i + 2)
        if kw == "invoke":
            field = self.name(j)
            j += 1
            args = []
            while j < end:
                v, j = self.const(j, False)
                args.append(v)
            return Invoke(line, name, field, args), end + 1
        if kw == "get":
            field = self.name(j)
            self.expect_rp(j + 1)
            return Get(line, name, field), end + 1
        raise self.unexpected(i + 1, "invoke or get")

    def const(self, i: int, expected: bool) -> Tuple[Any, int]:
        """A ``(t.const v)`` value (or, when ``expected``, a result pattern); returns it and the index
        after it."""
        toks = self.toks
        if toks[i] != "(":
            raise self.unexpected(i, "a constant")
        end = self._end(i)
        kw = toks[i + 1]
        j = i + 2
        if kw in _NUM_TYPES:
            vt = _NUM_TYPES[kw]
            t = toks[j]
            if expected and (t == "nan:canonical" or t == "nan:arithmetic"):
                self.expect_rp(j + 1)
                if vt is ValType.I32 or vt is ValType.I64:
                    raise self.unexpected(j)
                return NanPattern(vt, t[4:]), end + 1
            if vt is ValType.I32 or vt is ValType.I64:
                bits = 32 if vt is ValType.I32 else 64
                try:
                    v = parse_int(t, bits) if type(t) is str else None
                except LiteralError as e:
                    raise self.error(str(e), j) from None
                if v is None:
                    raise self.unexpected(j, "an integer")
            else:
                v = self._float(j, 32 if vt is ValType.F32 else 64)
            self.expect_rp(j + 1)
            return Const(vt, v), end + 1
        if kw == "v128.const":
            shape = toks[j]
            if expected and shape in ("f32x4", "f64x2") and any(
                toks[k] in ("nan:canonical", "nan:arithmetic") for k in range(j + 1, end)
            ):
                w = 32 if shape == "f32x4" else 64
                ft = ValType.F32 if w == 32 else ValType.F64
                lanes: List[Any] = []
                for k in range(j + 1, end):
                    t = toks[k]
                    if t == "nan:canonical" or t == "nan:arithmetic":
                        lanes.append(NanPattern(ft, t[4:]))
                    else:
                        lanes.append(self._float(k, w))
                if len(lanes) != 128 // w:
                    raise self.error("wrong number of lane literals", end)
                return V128Pattern(shape, lanes), end + 1
            from .._syntax.instructions import V128_CONST

            (_, v), k = self._v128(V128_CONST, j)
            self.expect_rp(k)
            return Const(ValType.V128, v), end + 1
        if kw == "ref.null":
            rt = _REF.get(toks[j]) if type(toks[j]) is str else None
            if rt is None:
                raise self.unexpected(j, "func or extern")
            self.expect_rp(j + 1)
            return Const(rt, None), end + 1
        if kw == "ref.extern" or kw == "ref.func":
            rt = ValType.EXTERNREF if kw == "ref.extern" else ValType.FUNCREF
            if toks[j] == ")":
                if not expected:
                    raise self.unexpected(j, "a reference number")
                return RefPattern(rt), end + 1
            v = self._u32(j)
            if v is None:
                raise self.unexpected(j, "a reference number")
            self.expect_rp(j + 1)
            return Const(rt, v), end + 1
        if kw == "either" and expected:
            alts = []
            while j < end:
                r, j = self.const(j, True)
                alts.append([r])
            return Either(alts), end + 1
        raise self.unexpected(i + 1, "a constant")

    def _message(self, i: int) -> str:
        t = self.toks[i]
        if not isinstance(t, bytes):
            raise self.unexpected(i, "a failure message")
        return t.decode("utf-8", "replace")

    def command(self, i: int, line: int) -> Tuple[Command, int]:
        toks = self.toks
        kw = toks[i + 1]
        end = self._end(i)
        if kw == "module":
            if toks[i + 2] == "instance":
                j = i + 3
                name, j = self._opt_name(j)
                dname, j = self._opt_name(j)
                self.expect_rp(j)
                return ModuleInstance(line, name, dname), end + 1
            return self.script_module(i, line)
        if kw == "register":
            as_name = self.name(i + 2)
            name, j = self._opt_name(i + 3)
            self.expect_rp(j)
            return Register(line, as_name, name), end + 1
        if kw == "invoke" or kw == "get":
            act, j = self.action(i, line)
            return ActionCommand(line, act), j
        if kw == "assert_return":
            act, j = self.action(i + 2, line)
            exp = []
            while j < end:
                r, j = self.const(j, True)
                exp.append(r)
            return AssertReturn(line, act, exp), end + 1
        if kw == "assert_trap":
            what: Command
            if toks[i + 2] == "(" and toks[i + 3] == "module":
                what, j = self.script_module(i + 2, line)
            else:
                what, j = self.action(i + 2, line)
            msg = self._message(j)
            self.expect_rp(j + 1)
            return AssertTrap(line, what, msg), end + 1
        if kw == "assert_exhaustion":
            act, j = self.action(i + 2, line)
            msg = self._message(j)
            self.expect_rp(j + 1)
            return AssertExhaustion(line, act, msg), end + 1
        if kw == "assert_exception":
            act, j = self.action(i + 2, line)
            self.expect_rp(j)
            return AssertException(line, act), end + 1
        cls = {
            "assert_malformed": AssertMalformed,
            "assert_invalid": AssertInvalid,
            "assert_unlinkable": AssertUnlinkable,
            "assert_uninstantiable": AssertUninstantiable,
        }.get(kw) if type(kw) is str else None
        if cls is not None:
            mod, j = self.script_module(i + 2, line)
            msg = self._message(j)
            self.expect_rp(j + 1)
            return cls(line, mod, msg), end + 1
        raise self.unexpected(i + 1, "a command")


def parse_script(text: str, filename: Optional[str] = None) -> List[Command]:
    """Parse a ``.wast`` script into commands.

    Raises :class:`wasmi.WatError` subclasses (with ``filename`` set when given).
    """
    try:
        toks, offs, close = tokens(text)
        return _ScriptParser(text, toks, offs, close).script()
    except WatError as e:
        if filename is not None:
            e.filename = filename
            e.args = (e._render(),)
        raise
