"""The one redaction layer (docs/DESIGN.md principle 5): personal data never reaches a log, trace or error.

Fields marked ``[(kiosk.v1.sensitive) = true]`` in the protos are replaced by ``REDACTED`` wherever a
message is turned into text for a human; ``redact_text`` masks what looks like a 個人番号 or a PIN in
free text as a second line of defence.
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from kiosk.v1 import options_pb2

REDACTED = "REDACTED"

# Twelve digits (optionally grouped 4-4-4) standing alone: the shape of a 個人番号. A run inside a longer
# token of ASCII letters and digits is part of a generated id (a session's 32 hex digits hold twelve
# decimal digits in a row in about one name in fifteen), not a number someone typed.
_MY_NUMBER_SHAPE = re.compile(r"(?<![0-9A-Za-z])\d{4}[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])")
_PIN_ASSIGNMENT = re.compile(r"(?i)(\bpin\b\s*[=:]\s*)\S+")


def is_sensitive(field: FieldDescriptor) -> bool:
    extension: Any = options_pb2.sensitive
    return bool(field.GetOptions().Extensions[extension])


def redacted_copy(message: Message) -> Message:
    """A copy of ``message`` with every sensitive field, at any depth, replaced or cleared."""
    copy = type(message)()
    copy.CopyFrom(message)
    _redact_in_place(copy)
    return copy


def _redact_in_place(message: Message) -> None:
    for field, value in message.ListFields():
        if is_sensitive(field):
            if field.type == FieldDescriptor.TYPE_STRING and not field.is_repeated:
                setattr(message, field.name, REDACTED)
            else:
                message.ClearField(field.name)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.is_repeated:
                is_map = field.message_type is not None and field.message_type.GetOptions().map_entry
                items = value.values() if is_map else value
                for item in items:
                    if isinstance(item, Message):
                        _redact_in_place(item)
            else:
                _redact_in_place(value)


def message_for_log(message: Message) -> dict[str, Any]:
    """The message as a JSON-able dict with sensitive fields redacted."""
    return json_format.MessageToDict(redacted_copy(message), preserving_proto_field_name=True)


def redact_text(text: str) -> str:
    """Mask 個人番号-shaped digit runs and ``pin=…`` assignments in free text."""
    text = _MY_NUMBER_SHAPE.sub("############", text)
    return _PIN_ASSIGNMENT.sub(r"\1****", text)
