"""LEB128 readers and writers, names, offsets: the spec's definitions checked on hand-computed values."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from wasmi import DecodeError
from wasmi._binary.decode import decode_module
from wasmi._binary.encode import encode_module, sleb, u32
from wasmi._binary.reader import read_name, read_s32, read_s33, read_s64, read_u32
from wasmi._syntax import instructions as I


@pytest.mark.parametrize(
    "data, value",
    [
        (b"\x00", 0),
        (b"\x7f", 127),
        (b"\x80\x01", 128),
        (b"\xe5\x8e\x26", 624485),
        (b"\x80\x80\x80\x80\x00", 0),  # padded: valid
        (b"\xff\xff\xff\xff\x0f", 0xFFFFFFFF),
    ],
)
def test_u32(data: bytes, value: int) -> None:
    assert read_u32(data, 0) == (value, len(data))


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xff\xff\xff\xff\x1f", "integer too large"),  # bit 32 set
        (b"\x80\x80\x80\x80\x80\x00", "integer representation too long"),
    ],
)
def test_u32_errors(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        read_u32(data, 0)


@pytest.mark.parametrize(
    "data, value",
    [
        (b"\x7f", -1),
        (b"\x40", -64),
        (b"\xc0\xbb\x78", -123456),
        (b"\xff\xff\xff\xff\x07", 2**31 - 1),
        (b"\x80\x80\x80\x80\x78", -(2**31)),
        (b"\xff\xff\xff\xff\x7f", -1),  # padded -1 with the unused bits set to the sign: valid
    ],
)
def test_s32(data: bytes, value: int) -> None:
    assert read_s32(data, 0) == (value, len(data))


@pytest.mark.parametrize("data", [b"\xff\xff\xff\xff\x4f", b"\x80\x80\x80\x80\x70", b"\xff\xff\xff\xff\x0f"])
def test_s32_unused_bits_must_extend_the_sign(data: bytes) -> None:
    with pytest.raises(DecodeError, match="integer too large"):
        read_s32(data, 0)


def test_s33_and_s64_bounds() -> None:
    assert read_s33(b"\xff\xff\xff\xff\x0f", 0) == (2**32 - 1, 5)
    assert read_s64(b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", 0) == (-(2**63), 10)
    assert read_s64(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", 0) == (2**63 - 1, 10)
    with pytest.raises(DecodeError, match="integer too large"):
        read_s64(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 0)
    with pytest.raises(DecodeError, match="integer representation too long"):
        read_s64(b"\x80" * 10 + b"\x00", 0)


@given(st.integers(0, 2**32 - 1))
def test_u32_round_trip(n: int) -> None:
    b = u32(n)
    assert read_u32(b, 0) == (n, len(b))
    assert len(b) == max(1, (n.bit_length() + 6) // 7)


@given(st.integers(-(2**63), 2**63 - 1))
def test_s64_round_trip(n: int) -> None:
    b = sleb(n)
    assert read_s64(b, 0) == (n, len(b))


def test_names_must_be_utf8() -> None:
    assert read_name(b"\x03\xe2\x82\xac", 0) == ("\u20ac", 4)
    for bad in (b"\x02\xc0\x80", b"\x03\xed\xa0\x80", b"\x01\xff"):  # overlong, surrogate, invalid byte
        with pytest.raises(DecodeError, match="malformed UTF-8 encoding"):
            read_name(bad, 0)


_HEAD = b"\x00asm\x01\x00\x00\x00"
# (type (func)) (func (local i32) i32.const 1 drop) — the code entry starts at offset 18
_ONE_FUNC = _HEAD + b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x09\x01\x07\x01\x01\x7f\x41\x01\x1a\x0b"


def test_offsets_point_at_each_opcode() -> None:
    m = decode_module(_ONE_FUNC)
    f = m.funcs[0]
    assert f.locals == [(1, I.I32_CONST.results[0])]
    assert [ins[0] for ins in f.body] == [I.I32_CONST, I.DROP, I.END]
    assert f.offsets == [_ONE_FUNC.index(b"\x41\x01"), _ONE_FUNC.index(b"\x1a"), len(_ONE_FUNC) - 1]
    assert f.body_offset == _ONE_FUNC.index(b"\x01\x01\x7f")


def _custom(name: bytes, payload: bytes) -> bytes:
    body = bytes([len(name)]) + name + payload
    return b"\x00" + bytes([len(body)]) + body


def test_name_section_is_decoded() -> None:
    # module name "m", function 0 named "f", local 0 of function 0 named "x"
    payload = b"\x00\x02\x01m" + b"\x01\x04\x01\x00\x01f" + b"\x02\x06\x01\x00\x01\x00\x01x"
    m = decode_module(_ONE_FUNC + _custom(b"name", payload))
    assert m.names is not None
    assert (m.names.module, m.names.funcs, m.names.locals) == ("m", {0: "f"}, {0: {0: "x"}})
    assert encode_module(m) == _ONE_FUNC + _custom(b"name", payload)


@pytest.mark.parametrize(
    "payload",
    [b"\x01\x09\x05\x00\x01f", b"\x00\x02\x01\xff", b"\x01", b"\x01\x7f\x01\x00\x01f", b"\x05\x01"],
)
def test_malformed_name_section_does_not_fail_decoding(payload: bytes) -> None:
    m = decode_module(_ONE_FUNC + _custom(b"name", payload))
    assert m.customs[0].data == payload
    assert m.names is None or isinstance(m.names.funcs, dict)


def test_decoding_restores_the_garbage_collector_state() -> None:
    import gc

    assert gc.isenabled()
    decode_module(_ONE_FUNC)
    assert gc.isenabled()
    with pytest.raises(DecodeError):
        decode_module(_ONE_FUNC[:-1])
    assert gc.isenabled()
    gc.disable()
    try:
        decode_module(_ONE_FUNC)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_padded_call_indirect_table_index_is_accepted() -> None:
    # LLVM writes call_indirect's table index as a 5-byte LEB: `i32.const 0; call_indirect (type 0) 0`
    body = b"\x00\x41\x00\x11\x00\x80\x80\x80\x80\x00\x0b"
    code = b"\x0a" + bytes([len(body) + 2, 1, len(body)]) + body
    data = _HEAD + b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x04\x04\x01\x70\x00\x00" + code
    m = decode_module(data)
    assert m.funcs[0].body[1] == (I.CALL_INDIRECT, 0, 0)
    out = encode_module(m)
    assert len(out) == len(data) - 4 and decode_module(out) == m
