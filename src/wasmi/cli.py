"""The ``wasmi`` command line (also ``python -m wasmi``).

Subcommands::

    wasmi run FILE.wasm|.wat --invoke NAME [ARGS...]   run a function and print its results
    wasmi wast FILE...                                 run WebAssembly spec scripts
    wasmi wat2wasm IN [-o OUT]                         text -> binary
    wasmi wasm2wat IN [-o OUT]                         binary -> text
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from .errors import WasmiError


def _wat2wasm(ns: argparse.Namespace) -> int:
    from .wat import parse_file

    data = parse_file(ns.input)
    if ns.output:
        with open(ns.output, "wb") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _wasm2wat(ns: argparse.Namespace) -> int:
    from ._binary.decode import decode_module
    from ._text.printer import print_module
    from .wat import parse_file

    text = print_module(decode_module(parse_file(ns.input)))
    if ns.output:
        with open(ns.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _wast(ns: argparse.Namespace) -> int:
    from ._script.runner import main_wast

    return main_wast(ns)


def _run(ns: argparse.Namespace) -> int:
    from ._script.run import main_run

    return main_run(ns)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wasmi", description="A pure-Python WebAssembly runtime.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run a function of a module and print its results")
    r.add_argument("module", help="a .wasm or .wat file")
    r.add_argument("--invoke", metavar="NAME", help="the exported function to call (default: _start)")
    r.add_argument("--fuel", type=int, default=None, help="run with fuel metering and this much fuel")
    r.add_argument("args", nargs="*", help="arguments, parsed by the function's parameter types")
    r.set_defaults(func=_run)

    w = sub.add_parser("wast", help="run .wast spec scripts")
    w.add_argument("files", nargs="+", metavar="FILE")
    w.add_argument("--fuel", action="store_true", help="run everything with fuel metering on")
    w.add_argument("--lazy", action="store_true",
                   help='decode and validate function bodies on first call (compilation_mode="lazy"); an '
                        "assert_invalid/assert_malformed about a body passes if checking every body raises it")
    w.add_argument("--json", action="store_true", help="print details as JSON")
    w.add_argument("--skip-manifest", metavar="TSV", help="skip the assertions listed in this manifest")
    w.set_defaults(func=_wast)

    a = sub.add_parser("wat2wasm", help="translate the text format to the binary format")
    a.add_argument("input")
    a.add_argument("-o", "--output")
    a.set_defaults(func=_wat2wasm)

    b = sub.add_parser("wasm2wat", help="print a binary module in the text format")
    b.add_argument("input")
    b.add_argument("-o", "--output")
    b.set_defaults(func=_wasm2wat)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    # `run FILE --invoke NAME ARGS...`: argparse gives the positionals after an option to no one
    ns, extra = parser.parse_known_args(argv)
    if extra:
        if ns.command != "run" or any(e.startswith("--") for e in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        ns.args = list(ns.args) + extra
    try:
        return int(ns.func(ns))
    except WasmiError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
