"""A tolerant parser for the My Number card's non-standard BER-TLV (pure, no I/O).

The card writes private-class tags in two-byte form (``FF 20``, ``DF 21``), flags ``FF 10`` constructed
while it holds raw ASCII, and uses non-minimal lengths (``82 00 9F``); strict DER parsers reject it.
Rules: tag = 1 byte, or 2 bytes when ``(b & 0x1F) == 0x1F``; length = ``<80``, ``81 xx`` or ``82 xx xx``
(non-minimal accepted); ``00``/``FF`` bytes where a child tag would start are filler and end the list.
Every malformed input raises :class:`TlvError` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.mynumber.errors import TlvError

__all__ = ["Tlv", "TlvError", "parse_children", "parse_one", "parse_template"]


@dataclass(frozen=True)
class Tlv:
    """One TLV: ``offset`` is where its tag starts in the parsed buffer, ``end`` is one past its value."""

    tag: int
    value: bytes
    offset: int
    header_length: int

    @property
    def end(self) -> int:
        return self.offset + self.header_length + len(self.value)


def parse_one(data: bytes, offset: int = 0) -> Tlv:
    """Parse the TLV whose tag starts at ``offset``."""
    position = offset
    if position >= len(data):
        raise TlvError(f"no tag at offset {offset}")
    tag = data[position]
    position += 1
    if tag & 0x1F == 0x1F:
        if position >= len(data):
            raise TlvError(f"two-byte tag cut short at offset {offset}")
        tag = (tag << 8) | data[position]
        position += 1
    if position >= len(data):
        raise TlvError(f"length missing for tag {tag:X} at offset {offset}")
    first = data[position]
    position += 1
    if first < 0x80:
        length = first
    elif first in (0x81, 0x82):
        size = first - 0x80
        if position + size > len(data):
            raise TlvError(f"length of tag {tag:X} cut short at offset {offset}")
        length = int.from_bytes(data[position : position + size], "big")
        position += size
    else:
        raise TlvError(f"unsupported length byte {first:02X} for tag {tag:X} at offset {offset}")
    if position + length > len(data):
        raise TlvError(
            f"tag {tag:X} at offset {offset} claims {length} bytes, {len(data) - position} available"
        )
    return Tlv(tag, bytes(data[position : position + length]), offset, position - offset)


def parse_children(data: bytes, start: int = 0, end: int | None = None) -> list[Tlv]:
    """Parse consecutive TLVs in ``data[start:end]`` (offsets stay relative to ``data``), up to filler."""
    stop = len(data) if end is None else end
    if not 0 <= start <= stop <= len(data):
        raise TlvError("child range outside the buffer")
    children: list[Tlv] = []
    position = start
    view = bytes(data[:stop])
    while position < stop and view[position] not in (0x00, 0xFF):
        child = parse_one(view, position)
        children.append(child)
        position = child.end
    return children


def parse_template(data: bytes, expected_tag: int) -> tuple[Tlv, list[Tlv]]:
    """Parse the outer template at offset 0 (it must carry ``expected_tag``) and its children."""
    outer = parse_one(data, 0)
    if outer.tag != expected_tag:
        raise TlvError(f"expected template {expected_tag:X}, found {outer.tag:X}")
    return outer, parse_children(data, outer.header_length, outer.end)
