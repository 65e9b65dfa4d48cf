"""``wasmi wast``: run WebAssembly spec scripts (``.wast``) against the engine.

Every assertion command counts exactly once — passed, failed or skipped (skips only from the
manifest, ``tests/skip-manifest.tsv``, rows of area ``spec``: file, line or ``*``, reason). A module
or bare action that fails where it should succeed is reported as an *error* (it is not an assertion,
but it fails the run).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any, Dict, List, Optional, Set, Tuple

from .._exec import numerics
from .._exec.compiled import CompiledModule
from .._exec.instantiate import instantiate
from .._runtime.objects import FuncInstance, GlobalInstance, HostRef
from .._syntax.types import ValType
from ..engine import Config, Engine
from ..errors import LinkError, MalformedError, Trap, ValidationError, WasmiError
from ..func import call_raw
from ..store import Store
from .spectest import spectest_exports

ASSERTIONS = (
    "AssertReturn", "AssertTrap", "AssertExhaustion", "AssertMalformed", "AssertInvalid",
    "AssertUnlinkable", "AssertUninstantiable", "AssertException",
)
FUEL = 1 << 62
_WIDTH = {ValType.I32: 32, ValType.F32: 32, ValType.I64: 64, ValType.F64: 64}


class _Fail(Exception):
    pass


def _arg(c: Any) -> Any:
    t, v = c.type, c.value
    if t is ValType.I32:
        return v & 0xFFFFFFFF
    if t is ValType.I64:
        v &= 0xFFFFFFFFFFFFFFFF
        return v - (1 << 64) if v >= 1 << 63 else v
    if t is ValType.F32:
        return numerics.f32_from_bits(v)
    if t is ValType.F64:
        return numerics.f64_from_bits(v)
    if t.is_ref:
        return None if v is None else HostRef(v)
    return v


def _bits(t: ValType, v: Any) -> int:
    if t is ValType.I32:
        return int(v) & 0xFFFFFFFF
    if t is ValType.I64:
        return int(v) & 0xFFFFFFFFFFFFFFFF
    if t is ValType.F32:
        return numerics.f32_to_bits(v)
    if t is ValType.F64:
        return numerics.f64_to_bits(v)
    return int(v)


def _nan_ok(t: ValType, bits: int, kind: str) -> bool:
    if t is ValType.F32:
        exp, quiet, mag = 0x7F800000, 0x00400000, 0x7FFFFFFF
    else:
        exp, quiet, mag = 0x7FF0000000000000, 0x0008000000000000, 0x7FFFFFFFFFFFFFFF
    if kind == "canonical":
        return (bits & mag) == (exp | quiet)
    return (bits & (exp | quiet)) == (exp | quiet)


def _check_value(exp: Any, got: Any) -> bool:
    kind = type(exp).__name__
    if kind == "Const":
        t = exp.type
        if t.is_ref:
            if exp.value is None:
                return got is None
            return got == HostRef(exp.value)
        if isinstance(got, (FuncInstance,)) or got is None:
            return False
        width = _WIDTH.get(t, 128)
        return _bits(t, got) == (exp.value & ((1 << width) - 1))
    if kind == "NanPattern":
        if not isinstance(got, float) or got == got:
            return False
        return _nan_ok(exp.type, _bits(exp.type, got), exp.kind)
    if kind == "RefPattern":
        if got is None:
            return False
        if exp.type is ValType.FUNCREF:
            return isinstance(got, FuncInstance)
        return not isinstance(got, FuncInstance)
    if kind == "Either":
        return any(_check_value(a, got) for a in exp.alternatives)
    if kind == "V128Pattern":
        if not isinstance(got, int):
            return False
        width = 32 if exp.shape == "f32x4" else 64
        ft = ValType.F32 if width == 32 else ValType.F64
        for i, lane in enumerate(exp.lanes):
            b = (got >> (i * width)) & ((1 << width) - 1)
            if isinstance(lane, int):
                if b != lane:
                    return False
            elif not _nan_ok(ft, b, lane.kind):
                return False
        return True
    raise _Fail(f"unknown expected value {exp!r}")


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v!r}"
    return repr(v)


class ScriptRun:
    """Runs one script's commands; collects per-assertion outcomes."""

    def __init__(self, filename: str, fuel: bool, skip_lines: Set[Any], quiet: bool = True,
                 lazy: bool = False) -> None:
        self.filename = filename
        self.fuel = fuel
        # compilation_mode="lazy": bodies decoded and validated when first run; assert_invalid and
        # assert_malformed about a body then hold only once every body is checked ("deferred")
        self.lazy = lazy
        self.deferred = 0
        self.skip_lines = skip_lines
        self.engine = Engine(Config(consume_fuel=fuel, max_call_depth=1024))
        self.store: Store[Any] = Store(self.engine)
        self.registered: Dict[str, Dict[str, Any]] = {"spectest": spectest_exports(quiet)}
        self.named: Dict[str, Any] = {}
        self.last: Any = None
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures: List[Dict[str, Any]] = []
        self.errors: List[Dict[str, Any]] = []

    # --- modules ------------------------------------------------------------------------------
    def _compile(self, sm: Any) -> CompiledModule:
        from .._binary.decode import decode_module
        from .._valid import validate_module

        # text modules go through the encoder and the decoder too: the engine always runs what the
        # binary path produces (offsets for error positions included)
        module = decode_module(sm.binary(), self.lazy)
        check = validate_module(module, bodies=not self.lazy)
        lazy = module.derived.get("lazy_bodies")
        if lazy is not None:
            lazy.check = check
        cfg = self.engine.config()
        return CompiledModule(module, cfg.get_consume_fuel(), False, cfg.get_max_memory_pages())

    def _instantiate(self, cm: CompiledModule) -> Any:
        externs = []
        for imp in cm.module.imports:
            reg = self.registered.get(imp.module)
            ext = None if reg is None else reg.get(imp.name)
            if ext is None:
                raise LinkError(f"unknown import: {imp.module}::{imp.name}")
            externs.append(ext)
        self._refuel()
        inst, start = instantiate(cm, self.store, externs)
        if start is not None:
            call_raw(self.store, start, ())
        return inst

    def _refuel(self) -> None:
        if self.fuel:
            self.store._fuel[0] = FUEL

    # --- actions ------------------------------------------------------------------------------
    def _instance(self, name: Optional[str]) -> Any:
        inst = self.last if name is None else self.named.get(name)
        if inst is None:
            raise _Fail(f"unknown module {name!r}")
        return inst

    def _do(self, action: Any) -> Any:
        inst = self._instance(action.module_name)
        ext = inst.exports.get(action.field)
        kind = type(action).__name__
        if kind == "Get":
            if not isinstance(ext, GlobalInstance):
                raise _Fail(f"no global export {action.field!r}")
            return (ext.value,)
        if not isinstance(ext, FuncInstance):
            raise _Fail(f"no function export {action.field!r}")
        args = [_arg(a) for a in action.args]
        self._refuel()
        r = call_raw(self.store, ext, args)
        n = len(ext.type.results)
        if n == 0:
            return ()
        if n == 1:
            return (r,)
        return tuple(r)

    # --- commands -----------------------------------------------------------------------------
    def run(self, commands: List[Any]) -> None:
        for cmd in commands:
            kind = type(cmd).__name__
            if kind in ASSERTIONS:
                if cmd.line in self.skip_lines or "*" in self.skip_lines:
                    self.skipped += 1
                    continue
                try:
                    self._assert(kind, cmd)
                    self.passed += 1
                except _Fail as e:
                    self.failed += 1
                    self.failures.append({"line": cmd.line, "command": kind, "message": str(e)})
                except Exception as e:  # a crash is a failure of that assertion, not of the run
                    self.failed += 1
                    self.failures.append({"line": cmd.line, "command": kind,
                                          "message": f"crash: {type(e).__name__}: {e}"})
                continue
            try:
                self._command(kind, cmd)
            except Exception as e:
                self.errors.append({"line": cmd.line, "command": kind,
                                    "message": f"{type(e).__name__}: {e}"})

    def _command(self, kind: str, cmd: Any) -> None:
        if kind == "ScriptModule":
            self.last = None
            inst = self._instantiate(self._compile(cmd))
            self.last = inst
            if cmd.name is not None:
                self.named[cmd.name] = inst
        elif kind == "Register":
            inst = self._instance(cmd.module_name)
            self.registered[cmd.as_name] = dict(inst.exports)
        elif kind == "ActionCommand":
            self._do(cmd.action)
        else:
            # module definitions/instances (3.0) and other commands: not yet supported
            raise _Fail(f"unsupported command {kind}")

    def _expect_error(self, cmd: Any, exc: BaseException, classes: Tuple[type, ...]) -> None:
        if not isinstance(exc, classes):
            raise _Fail(f"expected {'/'.join(c.__name__ for c in classes)} {cmd.message!r}, "
                        f"got {type(exc).__name__}: {exc}")
        msg = getattr(exc, "message", None) or str(exc)
        if not msg.startswith(cmd.message):
            raise _Fail(f"expected message {cmd.message!r}, got {msg!r}")

    def _assert(self, kind: str, cmd: Any) -> None:
        if kind == "AssertReturn":
            got = self._do(cmd.action)
            if len(got) != len(cmd.expected):
                raise _Fail(f"expected {len(cmd.expected)} results, got {got!r}")
            for i, (e, g) in enumerate(zip(cmd.expected, got)):
                if not _check_value(e, g):
                    raise _Fail(f"result {i}: expected {e!r}, got {_fmt(g)}")
            return
        if kind in ("AssertTrap", "AssertExhaustion"):
            target = cmd.action_or_module if kind == "AssertTrap" else cmd.action
            try:
                if type(target).__name__ == "ScriptModule":
                    self._instantiate(self._compile(target))
                else:
                    self._do(target)
            except Trap as e:
                self._expect_error(cmd, e, (Trap,))
                return
            raise _Fail(f"expected trap {cmd.message!r}, got a result")
        if kind in ("AssertMalformed", "AssertInvalid"):
            cls: Tuple[type, ...] = (MalformedError,) if kind == "AssertMalformed" else (ValidationError,)
            try:
                cm = self._compile(cmd.module)
            except (MalformedError, ValidationError) as e:
                self._expect_error(cmd, e, cls)
                return
            lazy = cm.module.derived.get("lazy_bodies")
            if lazy is not None:
                try:
                    lazy.check_all(cm.module.funcs)  # what calling every function would report
                except (MalformedError, ValidationError) as e:
                    self._expect_error(cmd, e, cls)
                    self.deferred += 1
                    return
            raise _Fail(f"expected {cls[0].__name__} {cmd.message!r}, module was accepted")
        if kind == "AssertUnlinkable":
            cm = self._compile(cmd.module)
            try:
                self._instantiate(cm)
            except LinkError as e:
                self._expect_error(cmd, e, (LinkError,))
                return
            raise _Fail(f"expected link error {cmd.message!r}, module linked")
        if kind == "AssertUninstantiable":
            cm = self._compile(cmd.module)
            try:
                self._instantiate(cm)
            except Trap as e:
                self._expect_error(cmd, e, (Trap,))
                return
            raise _Fail(f"expected instantiation trap {cmd.message!r}, module instantiated")
        raise _Fail(f"unsupported assertion {kind}")


def load_skips(path: Optional[str]) -> Dict[str, Set[Any]]:
    """file name → set of skipped lines (ints) or ``"*"``, from the manifest's ``spec`` rows."""
    out: Dict[str, Set[Any]] = {}
    if not path or not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, row in enumerate(f):
            cols = row.rstrip("\n").split("\t")
            if n == 0 and cols[0] == "area":
                continue
            if len(cols) < 4 or cols[0] != "spec":
                continue
            item = cols[2].strip()
            out.setdefault(cols[1].strip(), set()).add(int(item) if item.isdigit() else item)
    return out


def run_file(path: str, fuel: bool = False, skips: Optional[Dict[str, Set[Any]]] = None,
             quiet: bool = True, lazy: bool = False) -> ScriptRun:
    """Parse and run one script. Raises WatError when the script itself cannot be parsed."""
    from .wast import parse_script

    with open(path, encoding="utf-8") as f:
        text = f.read()
    commands = parse_script(text, path)
    skip_lines = (skips or {}).get(os.path.basename(path), set())
    run = ScriptRun(path, fuel, skip_lines, quiet, lazy)
    run.run(commands)
    return run


def _default_manifest() -> Optional[str]:
    here = os.path.abspath(os.path.dirname(__file__))
    cand = os.path.join(here, "..", "..", "..", "tests", "skip-manifest.tsv")
    return cand if os.path.exists(cand) else None


def main_wast(ns: argparse.Namespace) -> int:
    skips = load_skips(ns.skip_manifest if ns.skip_manifest else None)
    total_p = total_f = total_s = total_e = total_d = 0
    lazy = getattr(ns, "lazy", False)
    report = []
    for path in ns.files:
        t0 = time.perf_counter()
        try:
            r = run_file(path, fuel=ns.fuel, skips=skips, quiet=not getattr(ns, "verbose", False), lazy=lazy)
        except WasmiError as e:
            total_e += 1
            print(f"{path}: cannot run: {e}")
            report.append({"file": path, "error": str(e)})
            continue
        dt = time.perf_counter() - t0
        total_p += r.passed
        total_f += r.failed
        total_s += r.skipped
        total_e += len(r.errors)
        total_d += r.deferred
        line = f"{path}: {r.passed} passed, {r.failed} failed"
        if r.deferred:
            line += f" ({r.deferred} of the passed errors only on first call)"
        if r.skipped:
            line += f", {r.skipped} skipped"
        if r.errors:
            line += f", {len(r.errors)} errors"
        if not ns.json:
            print(f"{line} ({dt:.2f}s)")
            for f in (r.failures + r.errors)[:20]:
                print(f"  line {f['line']}: {f['command']}: {f['message']}")
        report.append({"file": path, "passed": r.passed, "failed": r.failed, "skipped": r.skipped,
                       "deferred": r.deferred, "failures": r.failures, "errors": r.errors,
                       "seconds": round(dt, 3)})
    if ns.json:
        print(json.dumps({"files": report, "passed": total_p, "failed": total_f,
                          "skipped": total_s, "deferred": total_d, "errors": total_e}, indent=1))
    tail = f"{total_p} passed, {total_f} failed"
    if total_s:
        tail += f", {total_s} skipped"
    if total_e:
        tail += f", {total_e} errors"
    if lazy:
        tail += f"; lazy bodies: {total_d} assert_invalid/assert_malformed reported only on first call"
    print(tail)
    return 0 if total_f == 0 and total_e == 0 else 1
