"""wasmi-py: a pure-Python, embeddable WebAssembly runtime with the API of the Rust interpreter wasmi.

See docs/embedding.md for a walk through the API.
"""

from __future__ import annotations

from . import wat
from ._syntax.types import ExternKind
from .config import CompilationMode, Config, EnforcedLimits, EnforcedLimitsError, FuelCosts
from .engine import Engine
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
from .extern import Extern, ExternType, Global, Memory, Table
from .func import Caller, Func, TypedFunc
from .instance import Export, Instance
from .linker import InstancePre, Linker
from .module import ExportType, ImportType, Module
from .store import Store
from .values import (
    F32,
    F64,
    I32,
    I64,
    V128,
    ExternRef,
    FuncRef,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    Mutability,
    TableType,
    Val,
    ValType,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "wat",
    "Config",
    "CompilationMode",
    "EnforcedLimits",
    "FuelCosts",
    "Engine",
    "Store",
    "Module",
    "ImportType",
    "ExportType",
    "Linker",
    "InstancePre",
    "Instance",
    "Export",
    "Extern",
    "ExternType",
    "ExternKind",
    "Func",
    "TypedFunc",
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
    "Mutability",
    "Val",
    "I32",
    "I64",
    "F32",
    "F64",
    "V128",
    "FuncRef",
    "ExternRef",
    "WasmiError",
    "MalformedError",
    "DecodeError",
    "WatError",
    "LexError",
    "ParseError",
    "ResolveError",
    "EncodingError",
    "ValidationError",
    "EnforcedLimitsError",
    "LinkError",
    "InstantiationError",
    "Trap",
    "TrapCode",
    "HostError",
    "I32Exit",
    "InternalError",
]
