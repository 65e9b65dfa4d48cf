"""``Config``: how an :class:`~wasmi.Engine` translates and runs modules, and what it accepts.

Options can be given as keyword arguments (``Config(consume_fuel=True)``) or set with wasmi's builder
methods, which return the config so that calls chain (``Config().consume_fuel(True).wasm_simd(False)``).
Each builder ``x(value)`` has a getter ``get_x()`` (wasmi's names, see docs/embedding.md).
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Mapping, Optional

from ._syntax.instructions import OPS, Op
from .errors import ValidationError

__all__ = ["Config", "CompilationMode", "EnforcedLimits", "EnforcedLimitsError", "FuelCosts", "FEATURES"]


class CompilationMode:
    """The values of ``Config(compilation_mode=...)`` (plain strings, so both spellings work)."""

    EAGER = "eager"
    LAZY_TRANSLATION = "lazy_translation"
    LAZY = "lazy"
    ALL = ("eager", "lazy_translation", "lazy")


FEATURES: Dict[str, str] = {
    # Config keyword / wasmi builder suffix -> the Op.feature name in _syntax/instructions.py
    "sign_extension": "sign-extension",
    "saturating_float_to_int": "saturating-float-to-int",
    "bulk_memory": "bulk-memory",
    "reference_types": "reference-types",
    "simd": "simd",
}
"""Proposals that add instructions; each one can be switched off (all are on by default)."""


class EnforcedLimitsError(ValidationError):
    """A module exceeds one of the :class:`EnforcedLimits` of its engine's Config."""


_LIMIT_FIELDS = (
    "max_types", "max_functions", "max_globals", "max_tables", "max_memories", "max_element_segments",
    "max_data_segments", "max_params", "max_results", "max_function_body_size",
)


class EnforcedLimits:
    """Limits checked when a module is created, before any code is translated (wasmi's
    ``EnforcedLimits``). ``None`` means unlimited; the default is unlimited, :meth:`strict` gives the
    limits wasmi recommends for untrusted input. ``max_function_body_size`` counts instructions.

    Raises ValueError for a negative limit or an unknown field.
    """

    __slots__ = _LIMIT_FIELDS
    max_types: Optional[int]
    max_functions: Optional[int]
    max_globals: Optional[int]
    max_tables: Optional[int]
    max_memories: Optional[int]
    max_element_segments: Optional[int]
    max_data_segments: Optional[int]
    max_params: Optional[int]
    max_results: Optional[int]
    max_function_body_size: Optional[int]

    def __init__(self, max_types: Optional[int] = None, max_functions: Optional[int] = None,
                 max_globals: Optional[int] = None, max_tables: Optional[int] = None,
                 max_memories: Optional[int] = None, max_element_segments: Optional[int] = None,
                 max_data_segments: Optional[int] = None, max_params: Optional[int] = None,
                 max_results: Optional[int] = None, max_function_body_size: Optional[int] = None) -> None:
        values = (max_types, max_functions, max_globals, max_tables, max_memories, max_element_segments,
                  max_data_segments, max_params, max_results, max_function_body_size)
        for name, v in zip(_LIMIT_FIELDS, values):
            if v is not None and (not isinstance(v, int) or v < 0):
                raise ValueError(f"{name} must be None or a non-negative int, not {v!r}")
            object.__setattr__(self, name, v)

    @classmethod
    def strict(cls) -> EnforcedLimits:
        """Limits for untrusted modules."""
        return cls(max_types=10_000, max_functions=10_000, max_globals=1_000, max_tables=100,
                   max_memories=1, max_element_segments=1_000, max_data_segments=1_000, max_params=32,
                   max_results=32, max_function_body_size=500_000)

    def __repr__(self) -> str:
        set_ = ", ".join(f"{n}={getattr(self, n)}" for n in _LIMIT_FIELDS if getattr(self, n) is not None)
        return f"EnforcedLimits({set_})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnforcedLimits) and all(
            getattr(self, n) == getattr(other, n) for n in _LIMIT_FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in _LIMIT_FIELDS))


class FuelCosts:
    """Fuel charged per Wasm operator when ``consume_fuel`` is on (docs/fuel.md).

    ``base`` is every operator's cost (1, like wasmi's default); ``load``, ``store`` and ``call``
    override it for memory loads, memory stores and ``call``/``call_indirect``; ``ops`` overrides single
    operators by their text-format name (``{"i32.div_s": 5}``). ``end`` and ``else`` always cost 0.

    Raises ValueError for a negative cost or an unknown operator name.
    """

    __slots__ = ("base", "load", "store", "call", "ops", "_table", "_default")

    def __init__(self, base: int = 1, *, load: Optional[int] = None, store: Optional[int] = None,
                 call: Optional[int] = None, ops: Optional[Mapping[str, int]] = None) -> None:
        by_name = {op.name: op for op in OPS}
        overrides = dict(ops or {})
        for what, v in [("base", base), ("load", load), ("store", store), ("call", call)] + list(overrides.items()):
            if v is not None and (not isinstance(v, int) or v < 0):
                raise ValueError(f"the fuel cost of {what} must be a non-negative int, not {v!r}")
        for name in overrides:
            if name not in by_name:
                raise ValueError(f"unknown operator {name!r} in FuelCosts(ops=...)")
        self.base = base
        self.load = load
        self.store = store
        self.call = call
        self.ops = overrides
        table: List[int] = []
        for op in OPS:
            cost = base
            if load is not None and ".load" in op.name:
                cost = load
            elif store is not None and ".store" in op.name:
                cost = store
            elif call is not None and op.name in ("call", "call_indirect"):
                cost = call
            table.append(overrides.get(op.name, cost))
        self._table = table
        # every Module() asks (cost_function): once here, not a walk over ~440 operators per module
        self._default = all(c == 1 for c in table)

    def cost(self, op: Op) -> int:
        """The fuel ``op`` costs."""
        return self._table[op.index]

    def is_default(self) -> bool:
        return self._default

    def cost_function(self) -> Optional[Callable[[Op], int]]:
        """None when every operator costs 1 (the engine's built-in rule), else ``cost``."""
        return None if self.is_default() else self.cost

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FuelCosts) and other._table == self._table

    def __hash__(self) -> int:
        return hash(tuple(self._table))

    def __repr__(self) -> str:
        return f"FuelCosts(base={self.base}, load={self.load}, store={self.store}, call={self.call}, ops={self.ops})"


class Config:
    """Engine settings (all keyword arguments; defaults in brackets).

    * ``consume_fuel`` [False] — meter execution (docs/fuel.md); stores then start with 0 fuel.
    * ``fuel_costs`` [1 per operator] — a :class:`FuelCosts`.
    * ``compilation_mode`` ["lazy_translation"] — ``"lazy_translation"``: ``Module`` validates
      everything, a function is translated to Python on its first call; ``"eager"``: all functions
      translated when instantiated; ``"lazy"``: ``Module`` checks all but the function bodies, and each
      body is decoded, validated and translated on its function's first call, where a malformed or
      invalid body raises its DecodeError/ValidationError (with function index and byte offset)
      instead of ``Module`` (``Module.validate`` still checks everything).
    * ``max_call_depth`` [1024] — nested Wasm calls before the ``call stack exhausted`` trap (counted
      as Python frames, so host functions on the call path count too).
    * ``max_memory_pages`` [65536] — a cap below the spec's; ``memory.grow`` beyond it fails (-1).
    * ``sign_extension``, ``saturating_float_to_int``, ``bulk_memory``, ``reference_types``, ``simd``
      [True] — proposals; when off, their instructions are rejected by validation.
    * ``multi_value`` [True] — when off, function and block types with more than one result are invalid.
    * ``mutable_global`` [True] — when off, importing or exporting a mutable global is invalid.
    * ``floats`` [True] — when off, any f32/f64 instruction or type is invalid.
    * ``ignore_custom_sections`` [False] — drop custom sections (``Module.custom_sections`` is empty).
    * ``enforced_limits`` [unlimited] — an :class:`EnforcedLimits`.

    Raises ValueError for an unknown compilation mode or a call depth below 1.
    """

    __slots__ = ("_fuel", "_mode", "_depth", "_pages", "_features", "_multi_value", "_mutable_global",
                 "_floats", "_ignore_custom", "_limits", "_costs")

    def __init__(self, consume_fuel: bool = False, compilation_mode: str = "lazy_translation",
                 max_call_depth: int = 1024, max_memory_pages: int = 65536, *,
                 sign_extension: bool = True, saturating_float_to_int: bool = True, bulk_memory: bool = True,
                 reference_types: bool = True, simd: bool = True, multi_value: bool = True,
                 mutable_global: bool = True, floats: bool = True, ignore_custom_sections: bool = False,
                 enforced_limits: Optional[EnforcedLimits] = None,
                 fuel_costs: Optional[FuelCosts] = None) -> None:
        self._features: Dict[str, bool] = {}
        self.consume_fuel(consume_fuel)
        self.fuel_costs(fuel_costs if fuel_costs is not None else FuelCosts())
        self.compilation_mode(compilation_mode)
        self.max_call_depth(max_call_depth)
        self.max_memory_pages(max_memory_pages)
        self.wasm_sign_extension(sign_extension)
        self.wasm_saturating_float_to_int(saturating_float_to_int)
        self.wasm_bulk_memory(bulk_memory)
        self.wasm_reference_types(reference_types)
        self.wasm_simd(simd)
        self.wasm_multi_value(multi_value)
        self.wasm_mutable_global(mutable_global)
        self.floats(floats)
        self.ignore_custom_sections(ignore_custom_sections)
        self.enforced_limits(enforced_limits if enforced_limits is not None else EnforcedLimits())

    # --- builders (wasmi's names) ---------------------------------------------------------------
    def consume_fuel(self, enable: bool) -> Config:
        self._fuel = bool(enable)
        return self

    def fuel_costs(self, costs: FuelCosts) -> Config:
        """Raises TypeError unless ``costs`` is a FuelCosts."""
        if not isinstance(costs, FuelCosts):
            raise TypeError("fuel_costs must be a wasmi.FuelCosts")
        self._costs = costs
        return self

    def compilation_mode(self, mode: str) -> Config:
        """Raises ValueError for a mode not in ``CompilationMode.ALL``."""
        if mode not in CompilationMode.ALL:
            raise ValueError(f"compilation_mode must be one of {CompilationMode.ALL}, not {mode!r}")
        self._mode = mode
        return self

    def max_call_depth(self, depth: int) -> Config:
        """wasmi: ``set_max_recursion_depth``. Raises ValueError below 1."""
        if not isinstance(depth, int) or depth < 1:
            raise ValueError("max_call_depth must be an int of at least 1")
        self._depth = depth
        return self

    set_max_recursion_depth = max_call_depth

    def max_memory_pages(self, pages: int) -> Config:
        """Raises ValueError outside 0..65536."""
        if not isinstance(pages, int) or not 0 <= pages <= 65536:
            raise ValueError("max_memory_pages must be an int in 0..65536")
        self._pages = pages
        return self

    def wasm_sign_extension(self, enable: bool) -> Config:
        self._features["sign-extension"] = bool(enable)
        return self

    def wasm_saturating_float_to_int(self, enable: bool) -> Config:
        self._features["saturating-float-to-int"] = bool(enable)
        return self

    def wasm_bulk_memory(self, enable: bool) -> Config:
        self._features["bulk-memory"] = bool(enable)
        return self

    def wasm_reference_types(self, enable: bool) -> Config:
        self._features["reference-types"] = bool(enable)
        return self

    def wasm_simd(self, enable: bool) -> Config:
        self._features["simd"] = bool(enable)
        return self

    def wasm_multi_value(self, enable: bool) -> Config:
        self._multi_value = bool(enable)
        return self

    def wasm_mutable_global(self, enable: bool) -> Config:
        self._mutable_global = bool(enable)
        return self

    def floats(self, enable: bool) -> Config:
        self._floats = bool(enable)
        return self

    def ignore_custom_sections(self, enable: bool) -> Config:
        self._ignore_custom = bool(enable)
        return self

    def enforced_limits(self, limits: EnforcedLimits) -> Config:
        """Raises TypeError unless ``limits`` is an EnforcedLimits."""
        if not isinstance(limits, EnforcedLimits):
            raise TypeError("enforced_limits must be a wasmi.EnforcedLimits")
        self._limits = limits
        return self

    # --- getters --------------------------------------------------------------------------------
    def get_consume_fuel(self) -> bool:
        return self._fuel

    def get_fuel_costs(self) -> FuelCosts:
        return self._costs

    def get_compilation_mode(self) -> str:
        return self._mode

    def get_max_call_depth(self) -> int:
        return self._depth

    def get_max_memory_pages(self) -> int:
        return self._pages

    def get_feature(self, name: str) -> bool:
        """Whether proposal ``name`` (a key or value of ``FEATURES``) is on; raises KeyError if unknown."""
        return self._features[FEATURES.get(name, name)]

    def get_features(self) -> FrozenSet[str]:
        """The enabled ``Op.feature`` names, "mvp" included (what the validator takes)."""
        return frozenset(["mvp"] + [f for f, on in self._features.items() if on])

    def get_multi_value(self) -> bool:
        return self._multi_value

    def get_mutable_global(self) -> bool:
        return self._mutable_global

    def get_floats(self) -> bool:
        return self._floats

    def get_ignore_custom_sections(self) -> bool:
        return self._ignore_custom

    def get_enforced_limits(self) -> EnforcedLimits:
        return self._limits

    def copy(self) -> Config:
        new = Config.__new__(Config)
        for s in Config.__slots__:
            setattr(new, s, getattr(self, s))
        new._features = dict(self._features)
        return new

    def __repr__(self) -> str:
        off = sorted(f for f, on in self._features.items() if not on)
        return (f"Config(consume_fuel={self._fuel}, compilation_mode={self._mode!r}, "
                f"max_call_depth={self._depth}, disabled={off}, floats={self._floats})")
