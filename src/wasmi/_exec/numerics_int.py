"""Integer instructions: i32 values are ints in [0, 2**32), i64 values ints in [-2**63, 2**63).

Wasm integer division truncates toward zero while Python's ``//`` and ``%`` round toward -inf, so the
signed forms correct the quotient. Branches test the common case first (small non-negative operands) so
that no big intermediate is built on PyPy, where ints past a machine word become slow big integers.
"""

from __future__ import annotations

from ..errors import Trap, TrapCode

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
S32 = 0x80000000
S64 = 0x8000000000000000
I64_MIN = -0x8000000000000000
I64_MAX = 0x7FFFFFFFFFFFFFFF

_DIV0 = TrapCode.IntegerDivisionByZero
_OVERFLOW = TrapCode.IntegerOverflow


# --- representation helpers ---------------------------------------------------------------------


def i32_signed(a: int) -> int:
    """An i32 value as a signed int in [-2**31, 2**31). Raises nothing."""
    return (a ^ S32) - S32


def i32_wrap(n: int) -> int:
    """Any int reduced modulo 2**32 to an i32 value. Raises nothing."""
    return n & M32


def i64_wrap(n: int) -> int:
    """Any int reduced modulo 2**64 to a (signed) i64 value. Raises nothing."""
    if I64_MIN <= n <= I64_MAX:
        return n
    return ((n + S64) & M64) - S64


def i64_unsigned(a: int) -> int:
    """An i64 value as an unsigned int in [0, 2**64). Raises nothing."""
    return a & M64


def u64_to_i64(u: int) -> int:
    """An unsigned int in [0, 2**64) as an i64 value. Raises nothing."""
    return u - 0x10000000000000000 if u > I64_MAX else u


# --- i32 -------------------------------------------------------------------------------------------


def i32_eqz(a: int) -> int:
    return 0 if a else 1


def i32_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i32_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


def i32_lt_s(a: int, b: int) -> int:
    return 1 if (a ^ S32) < (b ^ S32) else 0


def i32_lt_u(a: int, b: int) -> int:
    return 1 if a < b else 0


def i32_gt_s(a: int, b: int) -> int:
    return 1 if (a ^ S32) > (b ^ S32) else 0


def i32_gt_u(a: int, b: int) -> int:
    return 1 if a > b else 0


def i32_le_s(a: int, b: int) -> int:
    return 1 if (a ^ S32) <= (b ^ S32) else 0


def i32_le_u(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i32_ge_s(a: int, b: int) -> int:
    return 1 if (a ^ S32) >= (b ^ S32) else 0


def i32_ge_u(a: int, b: int) -> int:
    return 1 if a >= b else 0


def i32_clz(a: int) -> int:
    return 32 - a.bit_length()


def i32_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 32


# int.bit_count is 3.10+ (PyPy 3.9 has it too); elsewhere a 16-bit table beats bin().count('1').
HAVE_BIT_COUNT = hasattr(int, "bit_count")
POPCNT16 = bytes(bin(i).count("1") for i in range(0x10000))


def popcnt32_table(a: int) -> int:
    """i32.popcnt without int.bit_count (CPython 3.9)."""
    return POPCNT16[a & 0xFFFF] + POPCNT16[a >> 16]


def popcnt64_table(a: int) -> int:
    """i64.popcnt without int.bit_count (CPython 3.9)."""
    u = a & M64
    return POPCNT16[u & 0xFFFF] + POPCNT16[(u >> 16) & 0xFFFF] + POPCNT16[(u >> 32) & 0xFFFF] + POPCNT16[u >> 48]


if HAVE_BIT_COUNT:

    def i32_popcnt(a: int) -> int:
        return a.bit_count()  # type: ignore[attr-defined,no-any-return]

    def i64_popcnt(a: int) -> int:
        # For a negative a, ~a is non-negative with exactly 64 - popcnt(a) one bits: no big ints.
        return a.bit_count() if a >= 0 else 64 - (~a).bit_count()  # type: ignore[attr-defined,no-any-return]

else:  # pragma: no cover - exercised through popcnt32_table/popcnt64_table on newer Pythons
    i32_popcnt = popcnt32_table
    i64_popcnt = popcnt64_table


def i32_add(a: int, b: int) -> int:
    return (a + b) & M32


def i32_sub(a: int, b: int) -> int:
    return (a - b) & M32


def i32_mul(a: int, b: int) -> int:
    return (a * b) & M32


def i32_div_s(a: int, b: int) -> int:
    """Signed division truncating toward zero. Raises Trap(IntegerDivisionByZero), Trap(IntegerOverflow)."""
    if a < S32 and b < S32:
        if b:
            return a // b
        raise Trap(_DIV0)
    if not b:
        raise Trap(_DIV0)
    a = (a ^ S32) - S32
    b = (b ^ S32) - S32
    if b == -1:
        if a == -S32:
            raise Trap(_OVERFLOW)
        return -a & M32
    # |a| <= 2**31: the double quotient never rounds across an integer, so int() truncates exactly.
    return int(a / b) & M32


def i32_div_u(a: int, b: int) -> int:
    """Unsigned division. Raises Trap(IntegerDivisionByZero)."""
    if b:
        return a // b
    raise Trap(_DIV0)


def i32_rem_s(a: int, b: int) -> int:
    """Signed remainder with the dividend's sign (INT_MIN rem -1 is 0). Raises Trap(IntegerDivisionByZero)."""
    if a < S32 and b < S32:
        if b:
            return a % b
        raise Trap(_DIV0)
    if not b:
        raise Trap(_DIV0)
    a = (a ^ S32) - S32
    b = (b ^ S32) - S32
    r = a % b
    if r and (a ^ b) < 0:
        r -= b
    return r & M32


def i32_rem_u(a: int, b: int) -> int:
    """Unsigned remainder. Raises Trap(IntegerDivisionByZero)."""
    if b:
        return a % b
    raise Trap(_DIV0)


def i32_and(a: int, b: int) -> int:
    return a & b


def i32_or(a: int, b: int) -> int:
    return a | b


def i32_xor(a: int, b: int) -> int:
    return a ^ b


def i32_shl(a: int, b: int) -> int:
    return (a << (b & 31)) & M32


def i32_shr_s(a: int, b: int) -> int:
    return (((a ^ S32) - S32) >> (b & 31)) & M32


def i32_shr_u(a: int, b: int) -> int:
    return a >> (b & 31)


def i32_rotl(a: int, b: int) -> int:
    b &= 31
    return ((a << b) | (a >> (32 - b))) & M32


def i32_rotr(a: int, b: int) -> int:
    b &= 31
    return ((a >> b) | (a << (32 - b))) & M32


def i32_wrap_i64(a: int) -> int:
    return a & M32


def i32_extend8_s(a: int) -> int:
    return (((a & 0xFF) ^ 0x80) - 0x80) & M32


def i32_extend16_s(a: int) -> int:
    return (((a & 0xFFFF) ^ 0x8000) - 0x8000) & M32


# --- i64 -------------------------------------------------------------------------------------------


def i64_eqz(a: int) -> int:
    return 0 if a else 1


def i64_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i64_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


def i64_lt_s(a: int, b: int) -> int:
    return 1 if a < b else 0


# Xor with the sign bit maps unsigned order onto signed order without leaving the machine-word range.
def i64_lt_u(a: int, b: int) -> int:
    return 1 if (a ^ I64_MIN) < (b ^ I64_MIN) else 0


def i64_gt_s(a: int, b: int) -> int:
    return 1 if a > b else 0


def i64_gt_u(a: int, b: int) -> int:
    return 1 if (a ^ I64_MIN) > (b ^ I64_MIN) else 0


def i64_le_s(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i64_le_u(a: int, b: int) -> int:
    return 1 if (a ^ I64_MIN) <= (b ^ I64_MIN) else 0


def i64_ge_s(a: int, b: int) -> int:
    return 1 if a >= b else 0


def i64_ge_u(a: int, b: int) -> int:
    return 1 if (a ^ I64_MIN) >= (b ^ I64_MIN) else 0


def i64_clz(a: int) -> int:
    return 64 - a.bit_length() if a >= 0 else 0


def i64_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 64


def i64_add(a: int, b: int) -> int:
    n = a + b
    if I64_MIN <= n <= I64_MAX:
        return n
    return ((n + S64) & M64) - S64


def i64_sub(a: int, b: int) -> int:
    n = a - b
    if I64_MIN <= n <= I64_MAX:
        return n
    return ((n + S64) & M64) - S64


def i64_mul(a: int, b: int) -> int:
    n = a * b
    if I64_MIN <= n <= I64_MAX:
        return n
    return ((n + S64) & M64) - S64


def i64_div_s(a: int, b: int) -> int:
    """Signed division truncating toward zero. Raises Trap(IntegerDivisionByZero), Trap(IntegerOverflow)."""
    if b > 0 and a >= 0:
        return a // b
    if not b:
        raise Trap(_DIV0)
    if b == -1:
        if a == I64_MIN:
            raise Trap(_OVERFLOW)
        return -a
    q = a // b
    if q < 0 and q * b != a:
        q += 1
    return q


def i64_div_u(a: int, b: int) -> int:
    """Unsigned division. Raises Trap(IntegerDivisionByZero)."""
    if b > 0 and a >= 0:
        return a // b
    if not b:
        raise Trap(_DIV0)
    q = (a & M64) // (b & M64)
    return q - 0x10000000000000000 if q > I64_MAX else q


def i64_rem_s(a: int, b: int) -> int:
    """Signed remainder with the dividend's sign (INT_MIN rem -1 is 0). Raises Trap(IntegerDivisionByZero)."""
    if b > 0 and a >= 0:
        return a % b
    if not b:
        raise Trap(_DIV0)
    r = a % b
    if r and (a ^ b) < 0:
        r -= b
    return r


def i64_rem_u(a: int, b: int) -> int:
    """Unsigned remainder. Raises Trap(IntegerDivisionByZero)."""
    if b > 0 and a >= 0:
        return a % b
    if not b:
        raise Trap(_DIV0)
    r = (a & M64) % (b & M64)
    return r - 0x10000000000000000 if r > I64_MAX else r


def i64_and(a: int, b: int) -> int:
    return a & b


def i64_or(a: int, b: int) -> int:
    return a | b


def i64_xor(a: int, b: int) -> int:
    return a ^ b


def i64_shl(a: int, b: int) -> int:
    n = a << (b & 63)
    if I64_MIN <= n <= I64_MAX:
        return n
    return ((n + S64) & M64) - S64


def i64_shr_s(a: int, b: int) -> int:
    return a >> (b & 63)


def i64_shr_u(a: int, b: int) -> int:
    b &= 63
    if a >= 0 or not b:
        return a >> b
    # Keep the 64 - b low bits of the arithmetic shift; the mask is built without passing 2**63.
    return (a >> b) & (I64_MAX >> (b - 1))


def i64_rotl(a: int, b: int) -> int:
    b &= 63
    u = a & M64
    r = ((u << b) | (u >> (64 - b))) & M64
    return r - 0x10000000000000000 if r > I64_MAX else r


def i64_rotr(a: int, b: int) -> int:
    b &= 63
    u = a & M64
    r = ((u >> b) | (u << (64 - b))) & M64
    return r - 0x10000000000000000 if r > I64_MAX else r


def i64_extend_i32_s(a: int) -> int:
    return (a ^ S32) - S32


def i64_extend_i32_u(a: int) -> int:
    return a


def i64_extend8_s(a: int) -> int:
    return ((a & 0xFF) ^ 0x80) - 0x80


def i64_extend16_s(a: int) -> int:
    return ((a & 0xFFFF) ^ 0x8000) - 0x8000


def i64_extend32_s(a: int) -> int:
    return ((a & M32) ^ S32) - S32


__all__ = [n for n in dir() if n[:4] in ("i32_", "i64_", "f32_", "f64_")] + [
    "I64_MIN", "I64_MAX", "M32", "M64", "S32", "S64", "u64_to_i64", "POPCNT16", "HAVE_BIT_COUNT",
    "popcnt32_table", "popcnt64_table",
]
