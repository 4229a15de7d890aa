"""IPP/1.1 message encoder and decoder (RFC 8010), pure: bytes in, dataclasses out.

A message is ``version, operation-id|status-code, request-id``, attribute groups, an end tag, then data.
Values by tag::

    integer, enum                    int
    boolean                          bool
    text, name, keyword, uri, …      str
    textWithLanguage, nameWith…      LangString(text, language)
    dateTime                         datetime.datetime (timezone-aware)
    rangeOfInteger                   IppRange(lower, upper)
    resolution                       Resolution(x, y, units)
    begCollection                    dict[str, IppAttribute]
    out-of-band (unknown, no-value)  None
    octetString and unknown tags     bytes

Malformed input raises ``IppParseError`` carrying the byte offset where decoding failed.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Union

_LOGGER = logging.getLogger(__name__)


class IppParseError(ValueError):
    """A malformed IPP message; ``offset`` is the byte where decoding failed."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset


class GroupTag(enum.IntEnum):
    OPERATION = 0x01
    JOB = 0x02
    END = 0x03
    PRINTER = 0x04
    UNSUPPORTED = 0x05
    SUBSCRIPTION = 0x06
    EVENT_NOTIFICATION = 0x07
    RESOURCE = 0x08
    DOCUMENT = 0x09
    SYSTEM = 0x0A


class ValueTag(enum.IntEnum):
    UNSUPPORTED = 0x10
    UNKNOWN = 0x12
    NO_VALUE = 0x13
    INTEGER = 0x21
    BOOLEAN = 0x22
    ENUM = 0x23
    OCTET_STRING = 0x30
    DATETIME = 0x31
    RESOLUTION = 0x32
    RANGE = 0x33
    BEGIN_COLLECTION = 0x34
    TEXT_WITH_LANGUAGE = 0x35
    NAME_WITH_LANGUAGE = 0x36
    END_COLLECTION = 0x37
    TEXT = 0x41
    NAME = 0x42
    KEYWORD = 0x44
    URI = 0x45
    URI_SCHEME = 0x46
    CHARSET = 0x47
    LANGUAGE = 0x48
    MIME_TYPE = 0x49
    MEMBER_NAME = 0x4A


_STRING_TAGS = frozenset(
    {
        ValueTag.TEXT,
        ValueTag.NAME,
        ValueTag.KEYWORD,
        ValueTag.URI,
        ValueTag.URI_SCHEME,
        ValueTag.CHARSET,
        ValueTag.LANGUAGE,
        ValueTag.MIME_TYPE,
        ValueTag.MEMBER_NAME,
    }
)


@dataclass(frozen=True)
class LangString:
    text: str
    language: str


@dataclass(frozen=True)
class IppRange:
    lower: int
    upper: int


@dataclass(frozen=True)
class Resolution:
    x: int
    y: int
    units: int  # 3 = dots per inch, 4 = dots per cm


IppValue = Union[
    int, bool, str, bytes, LangString, dt.datetime, IppRange, Resolution, "dict[str, IppAttribute]", None
]


@dataclass(frozen=True)
class IppAttribute:
    name: str
    tag: int
    values: tuple[IppValue, ...]

    @property
    def value(self) -> IppValue:
        return self.values[0] if self.values else None


@dataclass
class AttributeGroup:
    tag: int
    attributes: list[IppAttribute] = field(default_factory=list)

    def add(self, name: str, tag: int, *values: IppValue) -> AttributeGroup:
        self.attributes.append(IppAttribute(name, tag, tuple(values)))
        return self

    def get(self, name: str) -> IppAttribute | None:
        return next((attr for attr in self.attributes if attr.name == name), None)


@dataclass
class IppMessage:
    """A request (``code`` = operation id) or a response (``code`` = status code)."""

    code: int
    request_id: int
    groups: list[AttributeGroup] = field(default_factory=list)
    data: bytes = b""
    version: tuple[int, int] = (1, 1)

    def group(self, tag: int) -> AttributeGroup:
        """The first group with ``tag``, created (appended) when absent."""
        for group in self.groups:
            if group.tag == tag:
                return group
        new = AttributeGroup(tag)
        self.groups.append(new)
        return new

    def groups_of(self, tag: int) -> Iterator[AttributeGroup]:
        return (group for group in self.groups if group.tag == tag)

    def find(self, name: str, tag: int | None = None) -> IppAttribute | None:
        """The first attribute called ``name`` (in groups with ``tag`` if given)."""
        for group in self.groups:
            if tag is None or group.tag == tag:
                found = group.get(name)
                if found is not None:
                    return found
        return None


# ---------------------------------------------------------------- encoding


def _encode_value(tag: int, value: IppValue) -> bytes:
    if 0x10 <= tag <= 0x1F:
        return b""
    if tag in (ValueTag.INTEGER, ValueTag.ENUM) and isinstance(value, int):
        return struct.pack(">i", value)
    if tag == ValueTag.BOOLEAN and isinstance(value, bool):
        return b"\x01" if value else b"\x00"
    if tag in _STRING_TAGS and isinstance(value, str):
        return value.encode("utf-8")
    if tag in (ValueTag.TEXT_WITH_LANGUAGE, ValueTag.NAME_WITH_LANGUAGE) and isinstance(value, LangString):
        lang, text = value.language.encode("ascii"), value.text.encode("utf-8")
        return struct.pack(">H", len(lang)) + lang + struct.pack(">H", len(text)) + text
    if tag == ValueTag.DATETIME and isinstance(value, dt.datetime):
        return _encode_datetime(value)
    if tag == ValueTag.RANGE and isinstance(value, IppRange):
        return struct.pack(">ii", value.lower, value.upper)
    if tag == ValueTag.RESOLUTION and isinstance(value, Resolution):
        return struct.pack(">iib", value.x, value.y, value.units)
    if isinstance(value, bytes):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} with value tag 0x{tag:02X}")


def _encode_datetime(value: dt.datetime) -> bytes:
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    direction = b"+" if minutes >= 0 else b"-"
    hours, mins = divmod(abs(minutes), 60)
    return (
        struct.pack(
            ">HBBBBBB",
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond // 100_000,
        )
        + direction
        + bytes((hours, mins))
    )


def _encode_attribute(name: str, tag: int, values: Iterable[IppValue]) -> bytes:
    out = bytearray()
    for index, value in enumerate(values):
        key = name.encode("utf-8") if index == 0 else b""
        if tag == ValueTag.BEGIN_COLLECTION and isinstance(value, dict):
            out += struct.pack(">BH", tag, len(key)) + key + b"\x00\x00"
            for member in value.values():
                member_name = member.name.encode("utf-8")
                out += struct.pack(">BHH", ValueTag.MEMBER_NAME, 0, len(member_name)) + member_name
                out += _encode_attribute("", member.tag, member.values)
            out += struct.pack(">BHH", ValueTag.END_COLLECTION, 0, 0)
            continue
        body = _encode_value(tag, value)
        if len(body) > 0xFFFF:
            raise ValueError(f"value of {name!r} is too long for IPP ({len(body)} bytes)")
        out += struct.pack(">BH", tag, len(key)) + key + struct.pack(">H", len(body)) + body
    return bytes(out)


def encode(message: IppMessage) -> bytes:
    """The wire bytes of ``message`` (groups in order, the end tag, then the data)."""
    out = bytearray(struct.pack(">BBHi", *message.version, message.code, message.request_id))
    for group in message.groups:
        out.append(group.tag)
        for attr in group.attributes:
            out += _encode_attribute(attr.name, attr.tag, attr.values or (None,))
    out.append(GroupTag.END)
    return bytes(out) + message.data


# ---------------------------------------------------------------- decoding


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int, what: str) -> bytes:
        if self.pos + count > len(self.data):
            raise IppParseError(f"truncated {what}: need {count} bytes", self.pos)
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def u16(self, what: str) -> int:
        return int(struct.unpack(">H", self.take(2, what))[0])


def _text(raw: bytes, offset: int, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IppParseError(f"{what} is not UTF-8", offset + exc.start) from exc


def _decode_value(tag: int, raw: bytes, offset: int) -> IppValue:
    if 0x10 <= tag <= 0x1F:
        return None
    if tag in (ValueTag.INTEGER, ValueTag.ENUM):
        if len(raw) != 4:
            raise IppParseError(f"integer value of length {len(raw)}", offset)
        return int(struct.unpack(">i", raw)[0])
    if tag == ValueTag.BOOLEAN:
        if len(raw) != 1 or raw[0] > 1:
            raise IppParseError("boolean value is not one byte 0 or 1", offset)
        return raw[0] == 1
    if tag in _STRING_TAGS:
        return _text(raw, offset, "string value")
    if tag in (ValueTag.TEXT_WITH_LANGUAGE, ValueTag.NAME_WITH_LANGUAGE):
        return _decode_lang_string(raw, offset)
    if tag == ValueTag.DATETIME:
        return _decode_datetime(raw, offset)
    if tag == ValueTag.RANGE:
        if len(raw) != 8:
            raise IppParseError(f"rangeOfInteger of length {len(raw)}", offset)
        lower, upper = struct.unpack(">ii", raw)
        return IppRange(int(lower), int(upper))
    if tag == ValueTag.RESOLUTION:
        if len(raw) != 9:
            raise IppParseError(f"resolution of length {len(raw)}", offset)
        x, y, units = struct.unpack(">iib", raw)
        return Resolution(int(x), int(y), int(units))
    return raw


def _decode_lang_string(raw: bytes, offset: int) -> LangString:
    reader = _Reader(raw)
    try:
        lang = reader.take(reader.u16("language length"), "language")
        text = reader.take(reader.u16("text length"), "text")
    except IppParseError as exc:
        raise IppParseError("malformed text/name with language", offset + exc.offset) from exc
    if reader.pos != len(raw):
        raise IppParseError("trailing bytes in text/name with language", offset + reader.pos)
    return LangString(_text(text, offset, "text"), _text(lang, offset, "language"))


def _decode_datetime(raw: bytes, offset: int) -> dt.datetime:
    if len(raw) != 11:
        raise IppParseError(f"dateTime of length {len(raw)}", offset)
    year, month, day, hour, minute, second, decis = struct.unpack(">HBBBBBB", raw[:8])
    direction, off_h, off_m = raw[8:9], raw[9], raw[10]
    if direction not in (b"+", b"-") or off_h > 14 or off_m > 59 or decis > 9:
        raise IppParseError("bad dateTime timezone or deciseconds", offset)
    delta = dt.timedelta(hours=off_h, minutes=off_m)
    try:
        zone = dt.timezone(delta if direction == b"+" else -delta)
        return dt.datetime(year, month, day, hour, minute, second, decis * 100_000, tzinfo=zone)
    except ValueError as exc:
        raise IppParseError(f"bad dateTime: {exc}", offset) from exc


def _read_attribute_header(reader: _Reader) -> tuple[int, str, bytes, int]:
    """One ``tag, name, value`` triple; returns the value's offset too."""
    start = reader.pos
    tag = reader.u8("value tag")
    if tag == 0x7F:
        raise IppParseError("extended value tags are not supported", start)
    name_raw = reader.take(reader.u16("name length"), "name")
    value_len = reader.u16("value length")
    value_offset = reader.pos
    value = reader.take(value_len, "value")
    return tag, _text(name_raw, start + 3, "attribute name"), value, value_offset


def _decode_collection(reader: _Reader, depth: int) -> dict[str, IppAttribute]:
    if depth > 8:
        raise IppParseError("collections nested too deeply", reader.pos)
    members: dict[str, IppAttribute] = {}
    current: str | None = None
    while True:
        start = reader.pos
        tag, name, raw, offset = _read_attribute_header(reader)
        if name:
            raise IppParseError("named attribute inside a collection", start)
        if tag == ValueTag.END_COLLECTION:
            return members
        if tag == ValueTag.MEMBER_NAME:
            current = _text(raw, offset, "member name")
            if not current:
                raise IppParseError("empty collection member name", offset)
            continue
        if current is None:
            raise IppParseError("collection value without a member name", start)
        if tag == ValueTag.BEGIN_COLLECTION:
            value: IppValue = _decode_collection(reader, depth + 1)
        else:
            value = _decode_value(tag, raw, offset)
        old = members.get(current)
        if old is None:
            members[current] = IppAttribute(current, tag, (value,))
        else:
            members[current] = IppAttribute(current, old.tag, (*old.values, value))


def decode(data: bytes) -> IppMessage:
    """Parse one IPP message; raise ``IppParseError`` (with the offset) when it is malformed."""
    reader = _Reader(data)
    major, minor = reader.u8("version"), reader.u8("version")
    code = reader.u16("operation or status code")
    request_id = int(struct.unpack(">i", reader.take(4, "request id"))[0])
    message = IppMessage(code=code, request_id=request_id, version=(major, minor))
    group: AttributeGroup | None = None
    last: IppAttribute | None = None
    while True:
        start = reader.pos
        tag = reader.u8("tag")
        if tag == GroupTag.END:
            break
        if tag < 0x10:
            if tag == 0:
                raise IppParseError("reserved delimiter tag 0x00", start)
            group, last = AttributeGroup(tag), None
            message.groups.append(group)
            continue
        reader.pos = start
        tag, name, raw, offset = _read_attribute_header(reader)
        if group is None:
            raise IppParseError("attribute before any group tag", start)
        if tag in (ValueTag.END_COLLECTION, ValueTag.MEMBER_NAME):
            raise IppParseError(f"value tag 0x{tag:02X} outside a collection", start)
        value: IppValue
        if tag == ValueTag.BEGIN_COLLECTION:
            value = _decode_collection(reader, 1)
        else:
            value = _decode_value(tag, raw, offset)
        if name:
            last = IppAttribute(name, tag, (value,))
            group.attributes.append(last)
        elif last is None:
            raise IppParseError("additional value without an attribute", start)
        else:
            last = IppAttribute(last.name, last.tag, (*last.values, value))
            group.attributes[-1] = last
    message.data = data[reader.pos :]
    return message
