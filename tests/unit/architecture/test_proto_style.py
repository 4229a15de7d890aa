"""Both APIs (kiosk.v1 and the simulators' simulators.v1) follow the same AIP naming rules.

Every enum value carries its enum's name as a prefix and the zero value is ``<ENUM>_UNSPECIFIED``
(AIP-126); a timestamp is a ``google.protobuf.Timestamp`` named ``…_time``, and a field named ``…_time``
is one unless it is a flag (AIP-142). The rules are checked on the generated descriptors, so a .proto in
either folder that breaks one fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor, FileDescriptor

PACKAGES = ("kiosk.v1", "simctl.v1")  # simctl/v1 holds the proto package simulators.v1
TIMESTAMP = "google.protobuf.Timestamp"


def api_files() -> list[FileDescriptor]:
    files = []
    for package in PACKAGES:
        imported = importlib.import_module(package)
        for module in pkgutil.iter_modules(imported.__path__):
            if module.name.endswith("_pb2"):
                files.append(importlib.import_module(f"{package}.{module.name}").DESCRIPTOR)
    return files


def _messages(messages: list[Descriptor]) -> Iterator[Descriptor]:
    for message in messages:
        yield message
        yield from _messages(list(message.nested_types))


def upper_snake(name: str) -> str:
    """``DeviceState`` → ``DEVICE_STATE``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def enum_problems(enum: EnumDescriptor) -> list[str]:
    prefix = upper_snake(enum.name) + "_"
    problems = [
        f"{enum.full_name}.{value.name}: not prefixed {prefix}"
        for value in enum.values
        if not value.name.startswith(prefix)
    ]
    zero = enum.values_by_number.get(0)
    if zero is None or zero.name != f"{prefix}UNSPECIFIED":
        problems.append(f"{enum.full_name}: the zero value is not {prefix}UNSPECIFIED")
    return problems


def field_problems(field: FieldDescriptor) -> list[str]:
    is_timestamp = field.message_type is not None and field.message_type.full_name == TIMESTAMP
    # a flag may say "next time" (``konbini_next_time``); a number or text so named is a timestamp in disguise
    named_time = field.name.endswith("_time") and field.type != FieldDescriptor.TYPE_BOOL
    if is_timestamp and not named_time:
        return [f"{field.full_name}: a Timestamp is named …_time"]
    if named_time and not is_timestamp:
        return [f"{field.full_name}: a field named …_time is a google.protobuf.Timestamp"]
    return []


def file_problems(file: FileDescriptor) -> tuple[list[str], int]:
    """The rules' breaches in one .proto, and how many enums and fields were looked at."""
    messages = list(_messages(list(file.message_types_by_name.values())))
    enums = list(file.enum_types_by_name.values()) + [e for m in messages for e in m.enum_types]
    fields = [field for message in messages for field in message.fields]
    problems = [p for enum in enums for p in enum_problems(enum)]
    problems += [p for field in fields for p in field_problems(field)]
    return problems, len(enums) + len(fields)


def test_both_apis_follow_the_naming_rules() -> None:
    files = api_files()
    assert {file.package for file in files} == {"kiosk.v1", "simulators.v1"}
    looked_at, problems = 0, []
    for file in files:
        found, count = file_problems(file)
        problems += found
        looked_at += count
    assert looked_at > 300  # the walk reached every message and enum
    assert problems == []


def test_the_simulator_state_follows_them() -> None:
    (control,) = [file for file in api_files() if file.package == "simulators.v1"]
    state = control.enum_types_by_name["SimulatorState"]
    assert [value.name for value in state.values] == [
        "SIMULATOR_STATE_UNSPECIFIED",
        "SIMULATOR_STATE_RUNNING",
        "SIMULATOR_STATE_EXITED",
    ]
    assert file_problems(control)[0] == []


def _synthetic_file() -> FileDescriptor:
    """A .proto that breaks each rule once: an unprefixed enum value, a Timestamp not named …_time, an
    int64 named …_time."""
    proto = descriptor_pb2.FileDescriptorProto(name="bad/v1/bad.proto", package="bad.v1", syntax="proto3")
    proto.dependency.append("google/protobuf/timestamp.proto")
    enum = proto.enum_type.add(name="PrinterMood")
    enum.value.add(name="PRINTER_MOOD_UNSPECIFIED", number=0)
    enum.value.add(name="HAPPY", number=1)
    message = proto.message_type.add(name="Printer")
    message.field.add(
        name="created_at",
        number=1,
        type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
        type_name=f".{TIMESTAMP}",
    )
    message.field.add(name="update_time", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT64)
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    pool.AddSerializedFile(proto.SerializeToString())
    return pool.FindFileByName(proto.name)


def test_the_check_finds_each_breach() -> None:
    problems, _ = file_problems(_synthetic_file())
    assert problems == [
        "bad.v1.PrinterMood.HAPPY: not prefixed PRINTER_MOOD_",
        "bad.v1.Printer.created_at: a Timestamp is named …_time",
        "bad.v1.Printer.update_time: a field named …_time is a google.protobuf.Timestamp",
    ]


def test_upper_snake_splits_words() -> None:
    assert upper_snake("DeviceState") == "DEVICE_STATE"
    assert upper_snake("SimulatorState") == "SIMULATOR_STATE"
    assert upper_snake("Sex") == "SEX"
