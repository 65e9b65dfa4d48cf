"""A validated module plus its cache of translated functions (shared by all its instances)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from .._syntax.ast import Module
from ..errors import InternalError, WasmiError
from .align import WHOLE_MODULE_LIMIT
from .codegen import TooComplex, translate_function

FORCE_FALLBACK = False  # tests set it to run the spec suite through the fallback translation


class CompiledModule:
    """``code_for(i)`` gives the code object defining ``_wasm_f{i}`` and its constants; source is
    generated once per module and fuel mode, whatever the number of instances."""

    def __init__(self, module: Module, fuel: bool, eager: bool, memory_limit_pages: int = 65536,
                 costs: Optional[Callable[[Any], int]] = None) -> None:
        self.module = module
        self.fuel = fuel
        self.costs = costs  # fuel per operator (Config.fuel_costs); None: 1 each
        self.eager = eager
        self.memory_limit_pages = memory_limit_pages
        self._cache: Dict[int, Tuple[Any, Dict[str, Any]]] = {}
        self.sources: Dict[int, str] = {}
        # compilation_mode="lazy": bodies are decoded and validated when first translated
        self._lazy = module.derived.get("lazy_bodies")
        if self._lazy is not None and self._lazy.code_bytes > WHOLE_MODULE_LIMIT:
            # more instructions than a whole-module walk may take? (each takes at least one byte):
            # then analyses go function by function instead of decoding every body
            module.derived["bodies_on_demand"] = True

    def code_for(self, index: int) -> Tuple[Any, Dict[str, Any]]:
        hit = self._cache.get(index)
        if hit is not None:
            return hit
        if self._lazy is not None:
            # a malformed or invalid body raises its error here
            self._lazy.check_function(self.module.funcs[index - self._lazy.nimp])
        try:
            code, src, consts = self._translate(index)
        except WasmiError:
            raise
        except Exception as e:
            # translation often runs inside a guest call, whose boundary would misreport an
            # IndexError or struct.error from a translator bug as an out-of-bounds trap
            raise InternalError(f"translating function {index} failed: {type(e).__name__}: {e}") from e
        self.sources[index] = src
        hit = (code, consts)
        self._cache[index] = hit
        return hit

    def _translate(self, index: int) -> Tuple[Any, str, Dict[str, Any]]:
        from .fallback import translate_fallback

        code = None
        analyses = None
        try:
            if FORCE_FALLBACK:
                raise TooComplex("forced")
            src, consts = translate_function(self.module, index, self.fuel, self.costs)
            code = compile(src, f"<wasm function {index}>", "exec")
        except TooComplex as e:
            analyses = e.analyses
        except (SyntaxError, RecursionError, MemoryError):
            pass  # over CPython's nesting limits (the compiler's own verdict)
        if code is None:
            src, consts = translate_fallback(self.module, index, self.fuel, self.costs, analyses)
            code = compile(src, f"<wasm function {index}>", "exec")
        return code, src, consts
