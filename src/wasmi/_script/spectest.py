"""The ``spectest`` host module every spec script may import (as the reference interpreter defines
it): print functions, four globals, a table and a memory."""

from __future__ import annotations

import sys
from typing import Any, Dict

from .._exec import numerics
from .._runtime.objects import FuncInstance, GlobalInstance, MemoryInstance, TableInstance
from .._syntax.types import F32, F64, FUNCREF, I32, I64, FuncType, GlobalType, Limits, MemoryType, TableType


def _printer(quiet: bool):
    def p(*args: Any) -> None:
        if not quiet:
            print(*args, file=sys.stdout)

    return p


def spectest_exports(quiet: bool = True) -> Dict[str, Any]:
    """name → runtime object, fresh for each script run."""
    pr = _printer(quiet)
    out: Dict[str, Any] = {}
    sigs = {
        "print": (),
        "print_i32": (I32,),
        "print_i64": (I64,),
        "print_f32": (F32,),
        "print_f64": (F64,),
        "print_i32_f32": (I32, F32),
        "print_f64_f64": (F64, F64),
    }
    for name, params in sigs.items():
        out[name] = FuncInstance(FuncType(params, ()), pr, host=pr)
    out["global_i32"] = GlobalInstance(GlobalType(I32, False), 666)
    out["global_i64"] = GlobalInstance(GlobalType(I64, False), 666)
    out["global_f32"] = GlobalInstance(GlobalType(F32, False), numerics.f32_round(666.6))
    out["global_f64"] = GlobalInstance(GlobalType(F64, False), 666.6)
    out["table"] = TableInstance(TableType(FUNCREF, Limits(10, 20)))
    out["memory"] = MemoryInstance(MemoryType(Limits(1, 2)))
    return out
