"""Functions decoded from the binary format, with parts decoded on first use.

A :class:`LazyFunc` is an ``ast.Func`` whose ``locals``, ``body`` and ``offsets`` slots may start
unset: the first read of an unset one lands in ``__getattr__``, which decodes it from the module's
bytes; from then on it is a plain attribute and costs nothing more.

* ``offsets`` (each instruction's byte offset) are never recorded by the decoder: only error messages
  need them, and re-decoding the body when one does is cheaper than keeping a list of ints per
  instruction for every function (which the garbage collector would traverse too).
* With ``Config(compilation_mode="lazy")`` the decoder only splits the code section into byte ranges,
  and ``body``/``locals`` are decoded at the first read, then checked by the module's per-function
  check (the validator, which ``Module`` installs once the rest of the module is valid).

A body that fails decoding or the check keeps its error in ``LazyFunc.error`` and reads as
``unreachable end`` with no locals: whole-module analyses may walk it (a function that can never run
contributes no calls, stores or references), but whoever is about to run a function must call
:meth:`LazyBodies.check_function` first, which raises that error (docs/RATIONALE.md "Why does lazy
mode report an invalid body when the function is first called?").
"""

from __future__ import annotations

import struct
import threading
from typing import Any, Callable, List, Optional

from .._syntax import instructions as I
from .._syntax.ast import Func
from ..errors import DecodeError, WasmiError
from .code import decode_body
from .reader import END_OF_SECTION

# What an invalid body reads as: valid for any function type, and it never calls, stores or refers.
_INVALID_BODY = [(I.UNREACHABLE,), (I.END,)]

BodyCheck = Callable[[Func, int], None]


class LazyFunc(Func):
    """A defined function decoded from ``body_offset`` (after its size field) to ``end``."""

    __slots__ = ("bodies", "index", "end", "error")
    body_offset: int

    def __init__(self, bodies: LazyBodies, index: int, type_index: int, body_offset: int, end: int) -> None:
        # locals, body and offsets stay unset until set by the decoder or filled by __getattr__
        self.type_index = type_index
        self.body_offset = body_offset
        self.bodies = bodies
        self.index = index  # in the function index space (imports first), as errors report it
        self.end = end
        self.error: Optional[WasmiError] = None

    def __getattr__(self, name: str) -> Any:
        # only called for unset slots
        if name not in ("body", "locals", "offsets"):
            raise AttributeError(name)
        try:
            object.__getattribute__(self, "body")
        except AttributeError:
            self.bodies.materialize(self)
        if name == "offsets":
            try:
                return object.__getattribute__(self, "offsets")
            except AttributeError:
                offsets: List[int] = []
                decode_body(self.bodies.data, self.body_offset, self.end, offsets)  # decoded before: no error
                self.offsets = offsets
        return object.__getattribute__(self, name)

    def __eq__(self, other: object) -> bool:
        # equal to a plain Func (from the text format, or built by hand) with the same contents
        if not isinstance(other, Func):
            return NotImplemented
        return all(getattr(self, s) == getattr(other, s) for s in self._eq_fields())

    __hash__ = None  # type: ignore[assignment]


class LazyBodies:
    """What the functions of one decoded module share: its bytes, the body check, a lock. (It holds
    no function: the syntax tree stays free of cycles, so refcounting frees it.)

    ``check(func, func_index)`` raises for an invalid body; it is None until the module-level checks
    passed (and in the modes that check every body up front).
    """

    __slots__ = ("data", "nimp", "need_data_count", "check", "code_bytes", "_lock")

    def __init__(self, data: bytes, nimp: int) -> None:
        self.data = data
        self.nimp = nimp
        self.need_data_count = False  # no data count section: memory.init/data.drop are malformed
        self.check: Optional[BodyCheck] = None
        self.code_bytes = 0
        # Two threads calling the same function first both get here; one decodes and checks, the other
        # waits and finds the body set (so the check never runs twice on one body).
        self._lock = threading.Lock()

    def materialize(self, f: LazyFunc) -> None:
        with self._lock:
            try:
                object.__getattribute__(f, "body")
                return  # another thread was first
            except AttributeError:
                pass
            err: Optional[WasmiError] = None
            try:
                locals_, body = self._decode(f)
                if self.check is not None:
                    # a LazyFunc of its own, so that error positions (its offsets) need no lock
                    tmp = LazyFunc(self, f.index, f.type_index, f.body_offset, f.end)
                    tmp.locals, tmp.body = locals_, body
                    self.check(tmp, f.index)
            except WasmiError as e:
                err = e
            if err is None:
                f.locals, f.body = locals_, body
            else:
                f.error = err
                f.locals, f.offsets, f.body = [], None, list(_INVALID_BODY)

    def _decode(self, f: LazyFunc) -> Any:
        data = self.data
        try:
            locals_, body = decode_body(data, f.body_offset, f.end)
        except (IndexError, struct.error):
            # as the eager decoder reports running off the input
            raise DecodeError(END_OF_SECTION, len(data), f.index) from None
        except DecodeError as e:
            raise DecodeError(e.message, e.offset, f.index) from None
        if self.need_data_count:
            for pos, ins in enumerate(body):
                if ins[0] is I.MEMORY_INIT or ins[0] is I.DATA_DROP:
                    offsets: List[int] = []
                    decode_body(data, f.body_offset, f.end, offsets)
                    raise DecodeError("data count section required", offsets[pos], f.index)
        return locals_, body

    @staticmethod
    def check_function(f: LazyFunc) -> None:
        """Decode and check ``f`` if not done yet; raise its error if it has one (DecodeError,
        ValidationError, EnforcedLimitsError)."""
        f.body  # noqa: B018 - reading it materializes the body
        err = f.error
        if err is not None:
            raise err.with_traceback(None)

    @staticmethod
    def check_all(funcs: List[LazyFunc]) -> None:
        """Every body, in order; raises the first function's error."""
        for f in funcs:
            LazyBodies.check_function(f)
