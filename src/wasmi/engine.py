"""``Engine``: the configuration shared by the modules and stores that work together."""

from __future__ import annotations

from typing import Optional

from .config import CompilationMode, Config, EnforcedLimits, EnforcedLimitsError, FuelCosts

__all__ = ["Config", "Engine", "CompilationMode", "EnforcedLimits", "EnforcedLimitsError", "FuelCosts"]


class Engine:
    """``Engine(config=None)``: default settings, or a :class:`Config`.

    The engine keeps its own copy of the config: changing the Config object afterwards does not
    change the engine. Modules and stores must come from the same engine (or from engines with the
    same fuel setting) to be used together.
    """

    __slots__ = ("_config",)

    def __init__(self, config: Optional[Config] = None) -> None:
        if config is not None and not isinstance(config, Config):
            raise TypeError(f"Engine takes a wasmi.Config, not {type(config).__name__}")
        self._config = config.copy() if config is not None else Config()

    def config(self) -> Config:
        """A copy of the engine's settings."""
        return self._config.copy()

    @staticmethod
    def same(a: Engine, b: Engine) -> bool:
        """Whether ``a`` and ``b`` are the same engine."""
        return a is b

    def __repr__(self) -> str:
        return f"<wasmi.Engine {self._config!r}>"
