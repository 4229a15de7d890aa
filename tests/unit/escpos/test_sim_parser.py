"""The simulator's own ESC/POS parser: incremental parsing, and random bytes never crash it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.escpos import QrCode, Receipt, TextLine, encode_receipt, get_profile
from simulators.escpos_printer.parser import Command, StreamParser
from tests.unit.escpos.helpers import HEX


def names(commands: list[Command]) -> list[str]:
    return [command.name for command in commands]


def test_driver_output_parses_without_garbage_even_byte_by_byte() -> None:
    data = encode_receipt(
        Receipt((TextLine("受付"), TextLine("𠮷田"), QrCode("R-1"))), get_profile("tm-m30-jp")
    ).data
    whole = StreamParser().feed(data)
    parser = StreamParser()
    piecewise = [command for index in range(len(data)) for command in parser.feed(data[index : index + 1])]
    assert "garbage" not in names(whole)
    assert {"init", "kanji_on", "raster", "qr", "cut"} <= set(names(whole))
    assert [c for c in piecewise if c.name != "text"] == [c for c in whole if c.name != "text"]
    assert b"".join(c.data for c in piecewise if c.name == "text") == b"".join(
        c.data for c in whole if c.name == "text"
    )


def test_status_query_inside_stream() -> None:
    commands = StreamParser().feed(HEX("1B 40 10 04 02 41 0A"))
    assert [(c.name, c.args) for c in commands][:2] == [("init", ()), ("status", (2,))]


def test_unknown_bytes_become_garbage() -> None:
    commands = StreamParser().feed(HEX("1B FF 01 0A"))
    assert names(commands) == ["garbage", "garbage", "lf"]


@settings(max_examples=300)
@given(st.lists(st.binary(max_size=40), max_size=8))
def test_random_chunks_never_raise(chunks: list[bytes]) -> None:
    parser = StreamParser()
    consumed = 0
    for chunk in chunks:
        for command in parser.feed(chunk):
            assert isinstance(command, Command)
            consumed += 1
    assert len(parser.pending) <= sum(len(chunk) for chunk in chunks)
