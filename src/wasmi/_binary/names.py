"""Decoding of the ``name`` custom section (module, function and local names).

The name section is debug information: a malformed one must never make a module unusable, so
:func:`decode_names` never raises. It keeps whatever subsections decoded cleanly before the first
problem.
"""

from __future__ import annotations

import struct
from typing import Dict, Optional, Tuple

from .._syntax.ast import Names
from ..errors import DecodeError
from .reader import read_len, read_name, read_u32


def _name_map(data: bytes, pos: int, end: int) -> Tuple[Dict[int, str], int]:
    n, pos = read_len(data, pos)
    out: Dict[int, str] = {}
    for _ in range(n):
        idx, pos = read_u32(data, pos)
        name, pos = read_name(data, pos)
        if pos > end:
            raise DecodeError("unexpected end", end)
        out[idx] = name
    return out, pos


def decode_names(payload: bytes) -> Optional[Names]:
    """Decode the payload of a ``name`` section (after its name). Never raises; returns None when not
    even the first subsection decodes."""
    names = Names()
    found = False
    pos = 0
    data = payload
    try:
        while pos < len(data):
            sid = data[pos]
            size, pos = read_len(data, pos + 1)
            end = pos + size
            if sid == 0:
                names.module, p = read_name(data, pos)
                found = True
            elif sid == 1:
                names.funcs, p = _name_map(data, pos, end)
                found = True
            elif sid == 2:
                n, p = read_len(data, pos)
                locs: Dict[int, Dict[int, str]] = {}
                for _ in range(n):
                    fidx, p = read_u32(data, p)
                    locs[fidx], p = _name_map(data, p, end)
                names.locals = locs
                found = True
            pos = end
    except (DecodeError, IndexError, struct.error):
        pass
    return names if found else None
