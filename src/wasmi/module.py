"""``Module``: decoded, validated Wasm code ready to be instantiated."""

from __future__ import annotations

from typing import Any, List, Tuple, Union

from ._exec.compiled import CompiledModule
from ._syntax.ast import Module as _AstModule
from .engine import Engine

__all__ = ["Module"]

_MAGIC = b"\0asm"


def _to_ast(data: Union[bytes, bytearray, memoryview, str]) -> _AstModule:
    from ._binary.decode import decode_module
    from ._valid import validate_module
    from .wat import parse_bytes, parse_str

    if isinstance(data, str):
        data = parse_str(data)
    else:
        data = parse_bytes(data)
    module = decode_module(data)
    validate_module(module)
    return module


class Module:
    """``Module(engine, wasm_bytes_or_wat_text)``.

    Raises DecodeError (malformed binary), WatError (malformed text), ValidationError (invalid).
    """

    def __init__(self, engine: Engine, data: Union[bytes, bytearray, memoryview, str]) -> None:
        self.engine = engine
        self._ast = _to_ast(data)
        self._compiled = _compile(engine, self._ast)

    @classmethod
    def _from_ast(cls, engine: Engine, module: _AstModule) -> Module:
        self = cls.__new__(cls)
        self.engine = engine
        self._ast = module
        self._compiled = _compile(engine, module)
        return self

    @staticmethod
    def validate(engine: Engine, data: Union[bytes, bytearray, memoryview, str]) -> None:
        """Check that ``data`` is a valid module; raises like the constructor."""
        _to_ast(data)

    def imports(self) -> List[Tuple[str, str, Any]]:
        """(module, name, kind) of every import, in order."""
        return [(i.module, i.name, i.kind) for i in self._ast.imports]

    def exports(self) -> List[Tuple[str, Any]]:
        """(name, kind) of every export, in order."""
        return [(e.name, e.kind) for e in self._ast.exports]


def _compile(engine: Engine, module: _AstModule) -> CompiledModule:
    cfg = engine.config
    return CompiledModule(module, cfg.consume_fuel, cfg.compilation_mode == "eager", cfg.max_memory_pages)
