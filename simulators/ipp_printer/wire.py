"""The simulator's own IPP wire format code (independent of drivers/ipp on purpose).

Requests are read into ``Request`` (attributes per group as name → list of Python values, in the order
received); responses are written from ``Response`` groups of ``(value_tag, name, [values])``, where a
``T_BEG_COLL`` value is a :class:`Collection` of such members.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

OP_GROUP, JOB_GROUP, END_TAG, PRINTER_GROUP, UNSUPPORTED_GROUP = 1, 2, 3, 4, 5

T_INTEGER, T_BOOLEAN, T_ENUM = 0x21, 0x22, 0x23
T_DATETIME, T_RESOLUTION, T_RANGE = 0x31, 0x32, 0x33
T_BEG_COLL, T_END_COLL, T_MEMBER = 0x34, 0x37, 0x4A
T_TEXT_LANG, T_NAME_LANG = 0x35, 0x36
T_TEXT, T_NAME, T_KEYWORD, T_URI, T_CHARSET, T_LANGUAGE, T_MIME = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49
T_NO_VALUE = 0x13

Attribute = tuple[int, str, list[object]]


@dataclass(frozen=True)
class Collection:
    """A collection value (RFC 8010 section 3.1.6): member attributes, each ``(value_tag, name, values)``."""

    members: tuple[Attribute, ...]


class WireError(Exception):
    """A request this simulator cannot parse (answered with client-error-bad-request)."""


@dataclass
class Request:
    version: tuple[int, int]
    operation: int
    request_id: int
    groups: list[tuple[int, dict[str, list[object]]]]
    data: bytes

    def attr(self, name: str, group: int = OP_GROUP) -> object | None:
        for tag, attrs in self.groups:
            if tag == group and attrs.get(name):
                return attrs[name][0]
        return None

    def attr_list(self, name: str, group: int = OP_GROUP) -> list[object]:
        for tag, attrs in self.groups:
            if tag == group and name in attrs:
                return attrs[name]
        return []


def parse_request(body: bytes) -> Request:
    if len(body) < 9:
        raise WireError("request shorter than the IPP header")
    major, minor, operation, request_id = struct.unpack_from(">BBHi", body, 0)
    pos = 8
    groups: list[tuple[int, dict[str, list[object]]]] = []
    current: dict[str, list[object]] | None = None
    last_name = ""
    depth = 0
    while True:
        if pos >= len(body):
            raise WireError("no end-of-attributes tag")
        tag = body[pos]
        if tag == END_TAG:
            pos += 1
            break
        if tag < 0x10:
            current, last_name = {}, ""
            groups.append((tag, current))
            pos += 1
            continue
        if current is None or pos + 3 > len(body):
            raise WireError("attribute outside a group or truncated")
        (name_len,) = struct.unpack_from(">H", body, pos + 1)
        name_end = pos + 3 + name_len
        if name_end + 2 > len(body):
            raise WireError("truncated attribute name")
        (value_len,) = struct.unpack_from(">H", body, name_end)
        value_end = name_end + 2 + value_len
        if value_end > len(body):
            raise WireError("truncated attribute value")
        try:
            name = body[pos + 3 : name_end].decode("utf-8")
            value = _value(tag, body[name_end + 2 : value_end])
        except (UnicodeDecodeError, struct.error) as exc:
            raise WireError(f"bad attribute value: {exc}") from exc
        pos = value_end
        if tag == T_BEG_COLL:
            depth += 1
        elif tag == T_END_COLL:
            depth -= 1
            if depth < 0:
                raise WireError("endCollection without begCollection")
            continue
        if depth > 0 and tag != T_BEG_COLL:
            continue  # collection members: this simulator does not need them
        if name:
            last_name = name
            current[name] = [value]
        elif last_name:
            current[last_name].append(value)
        else:
            raise WireError("additional value with no attribute")
    return Request((major, minor), operation, request_id, groups, body[pos:])


def _value(tag: int, raw: bytes) -> object:
    if tag in (T_INTEGER, T_ENUM):
        if len(raw) != 4:
            raise WireError("integer of wrong length")
        return struct.unpack(">i", raw)[0]
    if tag == T_BOOLEAN:
        if len(raw) != 1:
            raise WireError("boolean of wrong length")
        return raw != b"\x00"
    if tag in (T_TEXT_LANG, T_NAME_LANG):
        if len(raw) < 4:
            raise WireError("text with language too short")
        (lang_len,) = struct.unpack_from(">H", raw, 0)
        (text_len,) = struct.unpack_from(">H", raw, 2 + lang_len)
        return raw[4 + lang_len : 4 + lang_len + text_len].decode("utf-8")
    if 0x40 <= tag <= 0x5F:
        return raw.decode("utf-8")
    return raw


@dataclass
class Response:
    status: int
    request_id: int
    groups: list[tuple[int, list[Attribute]]] = field(default_factory=list)
    version: tuple[int, int] = (1, 1)

    def group(self, tag: int) -> list[Attribute]:
        attrs: list[Attribute] = []
        self.groups.append((tag, attrs))
        return attrs

    def to_bytes(self) -> bytes:
        out = bytearray(struct.pack(">BBHi", *self.version, self.status, self.request_id))
        for tag, attrs in self.groups:
            out.append(tag)
            for value_tag, name, values in attrs:
                _write_attribute(out, value_tag, name, values)
        out.append(END_TAG)
        return bytes(out)


def _write_attribute(out: bytearray, value_tag: int, name: str, values: list[object]) -> None:
    for index, value in enumerate(values or [None]):
        _write_value(out, value_tag, name if index == 0 else "", value)


def _write_value(out: bytearray, tag: int, name: str, value: object) -> None:
    key = name.encode()
    if isinstance(value, Collection):
        out += bytes([T_BEG_COLL]) + struct.pack(">H", len(key)) + key + struct.pack(">H", 0)
        for member_tag, member_name, member_values in value.members:
            member = member_name.encode()
            out += bytes([T_MEMBER]) + struct.pack(">HH", 0, len(member)) + member
            for member_value in member_values:
                _write_value(out, member_tag, "", member_value)
        out += bytes([T_END_COLL]) + struct.pack(">HH", 0, 0)
        return
    raw = _raw(tag, value)
    out += bytes([tag]) + struct.pack(">H", len(key)) + key + struct.pack(">H", len(raw)) + raw


def _raw(tag: int, value: object) -> bytes:
    if value is None:
        return b""
    if tag == T_BOOLEAN:
        return b"\x01" if value else b"\x00"
    if tag in (T_INTEGER, T_ENUM) and isinstance(value, int):
        return struct.pack(">i", value)
    if tag == T_RANGE and isinstance(value, tuple):
        return struct.pack(">ii", *value)
    if tag == T_RESOLUTION and isinstance(value, tuple):
        return struct.pack(">iib", *value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise TypeError(f"cannot write {value!r} as tag 0x{tag:02x}")
