"""``Store``: owns every runtime object and the embedder's data."""

from __future__ import annotations

from typing import Any, List

from .engine import Engine
from .errors import WasmiError

__all__ = ["Store"]


class Store:
    """``Store(engine, data=None)``. ``data`` is the embedder's state (also ``caller.data``)."""

    def __init__(self, engine: Engine, data: Any = None) -> None:
        self.engine = engine
        self.data = data
        # a one-element list: generated code charges ``_F[0]`` directly
        self._fuel: List[int] = [0]

    def _check_fuel(self) -> None:
        if not self.engine.config.consume_fuel:
            raise WasmiError("fuel metering is disabled (Config(consume_fuel=True) enables it)")

    def set_fuel(self, fuel: int) -> None:
        """Set the remaining fuel. Raises WasmiError when metering is disabled."""
        self._check_fuel()
        if fuel < 0:
            raise ValueError("fuel must be non-negative")
        self._fuel[0] = int(fuel)

    def get_fuel(self) -> int:
        """The remaining fuel. Raises WasmiError when metering is disabled."""
        self._check_fuel()
        return self._fuel[0]
