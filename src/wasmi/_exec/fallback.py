"""The fallback translation for functions whose nesting CPython cannot compile structurally.

The whole body becomes one ``while True:`` loop over numbered states (basic blocks entered by a
label), dispatched by a binary tree of ``if``s on ``_pc``; a branch is ``_pc = N; continue``. The
Python nesting is then logarithmic in the number of states whatever the Wasm nesting, at the price of
one dispatch per branch (docs/RATIONALE.md "Why a state-machine fallback?").
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple, cast

from .._syntax import instructions as I
from .._syntax.ast import Module
from .codegen import FuncTranslator, _Frame, metered

# a state's last line at its top level that leaves it: nothing after it runs
_LEAVES = frozenset(("continue", "return", "_unreachable()"))


class FlatTranslator(FuncTranslator):
    def __init__(self, module: Module, func_index: int, fuel: bool) -> None:
        super().__init__(module, func_index, fuel)
        self.switch_ok = False
        self.states: List[List[Tuple[int, str]]] = []
        self.enter_state(self.new_state())

    def new_state(self) -> int:
        self.states.append([])
        return len(self.states) - 1

    def enter_state(self, n: int) -> None:
        self.lines = self.states[n]
        self.indent = 0

    def open_indent(self) -> None:
        self.indent += 1

    def goto(self, n: int) -> None:
        self.emit(f"_pc = {n}")
        self.emit("continue")

    def branch_code(self, depth: int) -> None:
        f = self.ctl[-1 - depth]
        vals = self.stack[len(self.stack) - f.arity:] if f.arity else []
        if f.kind == "func":
            self.emit_return(vals)
            return
        self.move_to(f.base, vals)
        self.goto(f.loop_index)  # the state a branch to this label enters

    def open_block(self, op: I.Op, ins: tuple, targeted: bool) -> None:
        np_, nr = self.module.block_arity(ins[1])
        cond = self.pop() if op is I.IF else None
        base = len(self.stack) - np_
        kind = "block" if op is I.BLOCK else "loop" if op is I.LOOP else "if"
        f = _Frame(kind, base, np_, nr, targeted)
        self.flush_all()
        self.force_slots(base, len(self.stack))
        f.py_loop = True  # "has states": do_end must not treat it as transparent
        if kind == "block":
            f.loop_index = self.new_state()  # the continuation after ``end``
            self.ctl.append(f)
            return
        if kind == "loop":
            head = self.new_state()
            f.loop_index = head
            self.goto(head)
            self.ctl.append(f)
            self.seg_end()
            self.enter_state(head)
            self.seg_start()
            return
        then_s, else_s, end_s = self.new_state(), self.new_state(), self.new_state()
        f.loop_index = end_s
        f.body_start = else_s  # reused: the else state's number
        self.emit(f"_pc = {then_s} if {cast(list, cond)[0]} else {else_s}")
        self.emit("continue")
        self.ctl.append(f)
        self.seg_end()
        self.enter_state(then_s)
        self.seg_start()

    def do_else(self) -> None:
        f = self.ctl[-1]
        reach = not f.unreachable
        if reach:
            self.move_to(f.base, self.popn(f.nresults))
            self.goto(f.loop_index)
        self.seg_end()
        f.then_reachable = reach
        f.has_else = True
        f.unreachable = False
        del self.stack[f.base:]
        for j in range(f.base, f.base + f.nparams):
            self.stack.append([f"s{j}", None])
        self.enter_state(f.body_start)
        self.seg_start()

    def do_end(self) -> None:
        f = self.ctl[-1]
        if f.kind == "func":
            super().do_end()
            return
        reach = not f.unreachable
        if reach:
            self.move_to(f.base, self.popn(f.nresults))
        self.seg_end()
        if f.kind == "loop":
            after_reach = reach
        else:
            if reach:
                self.goto(f.loop_index)
            if f.kind == "if" and not f.has_else:
                saved = self.lines
                self.lines = self.states[f.body_start]
                self.goto(f.loop_index)
                self.lines = saved
            self.enter_state(f.loop_index)
            after_reach = True
        self.ctl.pop()
        del self.stack[f.base:]
        for j in range(f.base, f.base + f.nresults):
            self.stack.append([f"s{j}", None])
        if after_reach:
            self.seg_start()
        else:
            self.ctl[-1].unreachable = True

    def translate(self) -> str:
        super().translate()  # fills self.states; its own assembly of the lines is not used
        out = self._head_lines()
        out.append("\t_pc = 0")
        out.append("\twhile True:")
        self._state_tree(out, 0, len(self.states), 2)
        return "\n".join(out) + "\n"

    def _head_lines(self) -> List[str]:
        ft = self.ftype
        n = len(ft.params)
        params = [f"l{i}" for i in range(n)]
        lines = [f"def _wasm_f{self.func_index}({', '.join(params)}):"]
        inits: Dict[str, List[str]] = {}
        for i, t in enumerate(self.func.local_types()):
            v = "0.0" if t.name in ("F32", "F64") else "None" if t.is_ref else "0"
            inits.setdefault(v, []).append(f"l{n + i}")
        for v, names in inits.items():
            for k in range(0, len(names), 200):
                lines.append("\t" + " = ".join(names[k:k + 200]) + f" = {v}")
        return lines

    def _state_tree(self, out: List[str], lo: int, hi: int, ind: int) -> None:
        if hi - lo == 1:
            code = self.states[lo]
            for i, text in code:
                parts = text.split("\n")
                out.append("\t" * (ind + i) + parts[0])
                # continuation lines (the fuel check) carry their own relative tabs
                out.extend("\t" * ind + part for part in parts[1:])
            last = code[-1] if code else (1, "")
            if last[0] or last[1] not in _LEAVES and not last[1].startswith("return "):
                out.append("\t" * ind + "_fell_off()")  # not after a jump: dead lines cost compile() time
            return
        mid = (lo + hi) // 2
        out.append("\t" * ind + f"if _pc < {mid}:")
        self._state_tree(out, lo, mid, ind + 1)
        out.append("\t" * ind + "else:")
        self._state_tree(out, mid, hi, ind + 1)


def translate_fallback(module: Module, func_index: int, fuel: bool,
                       costs: Optional[Callable[[I.Op], int]] = None,
                       analyses: Optional[tuple] = None) -> Tuple[str, Dict[str, Any]]:
    """``analyses``: TooComplex.analyses of the structured attempt, if it got that far."""
    t = FlatTranslator(module, func_index, fuel)
    t.op_costs = costs
    t.analyses = analyses
    src = t.translate()
    if fuel:
        src = metered(src, func_index)
    return src, t.consts.values
