"""One harness per byte parser: feed it anything; only the parser's own error type may come out.

Each harness is a function ``bytes -> None`` that raises ``Finding`` when the parser raised anything
else (or returned something impossible). Seeds are valid inputs, so mutation starts near the format.
The modules under test are imported inside ``load()``, so atheris can instrument them for coverage.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Finding(Exception):
    """The parser failed in a way its contract does not allow."""


@dataclass(frozen=True)
class Harness:
    name: str
    modules: tuple[str, ...]  # imported under atheris instrumentation
    build: Callable[[], tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]]

    def load(self) -> tuple[Callable[[bytes], None], list[bytes]]:
        """The checked target and its seeds."""
        for module in self.modules:
            importlib.import_module(module)
        target, allowed, seeds = self.build()

        def checked(data: bytes) -> None:
            try:
                target(data)
            except allowed:
                return
            except Exception as exc:
                raise Finding(f"{self.name}: {type(exc).__name__}: {exc}") from exc

        return checked, seeds


def each(allowed: tuple[type[BaseException], ...], *calls: Callable[[], object]) -> None:
    """Run every call; the allowed errors end only that call."""
    for call in calls:
        try:
            call()
        except allowed:
            continue


def _card_tlv() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]:
    from drivers.mynumber.tlv import TlvError, parse_children, parse_one, parse_template

    def children(data: bytes) -> None:
        for item in parse_children(data):
            if item.end > len(data) or item.offset < 0:
                raise Finding(f"TLV {item.tag:X} reaches past the buffer")

    def target(data: bytes) -> None:
        each(
            (TlvError,),
            lambda: children(data),
            lambda: parse_one(data, data[0] % len(data) if data else 0),
            lambda: parse_template(data, 0xFF20),
        )

    seeds = [
        bytes.fromhex("FF2009DF21024142DF220130"),
        bytes.fromhex("FF20820005DF2101FF"),
        bytes.fromhex("DF2181020000"),
    ]
    return target, (TlvError,), seeds


def _escpos_status() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]:
    from drivers.escpos.errors import MalformedStatusError
    from drivers.escpos.status import parse_status

    def target(data: bytes) -> None:
        status = parse_status(data)
        status.reasons  # noqa: B018 - the properties must not fail on any accepted reply
        status.can_print  # noqa: B018

    return target, (MalformedStatusError,), [bytes([0x12, 0x12, 0x12, 0x12]), bytes([0x1A, 0x36, 0x72, 0x7E])]


def _ipp_response() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]:
    from drivers.ipp import ipp_codec as ipp

    message = ipp.IppMessage(code=0x0000, request_id=7)
    message.group(ipp.GroupTag.OPERATION).add("attributes-charset", ipp.ValueTag.CHARSET, "utf-8")
    printer = message.group(ipp.GroupTag.PRINTER)
    printer.add("printer-state", ipp.ValueTag.ENUM, 3)
    printer.add("printer-state-reasons", ipp.ValueTag.KEYWORD, "media-empty", "media-jam")
    printer.add("printer-is-accepting-jobs", ipp.ValueTag.BOOLEAN, True)
    printer.add("printer-current-time", ipp.ValueTag.DATETIME, dt.datetime(2025, 9, 9, tzinfo=dt.UTC))

    def target(data: bytes) -> None:
        decoded = ipp.decode(data)
        for group in decoded.groups:
            for attribute in group.attributes:
                attribute.value  # noqa: B018 - every decoded attribute has a first value

    return target, (ipp.IppParseError,), [ipp.encode(message)]


def _zvt_frames() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]:
    from drivers.zvt import commands, frames

    def framed(data: bytes) -> None:
        length = frames.frame_length(data)
        if length is not None:
            commands.parse_fields(frames.decode_apdu(frames.decode_frame(data[:length])).data)

    def status(data: bytes) -> None:
        info, _ = commands.parse_fields(data)
        info.text(0x1F10)
        info.number(0x1F11)

    def target(data: bytes) -> None:
        each(
            (frames.ZvtFrameError,),
            lambda: framed(data),
            lambda: frames.decode_apdu(data),
            lambda: status(data),
            lambda: commands.parse_abort(data),
        )

    seeds = [
        frames.encode_frame(frames.encode_apdu(0x04, 0x0F, bytes.fromhex("2700040000000010000B000001"))),
        frames.encode_frame(frames.encode_apdu(0x80, 0x00)),
        frames.encode_frame(bytes([0x10, 0x10, 0x00])),
    ]
    return target, (frames.ZvtFrameError,), seeds


def _reception_qr() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]:
    from frontyard.errors import ReceptionCodeError
    from frontyard.reception import ReceptionCodes

    day = dt.date(2025, 9, 9)
    codes = ReceptionCodes(b"fuzzing-secret-0123456789", today=lambda: day)
    issued = codes.issue("SHIMIN").payload

    def target(data: bytes) -> None:
        ticket = codes.resolve(data.decode("utf-8", errors="surrogateescape"))
        if ticket.day != day:
            raise Finding("a code of another day was accepted")

    return target, (ReceptionCodeError,), [issued.encode(), issued.lower().encode(), b"FY1:20250909:A:0001:"]


def _config() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...], list[bytes]]:
    from daemon.config import ConfigError, load_config

    path = Path(tempfile.gettempdir()) / f"frontyard-fuzz-config-{os.getpid()}.toml"

    def target(data: bytes) -> None:
        path.write_bytes(data)
        try:
            load_config(path)
        finally:
            path.unlink(missing_ok=True)

    seeds = [
        b'[daemon]\nstorage_dir = "var"\nlog_level = "info"\n\n[[endpoints]]\nunix = "run/k.sock"\n'
        b'role = "kiosk"\nmode = "0660"\n\n[devices.receipt]\ndriver = "escpos"\n'
        b'uri = "tcp://127.0.0.1:9100"\npoll_interval_s = 1\n',
        b'[[endpoints]]\ntcp = "127.0.0.1:1"\ntls_ca = "ca.pem"\ntls_cert = "a"\ntls_key = "b"\n',
        b"[options.card]\nidle_timeout_s = 120\n",
    ]
    return target, (ConfigError,), seeds


HARNESSES: dict[str, Harness] = {
    harness.name: harness
    for harness in (
        Harness("card_tlv", ("drivers.mynumber.tlv",), _card_tlv),
        Harness("escpos_status", ("drivers.escpos.status",), _escpos_status),
        Harness("ipp_response", ("drivers.ipp.ipp_codec",), _ipp_response),
        Harness("zvt_frames", ("drivers.zvt.frames", "drivers.zvt.commands"), _zvt_frames),
        Harness("reception_qr", ("frontyard.reception",), _reception_qr),
        Harness("config", ("daemon.config",), _config),
    )
}


def run_random(harness: Harness, seconds: float, seed: int = 0) -> dict[str, Any]:
    """A fallback without atheris: seeded random mutation of the seeds for ``seconds``."""
    import random
    import time

    target, seeds = harness.load()
    generator = random.Random(seed)
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data = bytearray(generator.choice(seeds))
        for _ in range(generator.randint(1, 8)):
            action = generator.randrange(3)
            position = generator.randrange(len(data) + 1)
            if action == 0 and data:
                data[min(position, len(data) - 1)] = generator.randrange(256)
            elif action == 1:
                data[position:position] = bytes([generator.randrange(256)])
            elif data:
                del data[min(position, len(data) - 1)]
        target(bytes(data))
        runs += 1
    return {"runs": runs}
