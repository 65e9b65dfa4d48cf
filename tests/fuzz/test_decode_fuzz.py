"""Random and mutated inputs to decode_module: only wasmi.DecodeError may come out, quickly."""

from __future__ import annotations

import time
from typing import List

import _support
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wasmi import DecodeError
from wasmi._binary.decode import decode_module
from wasmi._binary.encode import encode_module

HEADER = b"\x00asm\x01\x00\x00\x00"
# A module touching most sections: types, an import, a function with blocks, br_table, memory
# access, SIMD and bulk instructions, a table, memory, global, export, start, element and data
# segments, a data count and a name section.
_WAT_SEED = bytes.fromhex(
    "0061736d0100000001080260017f0060000002090103656e760166000003020101040501700101010503010001060601"
    "7f0141000b070501016600010801010907010041000b01010c01010a43014101017f02400340200041016a220041054e"
    "0d0120000e020001000b0b41002801041a41004100410afc0800004100fd000400fd1b021a44230100000000f07f1a0b"
    "0b06010103616263"
)


def _seeds() -> List[bytes]:
    seeds = [_WAT_SEED]
    if _support.wasm_tools() is not None and _support.CORE.exists():
        for name in ("binary.wast", "br_table.wast", "elem.wast", "data.wast", "simd_const.wast",
                     "bulk.wast", "custom.wast", "names.wast", "block.wast", "memory_copy.wast"):
            for cmd in _support.wast_json(_support.CORE / name)["commands"]:
                fn = cmd.get("filename", "")
                if cmd["type"] == "module" and fn.endswith(".wasm"):
                    data = open(fn, "rb").read()
                    if len(data) < 8000:
                        seeds.append(data)
    return seeds


SEEDS = _seeds()


def _check(data: bytes) -> None:
    t = time.process_time()  # CPU time: other jobs on a shared machine must not fail the test
    try:
        m = decode_module(data)
    except DecodeError as e:
        assert e.offset is None or 0 <= e.offset <= len(data)
    else:
        # Whatever decodes must encode and decode to the same tree.
        assert decode_module(encode_module(m)) == m
    assert time.process_time() - t < 2.0


def _settings(large: bool, n: int):  # type: ignore[no-untyped-def]
    return settings(max_examples=n * 20 if large else n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_seed_modules_decode() -> None:
    for s in SEEDS:
        decode_module(s)
    assert decode_module(_WAT_SEED).names is None  # the seed has no name section


_mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("set"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 8)),
)


def _mutate(data: bytes, muts: list) -> bytes:
    b = bytearray(data)
    for kind, at, arg in muts:
        if not b:
            break
        i = at % len(b)
        if kind == "flip":
            b[i] ^= arg
        elif kind == "set":
            b[i] = arg
        elif kind == "cut":
            del b[i:]
        elif kind == "insert":
            b.insert(i, arg)
        else:
            del b[i:i + arg]
    return bytes(b)


def test_random_bytes(large: bool) -> None:
    @_settings(large, 200)
    @given(st.binary(max_size=200), st.booleans())
    def run(tail: bytes, with_header: bool) -> None:
        _check(HEADER + tail if with_header else tail)

    run()


def test_mutated_modules(large: bool) -> None:
    @_settings(large, 300)
    @given(st.sampled_from(SEEDS), st.lists(_mutation, min_size=1, max_size=4))
    def run(seed: bytes, muts: list) -> None:
        _check(_mutate(seed, muts))

    run()


def _section_ends(data: bytes) -> List[int]:
    ends = [8]
    pos = 8
    while pos < len(data):
        size, shift, p = 0, 0, pos + 1
        while True:
            b = data[p]
            p += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        pos = p + size
        ends.append(pos)
    return ends


@pytest.mark.parametrize("cut", range(0, len(_WAT_SEED)))
def test_every_truncation_of_the_seed(cut: int) -> None:
    """A module cut inside a section is malformed; one cut between sections may be well-formed."""
    if cut in _section_ends(_WAT_SEED):
        _check(_WAT_SEED[:cut])
    else:
        with pytest.raises(DecodeError):
            decode_module(_WAT_SEED[:cut])
