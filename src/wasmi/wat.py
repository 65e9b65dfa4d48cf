"""The text format: ``parse_str``/``parse_bytes``/``parse_file`` turn WAT into Wasm bytes.

Like Rust's ``wat`` crate, input that is already binary (starts with ``\\0asm``) is returned unchanged.
Errors are :class:`wasmi.WatError` subclasses with line, column and a caret under the spot.
"""

from __future__ import annotations

import os
from typing import Union

from .errors import EncodingError

__all__ = ["parse_str", "parse_bytes", "parse_file"]

_MAGIC = b"\0asm"


def parse_str(text: str) -> bytes:
    """Parse a WAT module (text) and return its binary encoding. ``(module binary "...")`` and
    ``(module quote "...")`` are accepted too, as in the Rust ``wat`` crate.

    Raises :class:`wasmi.WatError` (lexing, parsing, name resolution).
    """
    from ._text.parser import parse_to_binary

    return parse_to_binary(text)


def parse_bytes(data: Union[bytes, bytearray, memoryview]) -> bytes:
    """Return ``data`` unchanged if it is a binary module, else parse it as UTF-8 WAT text.

    Raises :class:`wasmi.EncodingError` if the text is not valid UTF-8, else as :func:`parse_str`.
    """
    data = bytes(data)
    if data.startswith(_MAGIC):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        src = data.split(b"\n")[line - 1].decode("utf-8", "replace")
        raise EncodingError("malformed UTF-8 encoding", line, col, src) from None
    return parse_str(text)


def parse_file(path: Union[str, os.PathLike[str]]) -> bytes:
    """Read ``path`` and return Wasm bytes (binary files pass through unchanged)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return parse_bytes(data)
    except EncodingError as e:
        e.filename = os.fspath(path)
        raise
