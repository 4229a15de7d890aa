"""The character set of a Tesseract model: the LSTM unicharset inside a ``.traineddata`` file.

``unicharset(Path("/usr/share/tesseract-ocr/5/tessdata/jpn.traineddata").read_bytes())`` → 2,693
characters for Debian's jpn. Pure parser: the file is a table of ``int32`` entry count and ``int64``
offsets (−1 for an absent component), then the components; component 21 (``lstm-unicharset``) is text,
a count line and one line per unichar (``<unichar> <properties> …``; ``NULL`` is the blank).
"""

from __future__ import annotations

import re
import struct
import subprocess
from functools import cache
from pathlib import Path

LSTM_UNICHARSET = 21
MAX_ENTRIES = 64


class TessdataError(ValueError):
    """A .traineddata file that does not hold a readable LSTM unicharset."""


def _component(data: bytes, index: int) -> bytes:
    if len(data) < 4:
        raise TessdataError("traineddata: too short for a header")
    (count,) = struct.unpack_from("<i", data, 0)
    if not 0 < count <= MAX_ENTRIES or len(data) < 4 + 8 * count:
        raise TessdataError(f"traineddata: bad entry count {count}")
    offsets = struct.unpack_from(f"<{count}q", data, 4)
    if index >= count or offsets[index] < 0:
        raise TessdataError(f"traineddata: component {index} absent")
    start = offsets[index]
    later = [offset for offset in offsets if offset > start]
    end = min(later) if later else len(data)
    if not 4 + 8 * count <= start < end <= len(data):
        raise TessdataError(f"traineddata: component {index} out of bounds")
    return data[start:end]


def unicharset(data: bytes) -> frozenset[str]:
    """The characters the model's LSTM can output (multi-character unichars split into characters)."""
    try:
        text = _component(data, LSTM_UNICHARSET).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TessdataError("traineddata: unicharset is not UTF-8") from exc
    lines = text.splitlines()
    if not lines or not lines[0].strip().isdigit():
        raise TessdataError("traineddata: unicharset has no count line")
    declared = int(lines[0])
    entries = [line.split(" ", 1)[0] for line in lines[1 : declared + 1] if line]
    if len(entries) != declared:
        raise TessdataError(f"traineddata: unicharset declares {declared} entries, holds {len(entries)}")
    return frozenset(char for entry in entries if entry not in ("NULL", "Joined") for char in entry)


@cache
def tessdata_dir() -> Path:
    """The folder tesseract loads models from (asks ``tesseract --list-langs`` once)."""
    listing = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10, check=False
    )
    found = re.search(r'"([^"]+)"', listing.stdout + listing.stderr)
    if found is None:
        raise TessdataError("tesseract did not name its tessdata folder")
    return Path(found.group(1))


@cache
def language_charset(language: str = "jpn") -> frozenset[str]:
    return unicharset((tessdata_dir() / f"{language}.traineddata").read_bytes())
