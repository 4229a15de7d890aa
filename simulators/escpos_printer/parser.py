"""An incremental ESC/POS stream parser (the simulator's own; it shares no code with the driver).

``StreamParser.feed(chunk)`` returns the complete commands found so far and keeps a partial command
for the next chunk. Bytes it cannot parse become ``Garbage`` commands (the model logs them in hex);
the parser never raises on input.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_RASTER_BYTES = 4_000_000  # larger GS v 0 headers are treated as garbage


@dataclass(frozen=True)
class Command:
    """One parsed command: ``name`` plus its argument bytes (``args``) and data (``data``)."""

    name: str
    args: tuple[int, ...] = ()
    data: bytes = b""


def Garbage(data: bytes) -> Command:  # noqa: N802 - reads like a constructor
    return Command("garbage", data=data)


# ESC x with fixed argument counts: letter -> (name, number of argument bytes)
_ESC_FIXED = {
    ord("@"): ("init", 0),
    ord("!"): ("print_mode", 1),
    ord("E"): ("bold", 1),
    ord("G"): ("double_strike", 1),
    ord("a"): ("align", 1),
    ord("d"): ("feed_lines", 1),
    ord("J"): ("feed_dots", 1),
    ord("2"): ("default_spacing", 0),
    ord("3"): ("line_spacing", 1),
    ord("t"): ("code_page", 1),
    ord("R"): ("intl_charset", 1),
    ord("-"): ("underline", 1),
    ord("M"): ("font", 1),
    ord("="): ("peripheral", 1),
}
_GS_FIXED = {
    ord("!"): ("size", 1),
    ord("h"): ("barcode_height", 1),
    ord("H"): ("hri_position", 1),
    ord("w"): ("barcode_width", 1),
    ord("a"): ("asb", 1),
    ord("B"): ("reverse", 1),
}
_FS_FIXED = {
    ord("&"): ("kanji_on", 0),
    ord("."): ("kanji_off", 0),
    ord("C"): ("kanji_code", 1),
    ord("!"): ("kanji_mode", 1),
}
ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
_SIMPLE_CONTROLS = {0x0A: "lf", 0x0D: "cr", 0x09: "tab", 0x0C: "form_feed"}

# Result of one parse step: a command and the bytes it used, or None when more bytes are needed.
_Step = tuple[Command, int] | None


def _fixed(buf: bytes, pos: int, name: str, count: int) -> _Step:
    end = pos + 2 + count
    if len(buf) < end:
        return None
    return Command(name, tuple(buf[pos + 2 : end])), end - pos


def _parse_gs(buf: bytes, pos: int) -> _Step:
    code = buf[pos + 1]
    if code in _GS_FIXED:
        return _fixed(buf, pos, *_GS_FIXED[code])
    if code == ord("v"):  # GS v 0 m xL xH yL yH d1...dk
        if len(buf) < pos + 8:
            return None
        if buf[pos + 2] not in (0x00, ord("0")):
            return Garbage(buf[pos : pos + 3]), 3
        mode, x_lo, x_hi, y_lo, y_hi = buf[pos + 3 : pos + 8]
        width_bytes, height = x_lo | x_hi << 8, y_lo | y_hi << 8
        size = width_bytes * height
        if size > MAX_RASTER_BYTES or size == 0:
            return Garbage(buf[pos : pos + 8]), 8
        if len(buf) < pos + 8 + size:
            return None
        return Command("raster", (mode, width_bytes, height), buf[pos + 8 : pos + 8 + size]), 8 + size
    if code == ord("("):  # GS ( k pL pH cn fn [params]
        if len(buf) < pos + 5:
            return None
        length = buf[pos + 3] | buf[pos + 4] << 8
        if len(buf) < pos + 5 + length:
            return None
        body = buf[pos + 5 : pos + 5 + length]
        name = "qr" if buf[pos + 2] == ord("k") else "gs_paren"
        return Command(name, (buf[pos + 2],), body), 5 + length
    if code == ord("k"):  # GS k m: function A (NUL-terminated, m 0..6) or B (m 65.., n, data)
        if len(buf) < pos + 4:
            return None
        kind = buf[pos + 2]
        if kind <= 6:
            end = buf.find(b"\x00", pos + 3)
            if end < 0:
                return None if len(buf) - pos < 300 else (Garbage(buf[pos : pos + 3]), 3)
            return Command("barcode", (kind,), buf[pos + 3 : end]), end + 1 - pos
        count = buf[pos + 3]
        if len(buf) < pos + 4 + count:
            return None
        return Command("barcode", (kind,), buf[pos + 4 : pos + 4 + count]), 4 + count
    if code == ord("V"):  # GS V m (0, 1, 48, 49) or GS V m n (65, 66)
        if len(buf) < pos + 3:
            return None
        mode = buf[pos + 2]
        if mode in (0, 1, 48, 49):
            return Command("cut", (mode,)), 3
        if len(buf) < pos + 4:
            return None
        return Command("cut", (mode, buf[pos + 3])), 4
    return Garbage(buf[pos : pos + 2]), 2


def parse_one(buf: bytes, pos: int) -> _Step:
    """Parse the command starting at ``buf[pos]``; None when it is not complete yet."""
    first = buf[pos]
    if first >= 0x20:
        end = pos
        while end < len(buf) and buf[end] >= 0x20:
            end += 1
        return Command("text", data=buf[pos:end]), end - pos
    if first in _SIMPLE_CONTROLS:
        return Command(_SIMPLE_CONTROLS[first]), 1
    if first not in (ESC, GS, FS, DLE):
        return Garbage(buf[pos : pos + 1]), 1
    if len(buf) < pos + 2:
        return None
    code = buf[pos + 1]
    if first == ESC:
        return _fixed(buf, pos, *_ESC_FIXED[code]) if code in _ESC_FIXED else (Garbage(buf[pos : pos + 2]), 2)
    if first == FS:
        return _fixed(buf, pos, *_FS_FIXED[code]) if code in _FS_FIXED else (Garbage(buf[pos : pos + 2]), 2)
    if first == DLE:
        if code != 0x04:
            return Garbage(buf[pos : pos + 2]), 2
        return _fixed(buf, pos, "status", 1)
    return _parse_gs(buf, pos)


class StreamParser:
    """Feed bytes as they arrive; get whole commands back in order."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[Command]:
        buf = self._buffer + chunk
        commands: list[Command] = []
        pos = 0
        while pos < len(buf):
            step = parse_one(buf, pos)
            if step is None:
                break
            command, used = step
            commands.append(command)
            pos += used
        self._buffer = buf[pos:]
        return commands

    @property
    def pending(self) -> bytes:
        """Bytes of an incomplete command held back."""
        return self._buffer
