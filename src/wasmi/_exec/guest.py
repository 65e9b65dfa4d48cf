"""Where guest code runs: a dedicated worker thread with a large C stack.

Every top-level call into Wasm is handed to one long-lived worker thread created with a big
``threading.stack_size``; calls made *from* guest code (a host function calling back into Wasm) run
directly on it. Reasons (docs/RATIONALE.md "Why does guest code run on its own thread?"): the Wasm
call-depth limit is enforced through Python's recursion limit (one Python frame per Wasm frame, no
per-call counting), so deep recursion must never reach the C stack's end (PyPy and C-level re-entry
segfault otherwise); and a guest that lives on its own thread can later be *suspended* (a host call or
fuel exhaustion parks the thread and hands control back to the embedder, who resumes it).

The boundary turns the Python exceptions that generated code raises by design into traps:
``struct.error``/``IndexError`` (a memory access past the end) → out of bounds memory access,
``RecursionError`` → call stack exhausted.
"""

from __future__ import annotations

import struct
import sys
import threading
from typing import Any, Callable, Optional, Tuple

from ..errors import Trap, TrapCode

STACK_SIZE = 512 * 1024 * 1024
_MARGIN = 40  # Python frames the boundary itself and host-call wrappers may use

_local = threading.local()


def _depth() -> int:
    f = sys._getframe(1)
    n = 0
    while f is not None:
        n += 1
        f = f.f_back
    return n


def _run_checked(fn: Callable[..., Any], args: Tuple[Any, ...]) -> Any:
    try:
        return fn(*args)
    except Trap:
        raise
    except RecursionError:
        err = Trap(TrapCode.StackOverflow)
    except (struct.error, IndexError):
        err = Trap(TrapCode.MemoryOutOfBounds)
    except MemoryError:
        err = Trap(TrapCode.OutOfSystemMemory)
    # raised outside the except blocks: no traceback chain through every guest frame
    raise err


class _Worker:
    def __init__(self) -> None:
        self.mutex = threading.Lock()
        self.req = threading.Lock()
        self.req.acquire()
        self.done = threading.Lock()
        self.done.acquire()
        self.job: Optional[tuple] = None
        self.result: Any = None
        self.error: Optional[BaseException] = None
        old = threading.stack_size()
        try:
            threading.stack_size(STACK_SIZE)
        except (ValueError, RuntimeError):  # platform refuses: keep the default
            pass
        try:
            self.thread = threading.Thread(target=self._loop, name="wasmi-guest", daemon=True)
            self.thread.start()
        finally:
            threading.stack_size(old)

    def _loop(self) -> None:
        _local.in_guest = True
        base = _depth()
        while True:
            self.req.acquire()
            fn, args, max_depth = self.job  # type: ignore[misc]
            self.job = None
            old = sys.getrecursionlimit()
            try:
                sys.setrecursionlimit(base + max_depth + _MARGIN)
                self.result = _run_checked(fn, args)
                self.error = None
            except BaseException as e:  # handed to the calling thread
                self.result = None
                self.error = e
            finally:
                sys.setrecursionlimit(old)
            self.done.release()

    def call(self, fn: Callable[..., Any], args: Tuple[Any, ...], max_depth: int) -> Any:
        with self.mutex:
            self.job = (fn, args, max_depth)
            self.req.release()
            self.done.acquire()
            err, res = self.error, self.result
            self.error = self.result = None
        if err is not None:
            raise err
        return res


_worker: Optional[_Worker] = None
_worker_lock = threading.Lock()


def call_guest(fn: Callable[..., Any], args: Tuple[Any, ...], max_depth: int) -> Any:
    """Call ``fn(*args)`` as guest code with at most ``max_depth`` nested Wasm frames.

    Raises :class:`Trap` (traps from the guest, stack exhaustion, out-of-bounds memory) and whatever
    host functions raise (already wrapped as :class:`HostError` by their wrappers).
    """
    if getattr(_local, "in_guest", False):
        return _run_checked(fn, args)
    global _worker
    w = _worker
    if w is None:
        with _worker_lock:
            if _worker is None:
                _worker = _Worker()
            w = _worker
    return w.call(fn, args, max_depth)
