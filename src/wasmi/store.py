"""``Store``: owns every runtime object and the embedder's data; ``as_store``: the "context" rule."""

from __future__ import annotations

import itertools
from typing import Any, Generic, List, TypeVar

from .engine import Engine
from .errors import WasmiError

__all__ = ["Store", "as_store"]

T = TypeVar("T")

# Store identity for "wrong store" checks: a serial, not id(), which a dead store's successor may reuse.
_serials = itertools.count(1)


class Store(Generic[T]):
    """``Store(engine, data=None)``.

    ``data`` is the embedder's state, of any type: read and replace it as ``store.data`` (host
    functions see it as ``caller.data``). ``engine`` is the engine the store was made for.
    """

    __slots__ = ("engine", "data", "_fuel", "_depth", "_uid", "__weakref__")

    def __init__(self, engine: Engine, data: T = None) -> None:  # type: ignore[assignment]
        if not isinstance(engine, Engine):
            raise TypeError(f"Store takes a wasmi.Engine, not {type(engine).__name__}")
        self.engine = engine
        self.data: T = data
        # a one-element list: generated code charges ``_F[0]`` directly
        self._fuel: List[int] = [0]
        # the engine's config is a private copy that never changes: read once for every call
        self._depth: int = engine._config._depth
        self._uid: int = next(_serials)

    def _check_fuel(self) -> None:
        if not self.engine._config._fuel:
            raise WasmiError("fuel metering is disabled (Config(consume_fuel=True) enables it)")

    def set_fuel(self, fuel: int) -> None:
        """Set the remaining fuel. Raises WasmiError when metering is disabled, ValueError for a
        negative amount."""
        self._check_fuel()
        if fuel < 0:
            raise ValueError("fuel must be non-negative")
        self._fuel[0] = int(fuel)

    def get_fuel(self) -> int:
        """The remaining fuel. Raises WasmiError when metering is disabled."""
        self._check_fuel()
        return self._fuel[0]

    def __repr__(self) -> str:
        return f"<wasmi.Store data={type(self.data).__name__}>"


def as_store(ctx: Any) -> Store[Any]:
    """The store behind a context argument: a Store, or a Caller (its store).

    Raises TypeError for anything else."""
    if type(ctx) is Store:
        return ctx
    inner = getattr(ctx, "store", None)
    if isinstance(inner, Store):
        return inner
    if isinstance(ctx, Store):
        return ctx
    raise TypeError(f"expected a wasmi.Store or wasmi.Caller as context, got {type(ctx).__name__}")
