"""``Engine`` and ``Config``: how modules are translated and run."""

from __future__ import annotations

from typing import Optional

__all__ = ["Config", "Engine"]

_MODES = ("eager", "lazy_translation", "lazy")


class Config:
    """Engine settings.

    * ``consume_fuel`` — meter execution (see docs/fuel.md); stores then start with 0 fuel.
    * ``compilation_mode`` — ``"lazy_translation"`` (default: a function is translated to Python on its
      first call), ``"eager"`` (all functions when instantiated), ``"lazy"`` (same as
      lazy_translation for now: validation is always done up front).
    * ``max_call_depth`` — nested Wasm calls allowed before the ``call stack exhausted`` trap
      (default 1024, wasmi's default; counted as Python frames, so host functions on the call path
      count too).
    * ``max_memory_pages`` — a cap below the spec's 65,536 pages; ``memory.grow`` beyond it fails (-1).
    """

    def __init__(self, consume_fuel: bool = False, compilation_mode: str = "lazy_translation",
                 max_call_depth: int = 1024, max_memory_pages: int = 65536) -> None:
        if compilation_mode not in _MODES:
            raise ValueError(f"compilation_mode must be one of {_MODES}, not {compilation_mode!r}")
        if max_call_depth < 1:
            raise ValueError("max_call_depth must be at least 1")
        self.consume_fuel = bool(consume_fuel)
        self.compilation_mode = compilation_mode
        self.max_call_depth = int(max_call_depth)
        self.max_memory_pages = int(max_memory_pages)

    def __repr__(self) -> str:
        return (f"Config(consume_fuel={self.consume_fuel}, compilation_mode={self.compilation_mode!r}, "
                f"max_call_depth={self.max_call_depth})")


class Engine:
    """Holds the configuration shared by modules and stores."""

    def __init__(self, config: Optional[Config] = None) -> None:
        self.config = config if config is not None else Config()
