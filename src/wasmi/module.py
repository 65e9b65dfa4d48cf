"""``Module``: decoded, validated Wasm code ready to be instantiated; ``ImportType``/``ExportType``."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Tuple, Union

from ._exec.compiled import CompiledModule
from ._syntax import ast
from ._syntax.types import ExternKind, ValType
from .config import Config, EnforcedLimits, EnforcedLimitsError
from .engine import Engine
from .errors import ValidationError
from .extern import ExternType

__all__ = ["Module", "ImportType", "ExportType"]

Source = Union[bytes, bytearray, memoryview, str]
_FLOATS = (ValType.F32, ValType.F64)
_UNLIMITED = EnforcedLimits()


class ImportType(NamedTuple):
    """An import of a module: ``module``, ``name`` and its ExternType ``ty``."""

    module: str
    name: str
    ty: ExternType


class ExportType(NamedTuple):
    """An export of a module: ``name`` and its ExternType ``ty``."""

    name: str
    ty: ExternType


def _decode(data: Source, lazy: bool) -> ast.Module:
    from ._binary.decode import decode_module
    from .wat import parse_bytes, parse_str

    if isinstance(data, str):
        return decode_module(parse_str(data), lazy)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"a module is made from bytes or WAT text, not {type(data).__name__}")
    return decode_module(parse_bytes(bytes(data)), lazy)


def _check_limits(m: ast.Module, cfg: Config, lazy: bool) -> None:
    lim = cfg.get_enforced_limits()
    if lim == _UNLIMITED:
        return
    counts = (
        ("max_types", len(m.types), "types"),
        ("max_functions", len(m.funcs) + sum(1 for i in m.imports if i.kind == ExternKind.FUNC), "functions"),
        ("max_globals", len(m.globals) + sum(1 for i in m.imports if i.kind == ExternKind.GLOBAL), "globals"),
        ("max_tables", len(m.tables) + sum(1 for i in m.imports if i.kind == ExternKind.TABLE), "tables"),
        ("max_memories", len(m.memories) + sum(1 for i in m.imports if i.kind == ExternKind.MEMORY),
         "memories"),
        ("max_element_segments", len(m.elems), "element segments"),
        ("max_data_segments", len(m.datas), "data segments"),
    )
    for field, n, what in counts:
        cap = getattr(lim, field)
        if cap is not None and n > cap:
            raise EnforcedLimitsError(f"enforced limit exceeded: {n} {what} (limit {cap})")
    for field, attr in (("max_params", "params"), ("max_results", "results")):
        cap = getattr(lim, field)
        if cap is not None:
            for i, ft in enumerate(m.types):
                if len(getattr(ft, attr)) > cap:
                    raise EnforcedLimitsError(
                        f"enforced limit exceeded: type {i} has {len(getattr(ft, attr))} {attr} (limit {cap})")
    if lim.max_function_body_size is not None and not lazy:
        for i, f in enumerate(m.funcs):
            _check_body_size(f, i, lim)


def _check_body_size(f: ast.Func, i: int, lim: EnforcedLimits) -> None:
    cap = lim.max_function_body_size
    if cap is not None and len(f.body) > cap:
        raise EnforcedLimitsError(
            f"enforced limit exceeded: function {i} has {len(f.body)} instructions (limit {cap})")


def _check_proposals(m: ast.Module, cfg: Config, lazy: bool) -> None:
    """What the validator does not know about: multi-value, mutable globals, floats."""
    if not cfg.get_multi_value():
        for i, ft in enumerate(m.types):
            if len(ft.results) > 1:
                raise ValidationError(f"multi-value is disabled: type {i} has {len(ft.results)} results")
    if not cfg.get_mutable_global():
        for imp in m.imports:
            if imp.kind == ExternKind.GLOBAL and imp.desc.mutable:  # type: ignore[union-attr]
                raise ValidationError(f"mutable globals are disabled: import {imp.module}::{imp.name}")
        for ex in m.exports:
            if ex.kind == ExternKind.GLOBAL:
                nimp = sum(1 for i in m.imports if i.kind == ExternKind.GLOBAL)
                gt = _global_type(m, ex.index, nimp)
                if gt.mutable:
                    raise ValidationError(f"mutable globals are disabled: export {ex.name!r}")
    if not cfg.get_floats():
        _check_no_floats(m, lazy)


def _global_type(m: ast.Module, index: int, nimp: int) -> Any:
    if index < nimp:
        return [i.desc for i in m.imports if i.kind == ExternKind.GLOBAL][index]
    return m.globals[index - nimp].type


def _no_floats(what: str) -> ValidationError:
    return ValidationError(f"floating point support is disabled: {what}")


def _check_no_floats(m: ast.Module, lazy: bool) -> None:
    bad = _no_floats
    for i, ft in enumerate(m.types):
        if any(t in _FLOATS for t in ft.params + ft.results):
            raise bad(f"type {i} is {ft}")
    for g in m.globals:
        if g.type.valtype in _FLOATS:
            raise bad(f"a global of type {g.type.valtype}")
    for imp in m.imports:
        if imp.kind == ExternKind.GLOBAL and imp.desc.valtype in _FLOATS:  # type: ignore[union-attr]
            raise bad(f"import {imp.module}::{imp.name} of type {imp.desc.valtype}")  # type: ignore[union-attr]
    if not lazy:
        for fi, f in enumerate(m.funcs):
            _check_func_floats(f, fi)


def _check_func_floats(f: ast.Func, fi: int) -> None:
    bad = _no_floats
    for _, t in f.locals:
        if t in _FLOATS:
            raise bad(f"a local of type {t} in function {fi}")
    for ins in f.body:
        op = ins[0]
        types = (op.params or ()) + (op.results or ())
        if any(t in _FLOATS for t in types) or op.name.startswith(("f32.", "f64.")):
            raise bad(f"{op.name} in function {fi}")
        if op.name == "select_t" and any(t in _FLOATS for t in ins[1]):
            raise bad(f"select of floats in function {fi}")
        if op.name in ("block", "loop", "if") and ins[1] in _FLOATS:
            raise bad(f"a {op.name} of type {ins[1]} in function {fi}")


def _prepare(engine: Engine, data: Source, lazy: bool = False) -> ast.Module:
    """Decode and check a module; with ``lazy`` (compilation_mode="lazy") everything but the
    function bodies, which get their checks installed to run when first read (_binary/lazy.py)."""
    from ._valid import validate_module

    cfg = engine._config
    module = _decode(data, lazy)
    _check_limits(module, cfg, lazy)
    feats = cfg.get_features()
    # None: every 2.0 feature (the validator's fast path)
    check = validate_module(module, None if len(feats) == 6 else feats, bodies=not lazy)
    _check_proposals(module, cfg, lazy)
    if lazy:
        bodies = module.derived.get("lazy_bodies")
        if bodies is not None:
            bodies.check = _body_check(check, cfg, bodies.nimp)
    if cfg.get_ignore_custom_sections():
        module.customs = []
        module.names = None
    return module


def _body_check(validate: Callable[[ast.Func, int], None], cfg: Config,
                nimp: int) -> Callable[[ast.Func, int], None]:
    """What Module() checks of each body in the other modes, in the same order, for one body."""
    lim = cfg.get_enforced_limits()
    size = lim.max_function_body_size is not None
    floats = not cfg.get_floats()

    def check(func: ast.Func, func_index: int) -> None:
        if size:
            _check_body_size(func, func_index - nimp, lim)
        validate(func, func_index)
        if floats:
            _check_func_floats(func, func_index - nimp)
    return check


class Module:
    """``Module(engine, wasm_bytes_or_wat_text)`` (also ``Module.new``).

    Raises DecodeError (malformed binary), WatError (malformed text), ValidationError (invalid, or
    using a proposal the engine's Config disables), EnforcedLimitsError (over the Config's limits),
    TypeError (neither bytes nor str).
    """

    __slots__ = ("engine", "_ast", "_compiled")

    def __init__(self, engine: Engine, data: Source) -> None:
        if not isinstance(engine, Engine):
            raise TypeError(f"Module takes a wasmi.Engine, not {type(engine).__name__}")
        self.engine = engine
        self._ast = _prepare(engine, data, engine._config.get_compilation_mode() == "lazy")
        self._compiled = _compile(engine, self._ast)

    @classmethod
    def new(cls, engine: Engine, data: Source) -> Module:
        return cls(engine, data)

    @staticmethod
    def validate(engine: Engine, data: Source) -> None:
        """Check that ``data`` is a valid module for ``engine``; raises like the constructor."""
        _prepare(engine, data)

    def _type_of(self, kind: ExternKind, desc_or_index: Any, is_import: bool) -> ExternType:
        m = self._ast
        if is_import:
            return ExternType(m.types[desc_or_index] if kind == ExternKind.FUNC else desc_or_index)
        idx = desc_or_index
        space: List[Any] = [i.desc for i in m.imports if i.kind == kind]
        if kind == ExternKind.FUNC:
            space = [m.types[i] for i in space] + [m.types[f.type_index] for f in m.funcs]
        elif kind == ExternKind.TABLE:
            space += [t.type for t in m.tables]
        elif kind == ExternKind.MEMORY:
            space += [x.type for x in m.memories]
        else:
            space += [g.type for g in m.globals]
        return ExternType(space[idx])

    def imports(self) -> Iterator[ImportType]:
        """Every import (module, name, ExternType), in order."""
        return iter([ImportType(i.module, i.name, self._type_of(i.kind, i.desc, True)) for i in self._ast.imports])

    def exports(self) -> Iterator[ExportType]:
        """Every export (name, ExternType), in order."""
        return iter([ExportType(e.name, self._type_of(e.kind, e.index, False)) for e in self._ast.exports])

    def get_export(self, name: str) -> Optional[ExternType]:
        """The type of export ``name``, or None."""
        for e in self._ast.exports:
            if e.name == name:
                return self._type_of(e.kind, e.index, False)
        return None

    def custom_sections(self) -> List[Tuple[str, bytes]]:
        """(name, payload) of every custom section, in order (none with ``ignore_custom_sections``)."""
        return [(c.name, bytes(c.data)) for c in self._ast.customs]

    def __repr__(self) -> str:
        m = self._ast
        return f"<wasmi.Module {len(m.imports)} imports, {len(m.exports)} exports>"


def _compile(engine: Engine, module: ast.Module) -> CompiledModule:
    cfg = engine._config
    return CompiledModule(module, cfg.get_consume_fuel(), cfg.get_compilation_mode() == "eager",
                          cfg.get_max_memory_pages(), cfg.get_fuel_costs().cost_function())

