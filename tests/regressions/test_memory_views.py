"""Loads and stores through typed memoryviews (proven-aligned accesses) and the views' life across
``memory.grow``: edge cases compared against wasmtime, plus the alignment analysis and the index
folding checked on their own."""

from __future__ import annotations

import random
import struct

import pytest

import wasmi._exec.compiled as compiled
from wasmi import Config, Engine, Limits, Linker, Memory, MemoryType, Module, Store, Trap, WasmiError
from wasmi._binary.decode import decode_module
from wasmi._exec import align
from wasmi._exec.codegen import translate_function
from wasmi.wat import parse_str

# Internal functions take addresses their callers build as ``i << k``: the analysis proves them
# aligned (parameters of functions only called directly get their callers' alignment).
WAT = """(module
  (memory 1)
  (func $ld32 (param i32) (result i32) (i32.load (local.get 0)))
  (func $ld32o (param i32) (result i32) (i32.load offset=8 (local.get 0)))
  (func $st32 (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func $ld64 (param i32) (result i64) (i64.load (local.get 0)))
  (func $st64 (param i32 i64) (i64.store offset=16 (local.get 0) (local.get 1)))
  (func $f64copy (param i32 i32) (f64.store (local.get 1) (f64.load (local.get 0))))
  (func $ld16s (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func $ld16u (param i32) (result i64) (i64.load16_u (local.get 0)))
  (func $st16 (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func $ld32s64 (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func $ld32u64 (param i32) (result i64) (i64.load32_u (local.get 0)))
  (func $st32_64 (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "ld32") (param i32) (result i32) (call $ld32 (i32.shl (local.get 0) (i32.const 2))))
  (func (export "ld32o") (param i32) (result i32) (call $ld32o (i32.shl (local.get 0) (i32.const 2))))
  ;; (i << 2) + 0xFFFFFFFC: i = 0 wraps to the top of the address space
  (func (export "ld32w") (param i32) (result i32)
    (call $ld32 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const -4))))
  (func (export "st32") (param i32 i32) (call $st32 (i32.shl (local.get 0) (i32.const 2)) (local.get 1)))
  (func (export "ld64") (param i32) (result i64) (call $ld64 (i32.shl (local.get 0) (i32.const 3))))
  (func (export "st64") (param i32 i64) (call $st64 (i32.shl (local.get 0) (i32.const 3)) (local.get 1)))
  (func (export "f64copy") (param i32 i32)
    (call $f64copy (i32.shl (local.get 0) (i32.const 3)) (i32.shl (local.get 1) (i32.const 3))))
  (func (export "ld16s") (param i32) (result i32) (call $ld16s (i32.shl (local.get 0) (i32.const 1))))
  (func (export "ld16u") (param i32) (result i64) (call $ld16u (i32.mul (local.get 0) (i32.const 2))))
  (func (export "st16") (param i32 i32) (call $st16 (i32.shl (local.get 0) (i32.const 1)) (local.get 1)))
  (func (export "ld32s64") (param i32) (result i64) (call $ld32s64 (i32.shl (local.get 0) (i32.const 2))))
  (func (export "ld32u64") (param i32) (result i64) (call $ld32u64 (i32.shl (local.get 0) (i32.const 2))))
  (func (export "st32_64") (param i32 i64) (call $st32_64 (i32.shl (local.get 0) (i32.const 2)) (local.get 1)))
  ;; exported: the address is unknown, struct path (unaligned addresses are fine)
  (func (export "ld32u") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "ld8s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "ld8s64") (param i32) (result i64) (i64.load8_s (local.get 0)))
  ;; a loop reading and writing through the views, growing the memory in its middle
  (func (export "grow_loop") (param i32) (result i32) (local $k i32) (local $sum i32)
    (loop $l
      (if (i32.eq (local.get $k) (i32.const 4))
        (then (drop (memory.grow (local.get 0)))))
      (i32.store (i32.shl (local.get $k) (i32.const 14)) (i32.add (local.get $k) (i32.const 100)))
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.shl (local.get $k) (i32.const 14)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 8))))
    (local.get $sum))
  (func (export "size") (result i32) (memory.size))
  ;; constant addresses fold to constant indices: -4 + offset 4 is 2**32, not 0
  (func (export "ldc_wrap") (result i32) (i32.load offset=4 (i32.const -4)))
  (func (export "ldc_last") (result i64) (i64.load offset=65528 (i32.const 0)))
  (func (export "ldc_past") (result i64) (i64.load offset=65528 (i32.const 8)))
)"""

PAGE = 65536
U32 = 0xFFFFFFFF
# (export, args); the same sequence runs on both engines, state carried between calls
CALLS = [
    ("st32", (0, 0x11223344)), ("ld32", (0,)), ("ld32u", (1,)), ("ld32u", (PAGE - 4,)), ("ld32u", (PAGE - 3,)),
    ("st32", (PAGE // 4 - 1, -7)), ("ld32", (PAGE // 4 - 1,)), ("ld32", (PAGE // 4,)), ("ld32", (0x3FFFFFFF,)),
    ("ld32o", (PAGE // 4 - 3,)), ("ld32o", (PAGE // 4 - 2,)), ("ld32o", (0x3FFFFFFF,)),
    ("ld32w", (0,)), ("ld32w", (1,)), ("ld32w", (PAGE // 4,)), ("ld32w", (PAGE // 4 + 1,)),
    ("st32", (PAGE // 4, 1)),
    ("st64", (1, -2)), ("ld64", (3,)), ("st64", (2, -(2**63))), ("ld64", (4,)),
    ("st64", (PAGE // 8 - 3, 5)), ("st64", (PAGE // 8 - 2, 5)), ("ld64", (PAGE // 8 - 1,)), ("ld64", (PAGE // 8,)),
    ("st64", (10, 0x7FF0000000000001)), ("f64copy", (12, 20)), ("ld64", (20,)),
    ("st64", (10, -0x000BFFFFFFFFF544)), ("f64copy", (12, 21)), ("ld64", (21,)),  # 0xFFF4000000000ABC
    ("f64copy", (12, PAGE // 8)), ("f64copy", (PAGE // 8, 12)),
    ("st16", (5, 0x18765)), ("ld16s", (5,)), ("ld16u", (5,)), ("ld16s", (PAGE // 2 - 1,)), ("ld16s", (PAGE // 2,)),
    ("st16", (PAGE // 2, 1)), ("ld16u", (0x7FFFFFFF,)),
    ("st32_64", (7, -1)), ("ld32s64", (7,)), ("ld32u64", (7,)), ("st32_64", (PAGE // 4, 0)),
    ("ld8s", (28,)), ("ld8s64", (28,)), ("ld8s", (PAGE - 1,)), ("ld8s", (PAGE,)), ("ld8s64", (U32,)),
    ("ld32", (PAGE // 4 - 1,)), ("ldc_wrap", ()), ("ldc_last", ()), ("ldc_past", ()),
    ("grow_loop", (1,)), ("size", ()), ("ld32", (PAGE // 4,)), ("ld32", (2 * PAGE // 4 - 1,)), ("ld32", (2 * PAGE // 4,)),
    ("ld64", (2 * PAGE // 8 - 1,)), ("ld8s", (2 * PAGE - 1,)),
]


def _wasmtime_results(wat: str, calls):
    wasmtime = pytest.importorskip("wasmtime")
    eng = wasmtime.Engine()
    st = wasmtime.Store(eng)
    inst = wasmtime.Instance(st, wasmtime.Module(eng, wat), [])
    out = []
    for name, args in calls:
        try:
            out.append(inst.exports(st)[name](st, *args))
        except wasmtime.Trap as e:
            out.append(("trap", "out of bounds" in str(e)))
    return out


def _wasmi_results(wat: str, calls, fuel: bool):
    engine = Engine(Config(consume_fuel=fuel))
    store = Store(engine)
    if fuel:
        store.set_fuel(10**9)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, wat))
    out = []
    for name, args in calls:
        try:
            out.append(inst.get_func(store, name).call(store, *args))
        except Trap as e:
            out.append(("trap", "out of bounds" in str(e)))
    return out


@pytest.mark.parametrize("fuel", [False, True], ids=["plain", "fuel"])
@pytest.mark.parametrize("fallback", [False, True], ids=["structured", "state-machine"])
def test_accesses_match_wasmtime(fuel, fallback, monkeypatch) -> None:
    monkeypatch.setattr(compiled, "FORCE_FALLBACK", fallback)
    want = _wasmtime_results(WAT, CALLS)
    got = _wasmi_results(WAT, CALLS, fuel)
    for (name, args), w, g in zip(CALLS, want, got):
        assert g == w, (name, args)
    assert ("trap", True) in got and got.count(("trap", True)) >= 10


def test_hosts_without_views_keep_struct(monkeypatch) -> None:
    """Big-endian hosts and PyPy (align.VIEWS_OK false): no views in the namespace or the code."""
    from wasmi._exec import codegen_mem, instantiate

    monkeypatch.setattr(codegen_mem, "VIEWS_OK", False)
    monkeypatch.setattr(instantiate, "VIEWS_OK", False)
    assert _wasmi_results(WAT, CALLS, False) == _wasmtime_results(WAT, CALLS)
    m = decode_module(parse_str(WAT))
    assert "V0" not in translate_function(m, 0, False)[0]


def test_the_aligned_functions_use_views() -> None:
    m = decode_module(parse_str(WAT))
    srcs = {i: translate_function(m, i, False)[0] for i in range(len(m.funcs))}
    for i in range(12):  # $ld32 .. $st32_64
        assert "V0" in srcs[i] and "(M0" not in srcs[i], srcs[i]
    assert "_uI(M0" in srcs[25]  # ld32u: unknown address
    assert "V0b[" in srcs[26]  # ld8s: bytes are always aligned
    assert srcs[28].count("V0I[") == 2  # grow_loop: (k << 14) is 4-aligned
    assert "V0I[1073741824]" in srcs[30] and "V0q[8191]" in srcs[31] and "V0q[8192]" in srcs[32]


def test_nan_payloads_survive_view_loads_and_stores() -> None:
    """f64 through a 'd' view keeps signalling-NaN payloads bit for bit on this host."""
    engine = Engine()
    store = Store(engine)
    inst = Linker(engine).instantiate_and_start(store, Module(engine, WAT))
    st64, copy, ld64 = (inst.get_func(store, n) for n in ("st64", "f64copy", "ld64"))
    for bits in (0x7FF0000000000001, 0x7FF4000000000ABC, 0xFFF0000000000001, 0x7FF8000000000000,
                 0xFFFFFFFFFFFFFFFF, 0x8000000000000000):
        signed = bits - 2**64 if bits >= 2**63 else bits
        st64.call(store, 0, signed)  # stored at byte 16 = f64 index 2
        copy.call(store, 2, 9)
        assert ld64.call(store, 9) == signed


ZERO_PAGES = """(module
  (memory (export "mem") 0)
  (func $ld (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "ld") (param i32) (result i64) (call $ld (i32.shl (local.get 0) (i32.const 3))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"""


def test_memory_of_zero_pages() -> None:
    calls = [("ld", (0,)), ("grow", (1,)), ("ld", (0,)), ("ld", (PAGE // 8 - 1,)), ("ld", (PAGE // 8,))]
    assert _wasmi_results(ZERO_PAGES, calls, False) == _wasmtime_results(ZERO_PAGES, calls)


SHARED = """(module
  (import "env" "mem" (memory 1))
  (func $ld (param i32) (result i32) (i32.load (local.get 0)))
  (func $st (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "ld") (param i32) (result i32) (call $ld (i32.shl (local.get 0) (i32.const 2))))
  (func (export "st") (param i32 i32) (call $st (i32.shl (local.get 0) (i32.const 2)) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"""


def test_imported_memory_shared_by_two_instances_grown_by_one() -> None:
    engine = Engine()
    store = Store(engine)
    mem = Memory.new(store, MemoryType(Limits(1)))
    linker = Linker(engine).define("env", "mem", mem)
    mod = Module(engine, SHARED)
    a = linker.instantiate_and_start(store, mod)
    b = linker.instantiate_and_start(store, mod)
    ld_b, st_b = b.get_func(store, "ld"), b.get_func(store, "st")
    with pytest.raises(Trap):
        ld_b.call(store, PAGE // 4)
    assert a.get_func(store, "grow").call(store, 2) == 1
    st_b.call(store, 3 * PAGE // 4 - 1, 77)  # the last word of the new pages, through b's views
    assert a.get_func(store, "ld").call(store, 3 * PAGE // 4 - 1) == 77
    assert mem.data(store)[3 * PAGE - 4] == 77
    with pytest.raises(Trap):
        ld_b.call(store, 3 * PAGE // 4)
    # a host grow reaches both namespaces too
    assert mem.grow(store, 1) == 3
    st_b.call(store, PAGE - 1, 5)
    assert a.get_func(store, "ld").call(store, PAGE - 1) == 5
    mem.data(store)[0:4] = b"\x01\x02\x03\x04"
    assert ld_b.call(store, 0) == 0x04030201


def test_a_host_view_blocks_grow_cleanly_and_views_still_work() -> None:
    engine = Engine()
    store = Store(engine)
    mem = Memory.new(store, MemoryType(Limits(1)))
    inst = Linker(engine).define("env", "mem", mem).instantiate_and_start(store, Module(engine, SHARED))
    grow, ld, st = (inst.get_func(store, n) for n in ("grow", "ld", "st"))
    held = memoryview(mem.data(store))
    assert grow.call(store, 1) == -1
    with pytest.raises(WasmiError):
        mem.grow(store, 1)
    st.call(store, 10, 123)
    assert ld.call(store, 10) == 123 and held[40] == 123
    held.release()
    assert grow.call(store, 1) == 1
    st.call(store, 2 * PAGE // 4 - 1, 9)
    assert ld.call(store, 2 * PAGE // 4 - 1) == 9


def test_dropped_namespaces_are_not_kept_alive_by_a_shared_memory() -> None:
    import gc
    import weakref

    from wasmi._runtime.objects import MemoryInstance

    class Owner:
        def __init__(self) -> None:
            self.ns: dict = {}

    mi = MemoryInstance(MemoryType(Limits(1)))
    keep, drop = Owner(), Owner()
    mi.share_views(keep, "V0", ("I", "q"))
    mi.share_views(drop, "V0", ("I", "q"))
    gone = weakref.ref(drop)
    old_view = keep.ns["V0I"]
    del drop
    gc.collect()
    assert gone() is None  # the memory holds its users weakly
    assert mi.grow(1) == 1
    assert len(mi._sharers) == 1
    assert keep.ns["V0I"] is not old_view and len(keep.ns["V0I"]) == 2 * PAGE // 4
    assert len(keep.ns["V0q"]) == 2 * PAGE // 8
    with pytest.raises(ValueError):
        old_view[0]  # released by grow: a stale view can never read the old buffer


# --- the analysis on its own ------------------------------------------------------------------

def _tz_of_accesses(wat: str, func: int = 0):
    m = decode_module(parse_str(wat))
    al = align.function_alignment(m, func)
    return [al.access[pc] for pc in sorted(al.access)], al


def test_analysis_lowers_a_local_to_its_weakest_assignment() -> None:
    base = """(module (memory 1) (func (export "f") (param i32) (local i32)
      (local.set 1 (i32.const 64))
      (loop $l
        (drop (i32.load (local.get 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const STEP)))
        (br_if $l (local.get 0)))))"""
    assert _tz_of_accesses(base.replace("STEP", "8"))[0] == [3]
    assert _tz_of_accesses(base.replace("STEP", "2"))[0] == [1]
    assert _tz_of_accesses(base.replace("STEP", "-16"))[0] == [4]


def test_analysis_rules() -> None:
    wat = """(module (memory 1) (func (export "f") (param i32) (local i32 i32)
      (drop (i32.load (i32.mul (local.get 0) (i32.const 12))))      ;; param 0 bits, * 12 -> 2
      (drop (i32.load (i32.and (local.get 0) (i32.const -8))))      ;; mask -> 3
      (drop (i32.load offset=2 (i32.shl (local.get 0) (i32.const 4))))  ;; offset 2 -> 1
      (local.set 1 (i32.load (i32.const 0)))                        ;; a load: 0
      (drop (i32.load (local.get 1)))
      (drop (i32.load (select (i32.const 8) (i32.const 24) (local.get 0))))  ;; min(3, 3)
      (drop (i32.load (i32.shr_u (i32.const 64) (local.get 0))))    ;; shr: 0
      (drop (i32.load (local.get 2)))                               ;; never assigned: 0 is aligned
    ))"""
    assert _tz_of_accesses(wat)[0] == [2, 3, 1, 32, 0, 3, 0, 32]


def test_analysis_parameters_follow_call_sites_unless_exported_or_in_a_table() -> None:
    wat = """(module (memory 1) (table 1 funcref) (elem (i32.const 0) $t)
      (func $p (param i32) (drop (i32.load (local.get 0))))
      (func $t (param i32) (drop (i32.load (local.get 0))))
      (func (export "e") (param i32) (drop (i32.load (local.get 0))))
      (func (export "c") (call $p (i32.const 16)) (call $t (i32.const 16)) (call 2 (i32.const 16))
        (call $p (i32.const 8))))"""
    m = decode_module(parse_str(wat))
    assert [align.function_alignment(m, i).access[1] for i in range(3)] == [3, 0, 0]


def test_analysis_of_globals() -> None:
    wat = """(module (memory 1)
      (global $sp (mut i32) (i32.const 65536))
      (global $ex (export "ex") (mut i32) (i32.const 65536))
      (func (export "f")
        (global.set $sp (i32.sub (global.get $sp) (i32.const 32)))
        (drop (i32.load (global.get $sp)))
        (drop (i32.load (global.get $ex)))))"""
    assert _tz_of_accesses(wat)[0] == [5, 0]


def test_huge_modules_are_analysed_per_function(monkeypatch) -> None:
    monkeypatch.setattr(align, "WHOLE_MODULE_LIMIT", 0)
    wat = """(module (memory 1) (func $p (param i32) (drop (i32.load (local.get 0))))
      (func (local i32) (local.set 0 (i32.const 16)) (drop (i32.load (local.get 0))) (call $p (i32.const 16))))"""
    m = decode_module(parse_str(wat))
    assert align.function_alignment(m, 0).access[1] == 0
    assert align.function_alignment(m, 1).access[3] == 4


def test_unreachable_code_and_block_results() -> None:
    wat = """(module (memory 1) (func (export "f") (param i32) (local i32)
      (local.set 1 (i32.const 16))
      (block $b (br $b) (local.set 1 (i32.const 1)))                 ;; dead: ignored
      (drop (i32.load (local.get 1)))
      (drop (i32.load (block (result i32) (i32.const 16))))         ;; block results: 0
      (drop (i32.load (if (result i32) (local.get 0) (then (i32.const 8)) (else (i32.const 16)))))))"""
    assert _tz_of_accesses(wat)[0] == [4, 0, 0]


# --- index folding ----------------------------------------------------------------------------

def _check_index(expr: str, env: dict, off: int, k: int, names: dict) -> None:
    ns = dict(env)
    addr = eval(expr, ns)
    idx_src = align.index_expr(expr, off, k, names)
    idx = eval(idx_src, dict(env))
    assert (addr + off) % (1 << k) == 0
    assert idx == (addr + off) >> k and idx >= 0, (expr, idx_src)


def test_index_expressions_are_exact_and_never_negative() -> None:
    rnd = random.Random(7)
    wrap = "(_nt if (_nt := l1 + 1049612) < 0x100000000 else _nt - 0x100000000)"
    wrap_sub = "(_nt if (_nt := l1 - 4) >= 0 else _nt + 0x100000000)"
    for _ in range(300):
        l1 = rnd.randrange(0, 2**32, 4)
        y = rnd.randrange(0, 2**20)
        env = {"l1": l1, "y": y, "s3": rnd.randrange(0, 2**16)}
        _check_index(wrap, env, 0, 2, {"l1": 2})
        _check_index(wrap, env, 8, 2, {"l1": 2})
        if l1 >= 4:
            _check_index(wrap_sub, env, 4, 2, {"l1": 2})
        _check_index("(y << 3)", env, 16, 3, {})
        _check_index("(y << 3)", env, 0, 2, {})
        _check_index("((y << 2) + 1053696)", env, 0, 2, {})
        _check_index("((y << 2) + 1053696)", env, 4, 2, {})
        if l1 < 2**31:
            _check_index("(l1 + 96)", env, 4, 2, {"l1": 2})
            if l1 % 8 == 0:  # the sum proven 8-aligned, l1 itself only 4-aligned: no folding
                _check_index("(l1 + 96)", env, 0, 3, {"l1": 2})
        _check_index("((s3 << 3) + 16)", env, 8, 3, {})
        _check_index(wrap, env, 5, 0, {})
        _check_index("1024", env, 8, 3, {})
    assert align.index_expr("((y << 2) + 1053696)", 0, 2, {}) == "y + 263424"
    assert align.index_expr(wrap, 0, 2, {}) == wrap + " >> 2"
    assert align.index_expr(wrap, 3, 0, {}) == wrap + " + 3"
    assert align.index_expr("1024", 8, 3, {}) == "129"
    # an unparenthesised expression is parenthesised before the shift
    odd = "(_nt if (_nt := a) < 0x100000000 else _nt - 0x100000000) + (b)"
    assert align.index_expr(odd, 0, 2, {}) == "(" + odd + ") >> 2"
    assert align.index_expr("(l1 + 96)", 4, 2, {"l1": 2}) == "(l1 >> 2) + 25"


def test_struct_fallback_reads_the_same_bytes() -> None:
    """A view and struct agree on layout (little-endian): the same memory read both ways."""
    if not align.VIEWS_OK:
        pytest.skip("views are only used on little-endian CPython")
    data = bytearray(random.Random(3).randbytes(64))
    for code, fmt in (("I", "<I"), ("q", "<q"), ("d", "<d"), ("H", "<H"), ("h", "<h"), ("i", "<i"), ("b", "<b")):
        v = memoryview(data).cast(code)
        n = struct.calcsize(fmt)
        for i in range(len(data) // n):
            a, b = v[i], struct.unpack_from(fmt, data, i * n)[0]
            assert a == b or (a != a and b != b)
        v.release()


def test_flow_sensitive_versions_of_reused_locals() -> None:
    wat = """(module (memory 1) (func (export "f") (param i32) (local i32)
      (local.set 0 (i32.const 64))                          ;; a parameter reused as a pointer
      (local.set 1 (i32.const 32))
      (loop $l
        (drop (i32.load (local.get 0)))                     ;; 64 + 16k: 4 bits
        (drop (i32.load (local.get 1)))                     ;; 32 or 8 + 8k: 3 bits
        (local.set 0 (i32.add (local.get 0) (i32.const 16)))
        (local.set 1 (i32.add (local.get 1) (i32.const 8)))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 1000))))
      (local.set 1 (i32.load (i32.const 0)))                ;; reused for an unknown value
      (drop (i32.load (local.get 1)))
      (block $b
        (local.set 0 (i32.const 256))
        (br_if $b (local.get 1))                            ;; carries 256
        (local.set 0 (i32.const 6)))                        ;; falls through with 6
      (drop (i32.load (local.get 0)))                       ;; min(8, 1)
      (if (local.get 1) (then (local.set 0 (i32.const 8))) (else (local.set 0 (i32.const 24))))
      (drop (i32.load (local.get 0)))))                     ;; 3"""
    assert _tz_of_accesses(wat)[0] == [4, 3, 32, 0, 1, 3]


def test_over_budget_functions_fall_back_to_one_node_per_local(monkeypatch) -> None:
    monkeypatch.setattr(align, "_BUDGET_BASE", -10**6)
    wat = """(module (memory 1) (func (export "f") (param i32) (local i32)
      (local.set 1 (i32.const 64))
      (block $b (br_if $b (local.get 0)) (local.set 1 (i32.const 32)))
      (drop (i32.load (local.get 1)))
      (local.set 1 (i32.const 2))))"""
    assert _tz_of_accesses(wat)[0] == [1]  # flat: every assignment of l1 counts


def _random_body(rnd: random.Random, depth: int, out: list, loops: list) -> None:
    """Statements over locals 0..3 (0 is the exported function's parameter), nested blocks, bounded
    loops (locals 4.. count down), branches, and loads/stores through the locals' values."""
    for _ in range(rnd.randint(1, 5)):
        r = rnd.random()
        x, y = rnd.randrange(4), rnd.randrange(4)
        if r < 0.25:
            c = rnd.choice([0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 1024, 0xFFFFFFF8, 0xFFFFFFFC])
            expr = rnd.choice([
                f"(i32.const {c})",
                f"(i32.add (local.get {y}) (i32.const {c}))",
                f"(i32.sub (local.get {y}) (i32.const {c}))",
                f"(i32.shl (local.get {y}) (i32.const {rnd.randrange(4)}))",
                f"(i32.mul (local.get {y}) (i32.const {c}))",
                f"(i32.and (local.get {y}) (i32.const {c}))",
                f"(i32.or (local.get {y}) (i32.const {c}))",
                f"(i32.add (local.get {x}) (local.get {y}))",
                f"(select (local.get {x}) (i32.const {c}) (local.get {y}))",
                f"(i32.load (i32.and (local.get {y}) (i32.const 0xFFFC)))",
            ])
            out.append(f"(local.set {x} (i32.and {expr} (i32.const 0xFFFF)))" if rnd.random() < 0.3
                       else f"(local.set {x} {expr})")
        elif r < 0.45:
            op = rnd.choice(["i32.load", "i64.load", "f64.load", "i32.load16_s", "i64.load32_u"])
            out.append(f"(drop ({op} offset={rnd.choice([0, 4, 8, 16])} (local.get {x})))")
        elif r < 0.6:
            op = rnd.choice(["i32.store", "i32.store16", "i64.store32"])
            val = f"(local.get {y})" if op == "i32.store" else ("(i32.const 7)" if op == "i32.store16" else "(i64.const -3)")
            out.append(f"({op} offset={rnd.choice([0, 4, 8])} (local.get {x}) {val})")
        elif r < 0.7 and depth < 3:
            out.append("(block")
            _random_body(rnd, depth + 1, out, loops + ["block"])
            out.append(")")
        elif r < 0.8 and depth < 3:
            cnt = 4 + depth  # one counter per nesting depth: an inner loop must not reset the outer's
            out.append(f"(local.set {cnt} (i32.const 3)) (loop")
            _random_body(rnd, depth + 1, out, loops + ["loop"])
            out.append(f"(br_if 0 (local.tee {cnt} (i32.sub (local.get {cnt}) (i32.const 1)))))")
        elif r < 0.9 and depth < 3:
            out.append(f"(if (local.get {y}) (then")
            _random_body(rnd, depth + 1, out, loops + ["if"])
            out.append(") (else")
            _random_body(rnd, depth + 1, out, loops + ["if"])
            out.append("))")
        elif loops:
            # a forward branch out of an enclosing block/if (never back to a loop: it would not end)
            outs = [d for d, k in enumerate(reversed(loops)) if k != "loop"]
            if outs:
                out.append(f"(br_if {rnd.choice(outs)} (local.get {y}))")


def test_random_programs_never_claim_a_false_alignment(monkeypatch) -> None:
    """Every view access checks at run time that its address has the alignment the analysis claimed
    (a wrapper around the index expression); random programs with reused locals, joins and loops."""
    import builtins

    from wasmi._exec import codegen_mem

    bad = []

    def check(addr, off, k):
        if (addr + off) % (1 << k):
            bad.append((addr, off, k))
        return (addr + off) >> k

    monkeypatch.setattr(builtins, "_align_check", check, raising=False)
    monkeypatch.setattr(codegen_mem, "index_expr",
                        lambda a, off, k, names: f"_align_check({a}, {off}, {k})" if k else align.index_expr(a, off, k, names))
    rnd = random.Random(1234)
    ran = 0
    for case in range(150):
        out: list = []
        _random_body(rnd, 0, out, [])
        helper = "(func $h (param i32 i32 i32 i32) (local i32 i32 i32) " + " ".join(out) + ")"
        wat = ("(module (memory 1) " + helper + ' (func (export "f") (param i32)'
               f" (call $h (local.get 0) (i32.const {rnd.choice([0, 8, 64, 4096])})"
               f" (i32.shl (local.get 0) (i32.const 2)) (i32.const {rnd.choice([3, 16, 40])}))))")
        engine = Engine()
        store = Store(engine)
        inst = Linker(engine).instantiate_and_start(store, Module(engine, wat))
        for arg in (0, 8, 13, 4000):
            try:
                inst.get_func(store, "f").call(store, arg)
                ran += 1
            except Trap:
                pass
        assert not bad, (case, bad[:3], wat)
    assert ran > 100


def test_an_instruction_without_a_stack_rule_proves_nothing(monkeypatch) -> None:
    """A newer instruction the walk does not know (say a tail call) could hide a call site: no
    optimistic fact may survive, in any function of the module."""
    wat = """(module (memory 1)
      (func $p (param i32) (drop (i32.load (local.get 0))))
      (func (export "c") (local i32) (local.set 0 (i32.const 16)) (drop (i32.load (local.get 0)))
        (call $p (i32.const 16))))"""
    m = decode_module(parse_str(wat))
    orig = align._Graph.walk

    def walk(self, body, base, nlocals, budget):
        if any(ins[0].name == "call" for ins in body):
            raise align._Unknown("test")
        return orig(self, body, base, nlocals, budget)

    monkeypatch.setattr(align._Graph, "walk", walk)
    assert align.function_alignment(m, 0).access == {}
    assert align.function_alignment(m, 1).access == {}
    srcs = [translate_function(m, i, False)[0] for i in range(2)]
    assert all("V0" not in s and "_uI(M0" in s for s in srcs)
