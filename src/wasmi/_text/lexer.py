"""The WAT/WAST lexer: text -> a flat token list (spec section "Lexical Format").

Tokens are stored in two parallel lists so the parser touches as few objects as possible:

* ``toks[i]`` is ``"("`` or ``")"`` (a ``str``), an atom (keyword, number or ``$id``, a ``str``), a
  string literal (its decoded ``bytes``), or a :class:`Reserved` token (``str`` subclass: idchars glued
  to a string, which the spec lexes as one "reserved" token that no grammar rule accepts);
* ``offs[i]`` is the character offset where the token starts.

``close[i]`` (a dict) maps the index of every ``(`` to the index of its matching ``)``; unbalanced
parentheses are left for the parser to report.
"""

from __future__ import annotations

import codecs
import re
from typing import Dict, List, Tuple, Union

from ..errors import EncodingError, LexError, WatError

__all__ = ["Reserved", "tokenize", "position", "error_at", "decode_utf8"]


class Reserved(str):
    """A token the spec lexes as ``reserved``: it can never be part of a valid phrase."""

    __slots__ = ()


_IDCHAR = r"[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]"
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
# One compiled alternation, tried by finditer; nested block comments and unknown characters leave
# the fast loop (see tokenize).
_TOKEN = re.compile(
    r"(?P<ws>[ \t\n\r]+)"
    r"|(?P<lc>;;[^\n\r]*)"
    r"|(?P<bc>\(;)"
    r"|(?P<ann>\(@)"
    r"|(?P<lp>\()"
    r"|(?P<rp>\))"
    rf"|(?P<str>{_STRING})(?!{_IDCHAR}|\")"
    rf"|(?P<atom>{_IDCHAR}+)(?!\")"
    rf"|(?P<res>(?:{_IDCHAR}+|{_STRING})+)"
)
_SPACE = re.compile(r"(?:[ \t\n\r]+|;;[^\n\r]*)*")
# The main loop's pattern: optional white space and line comments, then one token, so each loop
# iteration yields a token. Group numbers: 1 atom, 2 "(;", 3 "(@", 4 "(", 5 ")", 6 string, 7 reserved.
_FAST = re.compile(
    r"(?:[ \t\n\r]+|;;[^\n\r]*)*"
    rf"(?:({_IDCHAR}+)(?!\")"
    r"|(\(;)|(\(@)|(\()|(\))"
    rf"|({_STRING})(?!{_IDCHAR}|\")"
    rf"|((?:{_IDCHAR}+|{_STRING})+)"
    r"|\Z)"
)
_QUOTED_ID = re.compile(rf"\$({_STRING})\Z")
_COMMENT_MARK = re.compile(r"\(;|;\)")
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{2})|u\{([0-9a-fA-F](?:_?[0-9a-fA-F])*)\}|(.))", re.S)
_BAD_STRCHAR = re.compile(r"[\x00-\x1f\x7f]")
_SIMPLE_ESC = {"t": b"\t", "n": b"\n", "r": b"\r", '"': b'"', "'": b"'", "\\": b"\\"}

Token = Union[str, bytes]


def position(text: str, offset: int) -> Tuple[int, int, str]:
    """(line, column, source line) of a character offset; line and column are 1-based."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    if end < 0:
        end = len(text)
    return line, offset - start + 1, text[start:end]


def error_at(cls: type, message: str, text: str, offset: int) -> WatError:
    line, col, src = position(text, offset)
    return cls(message, line, col, src)


_FAST_ESCAPES = re.compile(r'[^\\]*(?:\\(?:[0-9a-fA-F]{2}|[tnr"\'\\])[^\\]*)*\Z')
_NON_HEX_ESCAPE = re.compile(r'\\[tnr"\']')
_HEX_ESCAPE = re.compile(r"\\([0-9a-fA-F]{2})")


def _decode_string(body: str, text: str, offset: int) -> bytes:
    """Decode the inside of a string literal to bytes. Raises LexError on a bad escape or character."""
    bad = _BAD_STRCHAR.search(body)
    if bad is not None:
        raise error_at(LexError, "malformed string: control character in string", text, offset + 1 + bad.start())
    if "\\" not in body:
        return body.encode("utf-8")
    if _FAST_ESCAPES.match(body):
        # Only \hh and the one-letter escapes Python shares: let the C codec do the work (data
        # segments of big modules are mostly escapes). Split at the \\\\ escapes first, so that
        # every remaining backslash starts an escape.
        parts = body.split("\\\\")
        if _NON_HEX_ESCAPE.search(body) is None:
            parts = [part.replace("\\", "\\x") for part in parts]
        else:
            parts = [_HEX_ESCAPE.sub(r"\\x\1", part) for part in parts]
        body = "\\x5c".join(parts)
        return codecs.escape_decode(body.encode("utf-8"))[0]  # type: ignore[attr-defined]
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(body):
        out += body[pos:m.start()].encode("utf-8")
        pos = m.end()
        hh, uni, simple = m.groups()
        if hh is not None:
            out.append(int(hh, 16))
        elif uni is not None:
            cp = int(uni.replace("_", ""), 16) if len(uni) < 12 else 0x110000
            if cp >= 0x110000 or 0xD800 <= cp < 0xE000:
                raise error_at(LexError, "malformed string: invalid code point in \\u{...}", text, offset + 1 + m.start())
            out += chr(cp).encode("utf-8")
        else:
            esc = _SIMPLE_ESC.get(simple)
            if esc is None:
                raise error_at(LexError, "malformed string: unknown escape", text, offset + 1 + m.start())
            out += esc
    out += body[pos:].encode("utf-8")
    return bytes(out)


def _skip_block_comment(text: str, start: int) -> int:
    """Offset just past the (possibly nested) block comment opening at ``start``. Raises LexError."""
    depth = 0
    for m in _COMMENT_MARK.finditer(text, start):
        if m.group() == "(;":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    raise error_at(LexError, "unclosed comment", text, start)


def _skip_annotation(text: str, start: int) -> int:
    """Offset just past the annotation ``(@id ...)`` opening at ``start``; its tokens must still lex.
    Raises LexError."""
    m = _TOKEN.match(text, start + 2)
    if m is None or m.lastgroup not in ("atom", "str"):
        raise error_at(LexError, "malformed annotation id", text, start)
    depth = 1
    pos = start + 2
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        kind = m.lastgroup
        pos = m.end()
        if kind == "lp" or kind == "ann":
            depth += 1
        elif kind == "rp":
            depth -= 1
            if depth == 0:
                return pos
        elif kind == "bc":
            pos = _skip_block_comment(text, m.start())
        elif kind == "str":
            _decode_string(m.group()[1:-1], text, m.start())
    raise error_at(LexError, "unclosed annotation", text, start)


def _quoted_id(tok: str, text: str, offset: int) -> str:
    """``$"name"`` is the identifier ``$name`` (names that are not idchars)."""
    raw = _decode_string(tok[2:-1], text, offset + 1)
    if not raw:
        raise error_at(LexError, "empty identifier", text, offset)
    return "$" + decode_utf8(raw, text, offset)


def tokenize(text: str) -> Tuple[List[Token], List[int], Dict[int, int]]:
    """Split ``text`` into tokens. Comments and annotations ``(@id ...)`` are dropped.

    Raises :class:`LexError` (unknown character, unterminated string or comment, bad escape) or
    :class:`EncodingError` (a quoted identifier that is not UTF-8).
    """
    toks: List[Token] = []
    offs: List[int] = []
    close: Dict[int, int] = {}
    opened: List[int] = []
    append_tok = toks.append
    append_off = offs.append
    pos = 0
    n = len(text)
    finditer = _FAST.finditer
    while pos < n:
        for m in finditer(text, pos):
            if m.start() != pos:  # nothing matched at pos: finditer searched ahead
                break
            g = m.lastindex
            pos = m.end()
            # Every token ends where the match ends, so its start is pos - len(token).
            if g == 1:
                tok = m.group(1)
                append_tok(tok)
                append_off(pos - len(tok))
            elif g == 4:
                opened.append(len(toks))
                append_tok("(")
                append_off(pos - 1)
            elif g == 5:
                if opened:
                    close[opened.pop()] = len(toks)
                append_tok(")")
                append_off(pos - 1)
            elif g == 6:
                start = m.start(6)
                append_tok(_decode_string(m.group(6)[1:-1], text, start))
                append_off(start)
            elif g == 2:
                pos = _skip_block_comment(text, m.start(2))
                break
            elif g == 3:
                pos = _skip_annotation(text, m.start(3))
                break
            elif g == 7:
                start = m.start(7)
                tok = m.group(7)
                if _QUOTED_ID.match(tok):
                    append_tok(_quoted_id(tok, text, start))
                else:
                    append_tok(Reserved(tok))
                append_off(start)
            else:  # only whitespace and comments up to the end
                pos = n
                break
        if pos >= n:
            break
        if _FAST.match(text, pos) is None:
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                break
            ch = text[pos]
            if ch == '"':
                raise error_at(LexError, "unclosed string", text, pos)
            if ch == ";" and text.startswith(";)", pos):
                raise error_at(LexError, "unexpected end of comment", text, pos)
            raise error_at(LexError, f"malformed text: unexpected character {ch!r}", text, pos)
    return toks, offs, close


def decode_utf8(data: bytes, text: str, offset: int) -> str:
    """A name from a string literal. Raises EncodingError ("malformed UTF-8 encoding")."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error_at(EncodingError, "malformed UTF-8 encoding", text, offset) from None
