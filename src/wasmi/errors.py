"""The error tree of wasmi-py.

The classes mirror the categories of the WebAssembly script (`.wast`) assertions, so that a spec test
and a user both learn *which phase* rejected their input:

===================  ==============================  =========================================
class                .wast assertion                 raised by
===================  ==============================  =========================================
DecodeError          assert_malformed (binary)       the binary decoder
WatError             assert_malformed (text)         the WAT/WAST parser
ValidationError      assert_invalid                  the validator
LinkError            assert_unlinkable               import matching at instantiation
Trap                 assert_trap, assert_exhaustion  running code (also during instantiation)
===================  ==============================  =========================================

Every message starts with the spec's wording for the failure (for example ``"unexpected end"``,
``"type mismatch"``, ``"out of bounds memory access"``), followed by where it happened.
"""

from __future__ import annotations

import enum
from typing import Optional

__all__ = [
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
    "TrapCode",
    "Trap",
    "HostError",
    "I32Exit",
    "InternalError",
]


class WasmiError(Exception):
    """Base class of every error this package raises on purpose."""


class MalformedError(WasmiError):
    """The input is not a well-formed module (binary or text)."""


class DecodeError(MalformedError):
    """The binary format could not be decoded.

    ``message`` is the spec's wording (``"unexpected end"``, ``"integer too large"``, …);
    ``offset`` is the byte offset in the input where decoding failed; ``func_index`` the function
    (index space with imports) whose body is malformed, when the error is inside one.
    """

    def __init__(self, message: str, offset: Optional[int] = None, func_index: Optional[int] = None) -> None:
        self.message = message
        self.offset = offset
        self.func_index = func_index
        super().__init__(message + _where(func_index, offset))


class WatError(MalformedError):
    """The text format could not be read.

    ``line`` and ``column`` are 1-based; ``str(err)`` shows the offending source line with a caret
    under the spot. Subclasses tell which stage failed.
    """

    def __init__(
        self,
        message: str,
        line: Optional[int] = None,
        column: Optional[int] = None,
        source_line: Optional[str] = None,
        filename: Optional[str] = None,
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.source_line = source_line
        self.filename = filename
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line is None:
            return self.message
        where = f"{self.filename or '<input>'}:{self.line}:{self.column}"
        text = f"{self.message}\n --> {where}"
        if self.source_line is not None:
            shown = self.source_line.rstrip("\r\n").expandtabs(1)
            text += f"\n  | {shown}\n  | {' ' * max((self.column or 1) - 1, 0)}^"
        return text


class LexError(WatError):
    """The text could not be split into tokens (bad character, unterminated string, …)."""


class ParseError(WatError):
    """The tokens do not form a module or script (unexpected token, bad literal, …)."""


class ResolveError(WatError):
    """A symbolic name (``$f``) does not resolve, or is defined twice."""


class EncodingError(WatError):
    """The text is not valid UTF-8 (or a string literal holds a malformed UTF-8 name)."""


class ValidationError(WasmiError):
    """The module is well-formed but not valid.

    ``message`` is the spec's wording (``"type mismatch"``, ``"unknown local 3"``, …);
    ``func_index`` and ``offset`` locate the failing instruction when it is inside a function body.
    """

    def __init__(self, message: str, offset: Optional[int] = None, func_index: Optional[int] = None) -> None:
        self.message = message
        self.offset = offset
        self.func_index = func_index
        super().__init__(message + _where(func_index, offset))


def _where(func_index: Optional[int], offset: Optional[int]) -> str:
    where = []
    if func_index is not None:
        where.append(f"in function {func_index}")
    if offset is not None:
        where.append(f"at byte offset {offset:#x}")
    return f" ({', '.join(where)})" if where else ""


class LinkError(WasmiError):
    """An import could not be satisfied (missing, or of the wrong kind or type)."""


class InstantiationError(WasmiError):
    """Instantiation failed for a reason that is not a trap or a link error."""


class TrapCode(enum.Enum):
    """Why a trap happened; ``.message`` is the spec's wording, ``.name`` is wasmi's name."""

    UnreachableCodeReached = "unreachable"
    MemoryOutOfBounds = "out of bounds memory access"
    TableOutOfBounds = "out of bounds table access"
    IndirectCallToNull = "uninitialized element"
    IntegerDivisionByZero = "integer divide by zero"
    IntegerOverflow = "integer overflow"
    BadConversionToInteger = "invalid conversion to integer"
    StackOverflow = "call stack exhausted"
    BadSignature = "indirect call type mismatch"
    OutOfFuel = "all fuel consumed by WebAssembly"
    GrowthOperationLimited = "growth operation limited"
    OutOfSystemMemory = "out of system memory"

    @property
    def message(self) -> str:
        return self.value


class Trap(WasmiError):
    """Execution stopped abnormally. ``code`` is a :class:`TrapCode` (or None for host traps)."""

    def __init__(self, code: Optional[TrapCode], message: Optional[str] = None) -> None:
        self.code = code
        self.message = message if message is not None else (code.message if code is not None else "trap")
        super().__init__(self.message)

    def trap_code(self) -> Optional[TrapCode]:
        return self.code


class HostError(Trap):
    """A host function raised; the original exception is ``__cause__``."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class I32Exit(WasmiError):
    """A guest asked to exit the process with a status (WASI ``proc_exit``)."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(f"exit with status {status}")


class InternalError(WasmiError):
    """Something that cannot happen in valid code happened: a bug in wasmi-py. Please report it."""
