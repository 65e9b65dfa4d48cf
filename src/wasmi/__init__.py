"""wasmi-py: a pure-Python, embeddable WebAssembly runtime with the API of the Rust interpreter wasmi."""

from __future__ import annotations

from . import wat
from .errors import (
    DecodeError,
    EncodingError,
    HostError,
    I32Exit,
    InstantiationError,
    InternalError,
    LexError,
    LinkError,
    MalformedError,
    ParseError,
    ResolveError,
    Trap,
    TrapCode,
    ValidationError,
    WasmiError,
    WatError,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "wat",
    "WasmiError",
    "MalformedError",
    "DecodeError",
    "WatError",
    "LexError",
    "ParseError",
    "ResolveError",
    "EncodingError",
    "ValidationError",
    "LinkError",
    "InstantiationError",
    "Trap",
    "TrapCode",
    "HostError",
    "I32Exit",
    "InternalError",
]
