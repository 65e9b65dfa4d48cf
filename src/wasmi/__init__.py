"""wasmi-py: a pure-Python, embeddable WebAssembly runtime with the API of the Rust interpreter wasmi."""

from __future__ import annotations

from . import wat
from .engine import Config, Engine
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
from .extern import Global, Memory, Table
from .func import Caller, Func
from .instance import Instance
from .linker import InstancePre, Linker
from .module import Module
from .store import Store
from .values import FuncType, GlobalType, Limits, MemoryType, TableType, ValType

__version__ = "0.1.0.dev0"

__all__ = [
    "wat",
    "Config",
    "Engine",
    "Store",
    "Module",
    "Linker",
    "InstancePre",
    "Instance",
    "Func",
    "Caller",
    "Memory",
    "Table",
    "Global",
    "FuncType",
    "ValType",
    "GlobalType",
    "MemoryType",
    "TableType",
    "Limits",
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
