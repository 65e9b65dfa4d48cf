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

import re
from typing import Dict, List, Tuple, Union

from ..errors import EncodingError, LexError, WatError

__all__ = ["Reserved", "tokenize", "position", "error_at"]


class Reserved(str):
    """A token the spec lexes as ``reserved``: it can never be part of a valid phrase."""

    __slots__ = ()


_IDCHAR = r"[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]"
_STRING = r'"(?:[^"\\]|\\.)*"'
# One compiled alternation, tried by finditer; nested block comments and unknown characters leave
# the fast loop (see tokenize).
_TOKEN = re.compile(
    r"(?P<ws>[ \t\n\r]+)"
    r"|(?P<lc>;;[^\n]*)"
    r"|(?P<bc>\(;)"
    r"|(?P<ann>\(@)"
    r"|(?P<lp>\()"
    r"|(?P<rp>\))"
    rf"|(?P<str>{_STRING})(?!{_IDCHAR}|\")"
    rf"|(?P<atom>{_IDCHAR}+)(?!\")"
    rf"|(?P<res>(?:{_IDCHAR}+|{_STRING})+)"
)
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


def _decode_string(body: str, text: str, offset: int) -> bytes:
    """Decode the inside of a string literal to bytes. Raises LexError on a bad escape or character."""
    bad = _BAD_STRCHAR.search(body)
    if bad is not None:
        raise error_at(LexError, "malformed string: control character in string", text, offset + 1 + bad.start())
    if "\\" not in body:
        return body.encode("utf-8")
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


def tokenize(text: str) -> Tuple[List[Token], List[int], Dict[int, int]]:
    """Split ``text`` into tokens. Annotations ``(@id ...)`` are dropped.

    Raises :class:`LexError` (unknown character, unterminated string or comment, bad escape).
    """
    toks: List[Token] = []
    offs: List[int] = []
    close: Dict[int, int] = {}
    opened: List[int] = []
    annotations = False
    append_tok = toks.append
    append_off = offs.append
    pos = 0
    n = len(text)
    while pos < n:
        restart = False
        for m in _TOKEN.finditer(text, pos):
            start = m.start()
            if start != pos:  # finditer skipped a character nothing matches
                break
            kind = m.lastgroup
            pos = m.end()
            if kind == "atom":
                append_tok(m.group())
                append_off(start)
            elif kind == "ws" or kind == "lc":
                pass
            elif kind == "lp":
                opened.append(len(toks))
                append_tok("(")
                append_off(start)
            elif kind == "rp":
                if opened:
                    close[opened.pop()] = len(toks)
                append_tok(")")
                append_off(start)
            elif kind == "str":
                append_tok(_decode_string(m.group()[1:-1], text, start))
                append_off(start)
            elif kind == "bc":
                pos = _skip_block_comment(text, start)
                restart = True
                break
            elif kind == "ann":
                annotations = True
                opened.append(len(toks))
                append_tok("(@")
                append_off(start)
            else:
                append_tok(Reserved(m.group()))
                append_off(start)
        else:
            if pos < n:  # finditer ended without reaching the end: nothing matched at pos
                pass
            else:
                break
        if restart:
            continue
        if pos < n:
            ch = text[pos]
            if ch == '"':
                raise error_at(LexError, "unclosed string", text, pos)
            if ch == ";" and text.startswith(";)", pos):
                raise error_at(LexError, "unexpected end of comment", text, pos)
            raise error_at(LexError, f"malformed text: unexpected character {ch!r}", text, pos)
    if annotations:
        return _drop_annotations(toks, offs, close, text)
    return toks, offs, close


def _drop_annotations(
    toks: List[Token], offs: List[int], close: Dict[int, int], text: str
) -> Tuple[List[Token], List[int], Dict[int, int]]:
    """Remove every ``(@id ...)`` group (annotations carry no meaning for a module)."""
    nt: List[Token] = []
    no: List[int] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t == "(@":
            end = close.get(i)
            if end is None:
                raise error_at(LexError, "unclosed annotation", text, offs[i])
            if i + 1 >= end or not isinstance(toks[i + 1], str) or toks[i + 1] in ("(", ")", "(@"):
                raise error_at(LexError, "malformed annotation id", text, offs[i])
            i = end + 1
            continue
        nt.append(t)
        no.append(offs[i])
        i += 1
    # Recompute matching parentheses for the filtered list.
    nclose: Dict[int, int] = {}
    opened: List[int] = []
    for j, t in enumerate(nt):
        if t == "(":
            opened.append(j)
        elif t == ")" and opened:
            nclose[opened.pop()] = j
    return nt, no, nclose


def decode_utf8(data: bytes, text: str, offset: int) -> str:
    """A name from a string literal. Raises EncodingError ("malformed UTF-8 encoding")."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error_at(EncodingError, "malformed UTF-8 encoding", text, offset) from None
