"""Where guest code runs, and the boundary between host and guest.

Wasm→Wasm calls are plain Python calls, and the Wasm call-depth limit is Python's recursion limit,
set for the duration of each top-level call to (current depth + ``max_call_depth`` + a margin): one
Python frame per Wasm frame, no per-call counting in generated code.

* On CPython ≥ 3.11, calls between Python functions do not consume C stack, so guest code runs
  directly on the calling thread, through one frame that keeps its per-thread state in one list
  (``_call_direct_311``: ~0.3 µs of bookkeeping per top-level call).
* Elsewhere (PyPy, CPython 3.9/3.10), every Python call uses C stack. On the main thread, whose stack
  size is known (``RLIMIT_STACK``), a call whose whole recursion limit fits in half of that stack at
  ``FRAME_BYTES`` per frame runs directly too (the default limit of 1024 Wasm frames does). Other calls
  are handed to one long-lived worker thread created with a 512 MB ``threading.stack_size``; deep
  recursion then reaches the recursion limit long before the end of the C stack. (A hand-off costs
  45–90 µs on PyPy, a direct call ~1 µs.)

The worker is also what resumable calls will use (docs/RATIONALE.md "Why can guest code run on its
own thread?"): a guest parked on its own thread can be suspended at a host call or on fuel exhaustion
and resumed by the embedder. A host function that calls back into Wasm runs the callee directly
(re-entry); nested re-entries are capped at ``MAX_REENTRY`` because each one does use C stack.

The boundary turns the Python exceptions that generated code raises by design into traps:
``struct.error``/``IndexError`` (a memory access past the end) → out of bounds memory access,
``RecursionError`` → call stack exhausted, ``ZeroDivisionError`` (unsigned ``//`` and ``%``) → integer
divide by zero, ``MemoryError`` → out of system memory.
"""

from __future__ import annotations

import struct
import sys
import threading
from typing import Any, Callable, List, Optional, Sequence

from ..errors import Trap, TrapCode

STACK_SIZE = 512 * 1024 * 1024
MAX_REENTRY = 200
DIRECT = sys.implementation.name == "cpython" and sys.version_info >= (3, 11)
_MARGIN = 40  # Python frames the boundary itself and host-call wrappers may use
# C stack per Python frame where calls recurse in C: measured 170-840 bytes (PyPy without JIT, CPython
# 3.9/3.10: 10,000 nested calls fit in 8 MB, 50,000 do not); 2 KiB leaves room for host frames
FRAME_BYTES = 2048


def _main_stack_frames() -> int:
    """How many Python frames the main thread can safely hold (half its stack at FRAME_BYTES each);
    0 when the stack size is unknown."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    except (ImportError, ValueError, OSError):
        return 0
    if soft == resource.RLIM_INFINITY:
        soft = 8 * 1024 * 1024  # grows on demand; assume the usual default
    return max(0, soft // 2 // FRAME_BYTES)


PYPY = sys.implementation.name == "pypy"
PYPY_HOST = 256  # host frames below a top-level call assumed on PyPy's main thread (see call_guest)
_MAIN_FRAMES = 0 if sys.implementation.name == "cpython" and sys.version_info >= (3, 11) else _main_stack_frames()

_local = threading.local()


_last_depth = [1]


def _depth() -> int:
    """The number of Python frames on this thread's stack (the caller's included).

    Callers usually call from the same depth again: the last answer is checked with one C-speed
    ``sys._getframe`` walk, and the frames are counted in Python only when it is wrong."""
    d = _last_depth[0]
    try:
        if sys._getframe(d).f_back is None:
            return d
    except ValueError:
        pass
    f: Any = sys._getframe(1)
    n = 0
    while f is not None:
        n += 1
        f = f.f_back
    _last_depth[0] = n
    return n


# what generated code raises by design, turned into traps by _trap_for (a Trap passes through)
# (ZeroDivisionError: the unsigned division and remainder of the generated code are Python's ``//`` and
# ``%``; a host function's exceptions arrive wrapped in HostError, and the float helpers catch their own)
_MAPPED = (RecursionError, struct.error, IndexError, MemoryError, ZeroDivisionError)


def _trap_for(e: BaseException) -> Trap:
    if isinstance(e, RecursionError):
        return Trap(TrapCode.StackOverflow)
    if isinstance(e, MemoryError):
        return Trap(TrapCode.OutOfSystemMemory)
    if isinstance(e, ZeroDivisionError):
        return Trap(TrapCode.IntegerDivisionByZero)
    return Trap(TrapCode.MemoryOutOfBounds)


def _run_checked(fn: Callable[..., Any], args: Sequence[Any]) -> Any:
    try:
        return fn(*args)
    except _MAPPED as e:
        err = _trap_for(e)
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
        _nest()[0] = 1  # everything this thread runs is guest code: host calls back into Wasm re-enter
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

    def call(self, fn: Callable[..., Any], args: Sequence[Any], max_depth: int) -> Any:
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


def call_guest(fn: Callable[..., Any], args: Sequence[Any], max_depth: int) -> Any:
    """Call ``fn(*args)`` as guest code with at most ``max_depth`` nested Wasm frames.

    Raises :class:`Trap` (traps from the guest, stack exhaustion, out-of-bounds memory) and whatever
    host functions raise (already wrapped as :class:`HostError` by their wrappers).
    """
    if DIRECT:
        return _call_direct_311(fn, args, max_depth)
    nest = _nest()
    if nest[0]:
        return _reenter(nest, fn, args)
    if _MAIN_FRAMES and max_depth < _MAIN_FRAMES and threading.current_thread() is _MAIN_THREAD:
        if PYPY:
            # sys._getframe costs PyPy ~4 µs (it materialises the frames its JIT keeps virtual), and its
            # recursion limit is no exact depth bound anyway (docs/portability.md): the whole safe
            # limit is granted, which leaves max_depth frames unless the host is deeper than PYPY_HOST
            if max_depth + _MARGIN + PYPY_HOST <= _MAIN_FRAMES:
                return _call_direct(fn, args, _MAIN_FRAMES)
        else:
            limit = _depth() + max_depth + _MARGIN
            if limit <= _MAIN_FRAMES:
                return _call_direct(fn, args, limit)
    return _call_worker(fn, args, max_depth)


def _nest() -> List[int]:
    """This thread's count of open guest entries (0: not in guest code), in a list so that the
    boundary reads the thread-local attribute once and then updates it in place."""
    try:
        return _local.nest
    except AttributeError:
        nest = _local.nest = [0]
        return nest


def _reenter(nest: List[int], fn: Callable[..., Any], args: Sequence[Any]) -> Any:
    """A host function calling back into Wasm: runs within the limit set by the outermost entry;
    each re-entry uses C stack, hence the cap."""
    n = nest[0]
    if n > MAX_REENTRY:
        raise Trap(TrapCode.StackOverflow)
    nest[0] = n + 1
    try:
        return _run_checked(fn, args)
    finally:
        nest[0] = n


def _call_direct_311(fn: Callable[..., Any], args: Sequence[Any], max_depth: int) -> Any:
    """``call_guest`` where guest code always runs on the calling thread, in one frame.

    A top-level call from Python costs what users feel most (an exported function called in a loop), so
    this path runs in one frame and keeps its per-thread state in one list (a thread-local attribute read
    costs ~45 ns, each write as much): ``nest[0]`` (see ``_nest``) tells a re-entry from a top-level
    call. Same traps as ``_run_checked``."""
    try:
        nest = _local.nest  # _nest() inlined: one call less on every top-level call
    except AttributeError:
        nest = _local.nest = [0]
    if nest[0]:
        return _reenter(nest, fn, args)
    d = _last_depth[0]  # _depth()'s own check, inlined: counted from this frame, the root is frame d - 1
    try:
        if _getframe(d - 1).f_back is not None:
            d = _depth()
    except ValueError:
        d = _depth()
    old = _getlimit()
    nest[0] = 1
    try:
        _setlimit(d + max_depth + _MARGIN)
        return fn(*args)
    except _MAPPED as e:
        err = _trap_for(e)
    finally:
        nest[0] = 0
        _setlimit(old)
    # raised outside the except blocks: no traceback chain through every guest frame
    raise err


_getframe = sys._getframe
_getlimit = sys.getrecursionlimit
_setlimit = sys.setrecursionlimit


_MAIN_THREAD = threading.main_thread()


def _call_direct(fn: Callable[..., Any], args: Sequence[Any], limit: int) -> Any:
    old = sys.getrecursionlimit()
    nest = _nest()
    nest[0] = 1
    try:
        sys.setrecursionlimit(limit)
        return _run_checked(fn, args)
    finally:
        nest[0] = 0
        sys.setrecursionlimit(old)


def _call_worker(fn: Callable[..., Any], args: Sequence[Any], max_depth: int) -> Any:
    global _worker
    w = _worker
    if w is None:
        with _worker_lock:
            if _worker is None:
                _worker = _Worker()
            w = _worker
    return w.call(fn, args, max_depth)
