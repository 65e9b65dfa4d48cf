"""Scalar numerics (wasmi._exec.numerics) against wasmtime, instruction by instruction.

Inputs are raw bits; both sides see the same bits, and results are compared as bits. Where the spec
lets a NaN result vary (every float instruction except abs/neg/copysign and the reinterprets) any NaN is
accepted that the spec allows: an arithmetic NaN (quiet bit set), and the canonical NaN when no operand
was a non-canonical NaN; the sign of such a NaN is free.
"""

from __future__ import annotations

import itertools
import math
import random
import struct
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_numerics_oracle import oracle  # noqa: E402

from wasmi import Trap  # noqa: E402
from wasmi._exec import numerics as N  # noqa: E402
from wasmi._syntax.instructions import OPS  # noqa: E402

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

# --- value tables ----------------------------------------------------------------------------------


def _f32b(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _f64b(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


I32_EDGES = [0, 1, 2, 3, 5, 7, 8, 16, 31, 32, 33, 63, 64, 65, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
             0x10000, 0x12345678, 0x7FFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFF8000, 0xFFFFFF80,
             0xFEDCBA98, 0xFFFFFFF9, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF, 0x01000001, 0x00FFFFFF]
I64_EDGES = sorted({e for v in (0, 1, 2, 3, 7, 31, 32, 63, 64, 65, 0xFF, 0x80, 0x7FFF, 0x8000, 0x7FFFFFFF,
                                0x80000000, 0xFFFFFFFF, 0x100000000, 0x0123456789ABCDEF, 0x7FFFFFFFFFFFFFFE,
                                0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0x8000000000000001,
                                0xFFFFFFFF80000000, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFE, 0xFFFFFFFFFFFFFFF9,
                                0x0020000000000001, 0x0020000000000003, 0x0000000001000001,
                                0x7FFFFF4000000001, 0xFFDFFFFFFFFFFFFF, 0x8000008000000001)
                    for e in (v, (-v) & M64)})
_F_SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999997, -0.49999997, 0.75, -0.75,
              1e-45, -1e-45, 1.1754942e-38, 1.17549435e-38, -1.17549435e-38, 3.4028235e38, -3.4028235e38,
              math.inf, -math.inf, 2.0 ** 23, 2.0 ** 23 + 1, -(2.0 ** 23) - 1, 2.0 ** 24, 2.0 ** 31, -(2.0 ** 31),
              2.0 ** 31 - 128, -(2.0 ** 31) - 256, 2.0 ** 32, 2.0 ** 32 - 256, 2.0 ** 63, -(2.0 ** 63), 2.0 ** 64,
              2.0 ** 63 - 2.0 ** 39, 2.0 ** 64 - 2.0 ** 40, -0.99999994, 123456.79, 1.0000001, 0.1, 3.0]
F32_EDGES = sorted({_f32b(struct.unpack("<f", struct.pack("<f", x))[0]) for x in _F_SPECIAL}
                   | {0x7FC00000, 0xFFC00000, 0x7FA00000, 0xFFA00000, 0x7F800001, 0x7FC00001, 0xFFFFFFFF,
                      0x7FBFFFFF, 0x00000001, 0x80000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF})
F64_EDGES = sorted({_f64b(x) for x in _F_SPECIAL + [
    5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 2.0 ** 52,
    2.0 ** 52 + 1, 2.0 ** 53, 0.49999999999999994, -0.49999999999999994, 4503599627370495.5, -2147483648.5,
    -2147483649.0, 2147483647.5, 2147483648.0, 4294967295.9, 4294967296.0, -0.9999999999999999,
    9223372036854774784.0, -9223372036854777856.0, 18446744073709549568.0, 3.4028235677973366e38,
    3.4028235677973362e38, -3.4028235677973366e38, 3.4028234663852886e38, 1.401298464324817e-45,
    7.006492321624085e-46, 7.006492321624087e-46, 2.1019476964872256e-45, 1e300, -1e-300, 0.1]}
                   | {0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF0000000000001,
                      0x7FF8000000000001, 0xFFFFFFFFFFFFFFFF, 0x7FF0000020000000, 0x7FFC000020000000,
                      0x0000000000000001, 0x000FFFFFFFFFFFFF, 0x0010000000000000})
EDGES = {"i32": I32_EDGES, "i64": I64_EDGES, "f32": F32_EDGES, "f64": F64_EDGES}
WIDTH = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}

# Instructions whose NaN results are fully determined (sign-bit operations and reinterpretations).
EXACT_NAN = {"f32.abs", "f32.neg", "f32.copysign", "f64.abs", "f64.neg", "f64.copysign",
             "f32.reinterpret_i32", "f64.reinterpret_i64"}

OPS_BY_NAME = {op.name: op for op in N.SCALAR_OPS}
NAMES = sorted(OPS_BY_NAME)


def sig(name: str) -> Tuple[Tuple[str, ...], str]:
    op = OPS_BY_NAME[name]
    return tuple(t.text for t in op.params), op.results[0].text


# --- representation --------------------------------------------------------------------------------


def to_ours(t: str, bits: int) -> Any:
    if t == "i32":
        return bits
    if t == "i64":
        return bits - (1 << 64) if bits >> 63 else bits
    if t == "f32":
        return N.f32_from_bits(bits)
    return N.f64_from_bits(bits)


def from_ours(t: str, v: Any) -> int:
    """The bits of one of our values, after checking it is in the canonical representation."""
    if t == "i32":
        assert type(v) is int and 0 <= v <= M32, f"not an i32 value: {v!r}"
        return v
    if t == "i64":
        assert type(v) is int and -(1 << 63) <= v < (1 << 63), f"not an i64 value: {v!r}"
        return v & M64
    assert type(v) is float, f"not a float: {v!r}"
    if t == "f64":
        return _f64b(v)
    b = _f64b(v)
    if v != v:
        assert b & ((1 << 29) - 1) == 0, f"f32 NaN not in f32 form: {b:#x}"
    else:
        assert _f64b(struct.unpack("<f", struct.pack("<f", v))[0]) == b, f"not an f32 value: {v!r}"
    return N.f32_to_bits(v)


def is_nan(t: str, b: int) -> bool:
    if t == "f32":
        return (b & 0x7F800000) == 0x7F800000 and bool(b & 0x7FFFFF)
    if t == "f64":
        return (b & 0x7FF0000000000000) == 0x7FF0000000000000 and bool(b & 0xFFFFFFFFFFFFF)
    return False


def is_canonical_nan(t: str, b: int) -> bool:
    return (b & 0x7FFFFFFF) == 0x7FC00000 if t == "f32" else (b & ~(1 << 63)) == 0x7FF8000000000000


def is_arithmetic_nan(t: str, b: int) -> bool:
    return is_nan(t, b) and bool(b & (0x400000 if t == "f32" else 0x8000000000000))


def call_ours(name: str, ops: Sequence[int]) -> Tuple[str, int]:
    params, result = sig(name)
    try:
        v = N.FUNCS[name](*(to_ours(t, b) for t, b in zip(params, ops)))
    except Trap as e:
        return ("trap", e.message)
    return ("ok", from_ours(result, v))


def agrees(name: str, ops: Sequence[int], want: Tuple[str, int], got: Tuple[str, int]) -> bool:
    params, result = sig(name)
    if want[0] != got[0]:
        return False
    if want[0] == "trap" or not is_nan(result, want[1]) or name in EXACT_NAN:
        return want == got
    b = got[1]
    if not is_arithmetic_nan(result, b):
        return False
    if any(is_nan(t, x) and not is_canonical_nan(t, x) for t, x in zip(params, ops)):
        return True
    return is_canonical_nan(result, b)


def check(name: str, items: List[Tuple[int, ...]]) -> None:
    want = oracle().run(name, items)
    bad = []
    for ops, w in zip(items, want):
        g = call_ours(name, ops)
        if not agrees(name, ops, w, g):
            bad.append(f"{name}{tuple(hex(o) for o in ops)}: wasmtime {w[0]} {w[1] if w[0] == 'trap' else hex(w[1])}, "
                       f"ours {g[0]} {g[1] if g[0] == 'trap' else hex(g[1])}")
    assert not bad, f"{len(bad)} of {len(items)} differ:\n" + "\n".join(bad[:15])


# --- inputs -----------------------------------------------------------------------------------------


def random_bits(rng: random.Random, t: str) -> int:
    """Bits biased toward the interesting: edges, their neighbours, small and round values."""
    w = WIDTH[t]
    k = rng.random()
    if k < 0.25:
        return rng.getrandbits(w)
    if k < 0.45:
        e = rng.choice(EDGES[t])
        return (e + rng.randint(-2, 2)) & ((1 << w) - 1)
    if t in ("i32", "i64"):
        if k < 0.7:
            return rng.randint(-300, 300) & ((1 << w) - 1)
        if k < 0.85:  # m * 2**s (+-1): around rounding points of int -> float conversions
            v = (rng.getrandbits(rng.randint(1, 26)) << rng.randint(0, w - 1)) + rng.randint(-1, 1)
            return (v if rng.random() < 0.5 else -v) & ((1 << w) - 1)
        return rng.getrandbits(rng.randint(1, w))
    # floats
    if k < 0.7:
        x = rng.randint(-40, 40) / rng.choice((1, 2, 4, 10, 3))
    elif k < 0.85:
        x = math.ldexp(rng.random() - 0.5, rng.randint(-30, 70))
    else:
        x = math.ldexp(rng.random(), rng.choice((-1074, -1060, -149, -140, -126, 100, 127, 128, 1000, 1024)))
    return _f32b(struct.unpack("<f", struct.pack("<f", x))[0]) if t == "f32" and abs(x) < 3e38 else (
        _f32b(math.copysign(math.inf, x)) if t == "f32" else _f64b(x))


def edge_items(name: str) -> List[Tuple[int, ...]]:
    params, _ = sig(name)
    return list(itertools.product(*(EDGES[t] for t in params)))


# --- tests ------------------------------------------------------------------------------------------


def test_every_scalar_instruction_has_a_function() -> None:
    # Independent count: the MVP numeric opcodes 0x45-0xC4 (sign-extension included) and 0xFC 0-7.
    expected = {op.name for op in OPS if (op.prefix is None and 0x45 <= op.code <= 0xC4)
                or (op.prefix == 0xFC and op.code <= 7)}
    assert set(NAMES) == expected and len(expected) == 136
    for name in expected:
        assert callable(getattr(N, name.replace(".", "_")))


@pytest.mark.parametrize("name", NAMES)
def test_edge_cases(name: str) -> None:
    check(name, edge_items(name))


@pytest.mark.parametrize("name", NAMES)
def test_random(name: str, large: bool) -> None:
    params, _ = sig(name)
    rng = random.Random(f"numerics {name}")
    n = 50_000 if large else 600
    check(name, [tuple(random_bits(rng, t) for t in params) for _ in range(n)])


def _bits_strategy(t: str) -> st.SearchStrategy[int]:
    w = WIDTH[t]
    parts = [st.integers(0, (1 << w) - 1), st.sampled_from(EDGES[t])]
    if t == "f32":
        parts.append(st.floats(width=32).map(_f32b))
    elif t == "f64":
        parts.append(st.floats().map(_f64b))
    else:
        parts.append(st.integers(-(1 << (w - 1)), (1 << (w - 1)) - 1).map(lambda v: v & ((1 << w) - 1)))
        parts.append(st.builds(lambda m, s, d: ((m << s) + d) & ((1 << w) - 1),
                               st.integers(1, 1 << 26), st.integers(0, w), st.integers(-2, 2)))
    return st.one_of(*parts)


@pytest.mark.parametrize("name", NAMES)
def test_hypothesis(name: str, large: bool) -> None:
    params, _ = sig(name)

    @settings(max_examples=1000 if large else 25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.tuples(*(_bits_strategy(t) for t in params)))
    def run(ops: Tuple[int, ...]) -> None:
        check(name, [ops])

    run()


# --- bit conversions, rounding, memory helpers -------------------------------------------------------


def _f32_value(u: int) -> Optional[Fraction]:
    """The exact value of non-NaN, finite single bits, computed from the IEEE layout."""
    e = (u >> 23) & 0xFF
    m = u & 0x7FFFFF
    v = Fraction(m, 1 << 23) * Fraction(2) ** -126 if e == 0 else (1 + Fraction(m, 1 << 23)) * Fraction(2) ** (e - 127)
    return -v if u >> 31 else v


@given(st.integers(0, M32))
@settings(max_examples=400, deadline=None, database=None)
def test_f32_bits_layout(u: int) -> None:
    x = N.f32_from_bits(u)
    e = (u >> 23) & 0xFF
    if e == 0xFF and u & 0x7FFFFF:  # NaN: the documented f32 form, sign and payload in place
        assert _f64b(x) == ((u >> 31) << 63) | 0x7FF0000000000000 | ((u & 0x7FFFFF) << 29)
    elif e == 0xFF:
        assert x == (-math.inf if u >> 31 else math.inf)
    else:
        assert Fraction(x) == _f32_value(u) and math.copysign(1.0, x) == (-1.0 if u >> 31 else 1.0)
    assert N.f32_to_bits(x) == u


@given(st.integers(0, M64))
@settings(max_examples=200, deadline=None, database=None)
def test_f64_bits_round_trip(u: int) -> None:
    x = N.f64_from_bits(u)
    assert N.f64_to_bits(x) == u
    assert N.i64_reinterpret_f64(x) & M64 == u
    assert N.f64_to_bits(N.f64_reinterpret_i64(u - (1 << 64) if u >> 63 else u)) == u


def _round_to_f32_exact(x: float) -> float:
    """Nearest single (ties to even) computed with fractions: the reference for f32_round."""
    if x != x or math.isinf(x) or x == 0:
        return x
    v = Fraction(x)
    a = abs(v)
    e = max(math.floor(math.log2(a)), -126)
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    e = max(e, -126)
    ulp = Fraction(2) ** (e - 23)
    q, r = divmod(a, ulp)
    if r > ulp / 2 or (r == ulp / 2 and q % 2):
        q += 1
    res = q * ulp
    if res >= Fraction(2) ** 128:
        return math.copysign(math.inf, x)
    out = float(res)
    return -out if v < 0 else out


@given(st.one_of(st.floats(allow_nan=False), st.floats(min_value=3.3e38, max_value=3.5e38),
                 st.floats(min_value=-1e-37, max_value=1e-37)))
@settings(max_examples=400, deadline=None, database=None)
def test_f32_round_matches_exact_rounding(x: float) -> None:
    got = N.f32_round(x)
    want = _round_to_f32_exact(x)
    assert _f64b(got) == _f64b(want) or (got == want == 0 and math.copysign(1, got) == math.copysign(1, x))


def test_f32_round_overflow_boundary() -> None:
    limit = N.F32_ROUND_LIMIT
    below = math.nextafter(limit, 0.0) if hasattr(math, "nextafter") else struct.unpack("<d", struct.pack("<Q", _f64b(limit) - 1))[0]
    flt_max = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]
    assert N.f32_round(limit) == math.inf and N.f32_round(-limit) == -math.inf
    assert N.f32_round(below) == flt_max and N.f32_round(-below) == -flt_max
    assert N.f32_round(1e300) == math.inf and N.f32_round(-1e300) == -math.inf


@given(st.integers(0, M32), st.integers(0, 12))
@settings(max_examples=300, deadline=None, database=None)
def test_load_store_f32_bit_exact(u: int, addr: int) -> None:
    buf = bytearray(16)
    struct.pack_into("<I", buf, addr, u)
    x = N.load_f32(buf, addr)
    assert N.f32_to_bits(x) == u
    out = bytearray(16)
    N.store_f32(out, addr, x)
    assert out == buf


@given(st.integers(0, M64), st.integers(0, 8))
@settings(max_examples=200, deadline=None, database=None)
def test_load_store_f64_bit_exact(u: int, addr: int) -> None:
    buf = bytearray(16)
    struct.pack_into("<Q", buf, addr, u)
    x = N.load_f64(buf, addr)
    out = bytearray(16)
    N.store_f64(out, addr, x)
    assert out == buf and N.f64_to_bits(x) == u


def test_signalling_f32_nan_survives_copies_and_sign_ops() -> None:
    x = N.load_f32(bytearray(b"\x01\x00\xa0\x7f"), 0)  # 0x7FA00001
    for f, want in ((N.f32_neg, 0xFFA00001), (N.f32_abs, 0x7FA00001), (lambda v: N.f32_copysign(v, -1.0), 0xFFA00001)):
        assert N.f32_to_bits(f(x)) == want
    buf = bytearray(4)
    N.store_f32(buf, 0, N.f32_neg(x))
    assert buf == b"\x01\x00\xa0\xff"


def test_memory_helpers_refuse_out_of_bounds() -> None:
    with pytest.raises(struct.error):
        N.load_f32(bytearray(4), 1)
    with pytest.raises(struct.error):
        N.store_f32(bytearray(4), 2, 1.0)
    with pytest.raises(struct.error):
        N.load_f64(bytearray(8), 4)


def test_traps_are_wasmi_traps_with_codes() -> None:
    from wasmi import TrapCode

    cases: List[Tuple[Callable[..., Any], Tuple[Any, ...], TrapCode]] = [
        (N.i32_div_u, (1, 0), TrapCode.IntegerDivisionByZero),
        (N.i64_rem_s, (-5, 0), TrapCode.IntegerDivisionByZero),
        (N.i64_div_s, (-(1 << 63), -1), TrapCode.IntegerOverflow),
        (N.i32_trunc_f32_u, (math.nan,), TrapCode.BadConversionToInteger),
        (N.i64_trunc_f64_s, (math.inf,), TrapCode.IntegerOverflow),
    ]
    for fn, args, code in cases:
        with pytest.raises(Trap) as info:
            fn(*args)
        assert info.value.code is code and info.value.message == code.message


# --- templates ----------------------------------------------------------------------------------------


def _compile(template: str, literals: Sequence[Optional[str]]) -> Callable[..., Any]:
    names = [lit if lit is not None else f"v{i}" for i, lit in enumerate(literals)]
    params = ", ".join(f"v{i}" for i in range(len(literals)))
    src = f"def f({params}):\n    return {template.format(*names)}\n"
    ns: dict = dict(N.NAMESPACE)
    exec(compile(src, "<template>", "exec"), ns)
    return ns["f"]


def _literal(v: Any) -> Optional[str]:
    if isinstance(v, float) and (v != v or math.isinf(v)):
        return None  # no literal exists; the engine passes such constants by reference
    return repr(v)


def _template_inputs(name: str, large: bool) -> List[Tuple[Any, ...]]:
    params, _ = sig(name)
    rng = random.Random(f"template {name}")
    items = edge_items(name)
    items += [tuple(random_bits(rng, t) for t in params) for _ in range(20_000 if large else 300)]
    return [tuple(to_ours(t, b) for t, b in zip(params, ops)) for ops in items]


def _same(name: str, args: Sequence[Any], want: Any, got: Any) -> bool:
    """Same value and type; NaN results compare by the spec's rules (CPython's specialised float
    opcodes may pick the other operand's payload when both are NaNs)."""
    if type(want) is not type(got):
        return False
    params, result = sig(name)
    ops = [from_ours(t, a) for t, a in zip(params, args)]
    return agrees(name, ops, ("ok", from_ours(result, want)), ("ok", from_ours(result, got)))


@pytest.mark.parametrize("name", sorted(N.EXPR))
def test_expr_template_matches_function(name: str, large: bool) -> None:
    fn = N.FUNCS[name]
    with_names = _compile(N.EXPR[name], [None] * len(sig(name)[0]))
    bad = []
    for i, args in enumerate(_template_inputs(name, large)):
        want = fn(*args)
        got = with_names(*args)
        if not _same(name, args, want, got):
            bad.append((args, want, got))
        if i % 7 == 0:  # literal operands too (each compile costs; a sample suffices)
            got_lit = _compile(N.EXPR[name], [_literal(a) for a in args])(*args)
            if not _same(name, args, want, got_lit):
                bad.append(("literal", args, want, got_lit))
    assert not bad, bad[:10]


@pytest.mark.parametrize("name", sorted(N.COND))
def test_cond_template_matches_function(name: str) -> None:
    fn = N.FUNCS[name]
    cond = _compile(N.COND[name], [None] * len(sig(name)[0]))
    for i, args in enumerate(_template_inputs(name, False)):
        assert bool(cond(*args)) is (fn(*args) == 1), args
        if i % 11 == 0:
            assert bool(_compile(N.COND[name], [_literal(a) for a in args])(*args)) is (fn(*args) == 1), args


def test_templates_cover_no_trapping_instruction() -> None:
    trapping = {n for n in NAMES if "div" in n and n[0] == "i" or "rem" in n
                or ("trunc_f" in n and "sat" not in n)}
    assert not trapping & set(N.EXPR) and not trapping & set(N.COND)
    assert set(N.COND) <= set(N.EXPR) <= set(N.FUNCS)


@pytest.mark.parametrize("name", sorted(N.EXPR_CONST_DIVISOR))
def test_const_divisor_template_matches_function(name: str, large: bool) -> None:
    t = name[:3]
    top = (1 << 31) if t == "i32" else (1 << 63)
    rng = random.Random(f"divisor {name}")
    divisors = [1, 2, 3, 7, 8, 10, 16, 255, 1000, 65536, top - 1, top // 2 + 1] + [
        rng.randrange(1, top) for _ in range(20)]
    dividends = [to_ours(t, b) for b in EDGES[t]] + [
        to_ours(t, random_bits(rng, t)) for _ in range(2000 if large else 200)]
    fn = N.FUNCS[name]
    for d in divisors:
        f = _compile(N.EXPR_CONST_DIVISOR[name], [None, repr(d)])
        for a in dividends:
            assert _same(name, (a, d), fn(a, d), f(a, d)), (a, d)


def test_popcnt_fallbacks_for_python_39() -> None:
    # int.bit_count is 3.10+; the table versions must agree with the (oracle-checked) functions.
    rng = random.Random("popcnt")
    table_expr = _compile(N.POPCNT32_TABLE_EXPR, [None])
    for _ in range(3000):
        a = random_bits(rng, "i32")
        assert N.popcnt32_table(a) == N.i32_popcnt(a) == table_expr(a) == bin(a).count("1")
        b = to_ours("i64", random_bits(rng, "i64"))
        assert N.popcnt64_table(b) == N.i64_popcnt(b) == bin(b & M64).count("1")


def test_representation_helpers() -> None:
    for b in I32_EDGES:
        s = N.i32_signed(b)
        assert -(1 << 31) <= s < (1 << 31) and s & M32 == b and N.i32_wrap(s) == b
    for b in I64_EDGES:
        v = to_ours("i64", b)
        assert N.i64_unsigned(v) == b and N.u64_to_i64(b) == v
        for k in (-(1 << 64), 0, 1 << 64, 5 << 64):
            assert N.i64_wrap(v + k) == v
