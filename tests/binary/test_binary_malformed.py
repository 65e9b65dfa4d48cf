"""Every binary `assert_malformed` module of the spec suite is rejected with the spec's message."""

from __future__ import annotations

import pytest
from _binary_corpus import malformed, manifest, well_formed

from wasmi import DecodeError
from wasmi._binary.decode import decode_module


def test_malformed_binary_modules_are_rejected_with_the_expected_message() -> None:
    cases = malformed()
    known = manifest("binary-message")
    matched = 0
    wrong = []
    for c in cases:
        try:
            decode_module(c.path.read_bytes())
        except DecodeError as e:
            got = e.message
        else:
            got = "<decoded without error>"
        # Anything but DecodeError escapes and fails the test.
        if got.startswith(c.expected):
            matched += 1
            continue
        if got == "<decoded without error>" or (c.wast, str(c.line)) not in known:
            wrong.append(f"{c.wast}:{c.line}: expected {c.expected!r}, got {got!r}")
    print(f"binary assert_malformed: {matched}/{len(cases)} messages match, {len(known)} known exceptions")
    assert not wrong, "\n".join(wrong)
    assert matched == len(cases) - len(known)
    assert len(cases) > 700  # the suite holds 719; a much smaller number means the corpus broke


def test_invalid_modules_are_well_formed() -> None:
    cases = [c for c in well_formed() if c.command == "assert_invalid"]
    for c in cases:
        decode_module(c.path.read_bytes())
    assert len(cases) > 500


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "unexpected end"),
        (b"\x00asm\x01\x00\x00", "unexpected end"),
        (b"\x00asm\x02\x00\x00\x00", "unknown binary version"),
        (b"\x00ASM\x01\x00\x00\x00", "magic header not detected"),
        (b"\x00asm\x01\x00\x00\x00\x0d\x00", "malformed section id"),
        (b"\x00asm\x01\x00\x00\x00\x01\x05\x00", "length out of bounds"),
        # type section, then a second type section
        (b"\x00asm\x01\x00\x00\x00\x01\x01\x00\x01\x01\x00", "unexpected content after last section"),
        # code entry with a body holding an `else` outside any `if`
        (b"\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x05\x01\x03\x00\x05\x0b",
         "END opcode expected"),
        # i32.const with a 6-byte LEB
        (b"\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"
         b"\x0a\x0b\x01\x09\x00\x41\x80\x80\x80\x80\x80\x00\x0b", "integer representation too long"),
        # 0xFD prefix with an unknown SIMD opcode
        (b"\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x07\x01\x05\x00\xfd\x9a\x01\x0b",
         "illegal opcode"),
    ],
)
def test_hand_made_errors(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as ei:
        decode_module(data)
    assert ei.value.message.startswith(message)
    assert ei.value.offset is not None and 0 <= ei.value.offset <= len(data)


def test_errors_carry_the_offset_of_the_bad_byte() -> None:
    data = b"\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x05\x01\x03\x00\xff\x0b"
    with pytest.raises(DecodeError) as ei:
        decode_module(data)
    assert ei.value.message == "illegal opcode"
    assert ei.value.offset == data.index(b"\xff")
