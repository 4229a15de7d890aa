"""ESC/POS command bytes: pure functions, no I/O (the transport sends what these return).

| command            | bytes                         | function here          |
|--------------------|-------------------------------|------------------------|
| initialise         | ESC @                         | initialize()           |
| character size     | GS ! n                        | select_size()          |
| emphasis           | ESC E n                       | bold()                 |
| justification      | ESC a n                       | align()                |
| kanji code system  | FS C 1 (Shift_JIS)            | kanji_on()             |
| kanji mode on/off  | FS & / FS .                   | kanji_on(), kanji_off()|
| raster bit image   | GS v 0 m xL xH yL yH d…       | raster_image()         |
| QR code            | GS ( k (model, size, EC, store, print) | qr_code()     |
| barcode            | GS k m n d…                   | barcode()              |
| feed n lines       | ESC d n                       | feed()                 |
| feed and cut       | GS V 66 n / GS V 65 n         | cut()                  |
| real-time status   | DLE EOT n                     | realtime_status()      |
"""

from __future__ import annotations

from drivers.escpos.document import Align, BarcodeKind, TextSize

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

RASTER_SLICE_ROWS = 240  # rows per GS v 0 command (Odoo sends 255-row slices)
_QR_EC_LEVELS = {"L": 48, "M": 49, "Q": 50, "H": 51}


def initialize() -> bytes:
    return ESC + b"@"


def select_size(size: TextSize) -> bytes:
    width, height = size.scale
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def align(alignment: Align) -> bytes:
    return ESC + b"a" + bytes([alignment.value])


def kanji_on() -> bytes:
    """Select Shift_JIS as the kanji code system, then enter kanji mode."""
    return FS + b"C\x01" + FS + b"&"


def kanji_off() -> bytes:
    return FS + b"."


def feed(lines: int) -> bytes:
    if not 0 <= lines <= 255:
        raise ValueError(f"feed lines out of range 0..255: {lines}")
    return ESC + b"d" + bytes([lines])


def cut(partial: bool = False, feed_dots: int = 0) -> bytes:
    """Feed ``feed_dots`` then cut (GS V 66 full, GS V 65 partial, function B)."""
    return GS + b"V" + bytes([65 if partial else 66, feed_dots])


def realtime_status(n: int) -> bytes:
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n must be 1..4, got {n}")
    return DLE + EOT + bytes([n])


def raster_image(width_dots: int, rows: list[bytes]) -> bytes:
    """``GS v 0`` commands for a 1-bit image given as packed rows (MSB first, 1 = black).

    The image is sent in slices of ``RASTER_SLICE_ROWS`` rows so no command exceeds a printer's buffer.
    """
    width_bytes = (width_dots + 7) // 8
    if width_bytes > 0xFFFF or any(len(row) != width_bytes for row in rows):
        raise ValueError("raster rows must all be ceil(width/8) bytes long")
    out = bytearray()
    for start in range(0, len(rows), RASTER_SLICE_ROWS):
        chunk = rows[start : start + RASTER_SLICE_ROWS]
        out += GS + b"v0\x00"
        out += width_bytes.to_bytes(2, "little") + len(chunk).to_bytes(2, "little")
        out += b"".join(chunk)
    return bytes(out)


def qr_code(payload: bytes, module_size: int = 6, ec_level: str = "M") -> bytes:
    """``GS ( k`` function 165 (model 2), 167 (size), 169 (EC level), 180 (store), 181 (print)."""
    if not 1 <= module_size <= 16:
        raise ValueError(f"QR module size out of range 1..16: {module_size}")
    if not payload or len(payload) > 7089:
        raise ValueError(f"QR payload must be 1..7089 bytes, got {len(payload)}")
    store_len = len(payload) + 3

    def function(fn: int, data: bytes) -> bytes:
        length = len(data) + 2
        return GS + b"(k" + length.to_bytes(2, "little") + b"1" + bytes([fn]) + data

    return (
        function(65, b"\x32\x00")
        + function(67, bytes([module_size]))
        + function(69, bytes([_QR_EC_LEVELS[ec_level]]))
        + GS
        + b"(k"
        + store_len.to_bytes(2, "little")
        + b"1P0"
        + payload
        + function(81, b"0")
    )


def barcode(kind: BarcodeKind, data: bytes, height: int = 80) -> bytes:
    """Height (``GS h``), HRI below (``GS H 2``), then ``GS k m n d…`` (function B)."""
    if not 1 <= height <= 255:
        raise ValueError(f"barcode height out of range 1..255: {height}")
    if not 1 <= len(data) <= 255:
        raise ValueError(f"barcode data must be 1..255 bytes, got {len(data)}")
    if kind is BarcodeKind.CODE128 and not data.startswith(b"{"):
        data = b"{B" + data  # code set B
    return GS + b"h" + bytes([height]) + GS + b"H\x02" + GS + b"k" + bytes([kind.value, len(data)]) + data
