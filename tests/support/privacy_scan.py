"""Needles (personal data of a persona) and a byte scanner for everything a process wrote.

Each needle is a compiled bytes regex with a label. 個人番号 (plain, 4-4-4 with space or hyphen) and the
sign PIN are searched everywhere; 4-digit PINs only in a PIN-ish context (a quoted JSON/Python value or
``pin=``/``pin:``), since a bare 4-digit number occurs in ports, pids and timestamps. Names and addresses
are searched as UTF-8, UTF-16-LE and Shift_JIS (cp932; a character cp932 lacks skips that encoding).

``reveal`` adds what raw bytes hide: the text of every PDF (compressed content streams, via pypdf), every
cell of an SQLite database (and the PDFs and JSON inside them), and JSON ``\\uXXXX`` escapes decoded, each
as a target of its own (``<file>#pdf-text``, ``<file>#sqlite:<table>``, ``<file>#json-unescaped``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from simulators.licence_card.personas import LicencePersona
from simulators.personas import Persona

TEXT_ENCODINGS = ("utf-8", "utf-16-le", "cp932")
_FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@dataclass(frozen=True)
class Needle:
    persona: str
    what: str
    kind: str  # "number", "pin", "name", "address"
    pattern: re.Pattern[bytes]


@dataclass(frozen=True)
class Hit:
    needle: Needle
    where: str

    def __str__(self) -> str:
        return f"{self.needle.persona}'s {self.needle.what} in {self.where}"


def _encoded(text: str, encodings: Iterable[str]) -> list[bytes]:
    out = []
    for encoding in encodings:
        try:
            out.append(text.encode(encoding))
        except UnicodeEncodeError:
            continue
    return out


def _text_needles(persona: Persona, kind: str, texts: dict[str, str], not_before: str = "") -> list[Needle]:
    needles = []
    for what, text in texts.items():
        for encoding, data in zip(TEXT_ENCODINGS, _encoded(text, TEXT_ENCODINGS), strict=False):
            guard = b""
            if not_before:
                follow = _encoded(not_before, [encoding])
                guard = b"(?!" + re.escape(follow[0]) + b")" if follow else b""
            needles.append(
                Needle(persona.id, f"{what} ({encoding})", kind, re.compile(re.escape(data) + guard))
            )
    return needles


def persona_needles(persona: Persona, address: str) -> list[Needle]:
    """Every needle of one card holder: number, PINs, name forms, kana and the address."""
    number = persona.my_number or ""
    needles = [
        Needle(persona.id, f"個人番号 ({label})", "number", re.compile(re.escape(text.encode())))
        for label, text in {
            "12 digits": number,
            "4-4-4 space": f"{number[:4]} {number[4:8]} {number[8:]}",
            "4-4-4 hyphen": f"{number[:4]}-{number[4:8]}-{number[8:]}",
            "full-width": number.translate(_FULLWIDTH),
        }.items()
    ]
    if persona.sign_pin:
        needles.append(
            Needle(persona.id, "sign PIN", "pin", re.compile(re.escape(persona.sign_pin.encode())))
        )
    for label, pin in (("text PIN", persona.text_pin), ("auth PIN", persona.auth_pin)):
        digits = re.escape((pin or "").encode())
        context = rb"(?:[\"']" + digits + rb"[\"']|pin\s*[=:]\s*[\"']?" + digits + rb"(?![0-9]))"
        needles.append(Needle(persona.id, label, "pin", re.compile(context, re.IGNORECASE)))
    family, given = persona.family_name, persona.given_name
    names = {
        "full name (U+3000)": f"{family}\u3000{given}",
        "full name (space)": f"{family} {given}",
        "full name (no space)": f"{family}{given}",
        "given name": given,
        "kana (U+3000)": f"{persona.family_kana}\u3000{persona.given_kana}",
        "kana (space)": f"{persona.family_kana} {persona.given_kana}",
        "kana (no space)": f"{persona.family_kana}{persona.given_kana}",
        "given kana": persona.given_kana,
    }
    needles += _text_needles(persona, "name", names)
    # The family name alone, except as the municipality 指宿市 (which receipts and events name).
    needles += _text_needles(persona, "name", {"family name": family}, not_before="市")
    card_form = unicodedata.normalize("NFKC", address).translate(_FULLWIDTH)
    needles += _text_needles(persona, "address", {"address": address, "address (card form)": card_form})
    return needles


def licence_needles(licence: LicencePersona) -> list[Needle]:
    """A 運転免許証 persona's own data: licence number and PIN1 (allowed nowhere), the address as the
    licence holds it (full-width digits), besides the resident's needles (:func:`persona_needles`)."""
    number = re.compile(
        re.escape(licence.number.encode())
        + b"|"
        + re.escape(licence.number.translate(_FULLWIDTH).encode("utf-8"))
    )
    needles = [Needle(licence.id, "licence number", "number", number)]
    if licence.pin:
        digits = re.escape(licence.pin.encode())
        context = rb"(?:[\"']" + digits + rb"[\"']|pin\s*[=:]\s*[\"']?" + digits + rb"(?![0-9]))"
        needles.append(Needle(licence.id, "licence PIN1", "pin", re.compile(context, re.IGNORECASE)))
    licence_form = unicodedata.normalize("NFKC", licence.address).translate(_FULLWIDTH)
    for encoding, data in zip(TEXT_ENCODINGS, _encoded(licence_form, TEXT_ENCODINGS), strict=False):
        needles.append(
            Needle(licence.id, f"licence address ({encoding})", "address", re.compile(re.escape(data)))
        )
    return needles


def files_under(*roots: Path) -> list[Path]:
    return sorted(path for root in roots if root.exists() for path in root.rglob("*") if path.is_file())


def scan(targets: dict[str, bytes], needles: Iterable[Needle]) -> list[Hit]:
    """Every (needle, target) pair where the needle occurs."""
    needles = list(needles)
    return [
        Hit(needle, where)
        for where, data in targets.items()
        for needle in needles
        if needle.pattern.search(data)
    ]


def read_targets(paths: Iterable[Path], base: Path) -> dict[str, bytes]:
    targets = {}
    for path in paths:
        try:
            targets[str(path.relative_to(base)) if path.is_relative_to(base) else str(path)] = (
                path.read_bytes()
            )
        except OSError:
            continue  # removed between listing and reading (a -wal after a checkpoint)
    return targets


_PDF_START = re.compile(rb"%PDF-\d\.\d")
_PDF_END = b"%%EOF"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_JSON_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")


def pdf_texts(data: bytes) -> list[str]:
    """The text of every PDF found in ``data`` (anywhere in it: a file, a blob, a free page): each page's
    extracted text and the document information; a PDF pypdf cannot parse gives nothing."""
    texts = []
    for start in _PDF_START.finditer(data):
        end = data.find(_PDF_END, start.start())
        if end < 0:
            continue
        text = _pdf_text(data[start.start() : end + len(_PDF_END)])
        if text is not None:
            texts.append(text)
    return texts


_PDF_TEXT_SEEN: dict[bytes, str | None] = {}  # by SHA-256: one PDF sits in a file, its -wal and a cell


def _pdf_text(chunk: bytes) -> str | None:
    digest = hashlib.sha256(chunk).digest()
    if digest not in _PDF_TEXT_SEEN:
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:
            reader = PdfReader(io.BytesIO(chunk), strict=False)
            parts = [page.extract_text() or "" for page in reader.pages]
            parts += [str(value) for value in (reader.metadata or {}).values()]
            _PDF_TEXT_SEEN[digest] = "\n".join(parts)
        except Exception:  # a truncated PDF in a free page: nothing to read
            _PDF_TEXT_SEEN[digest] = None
    return _PDF_TEXT_SEEN[digest]


def sqlite_cells(data: bytes, wal: bytes = b"") -> dict[str, list[str | bytes]]:
    """Every cell of every table of an SQLite database (with what its ``-wal`` holds), by table; {} when
    ``data`` is not a database. Copies are opened, never the files a process still writes."""
    if not data.startswith(_SQLITE_MAGIC):
        return {}
    with tempfile.TemporaryDirectory(prefix="privacy-scan-") as directory:
        path = Path(directory, "copy.sqlite3")
        path.write_bytes(data)
        if wal:
            Path(f"{path}-wal").write_bytes(wal)
        return _cells(path)


def _cells(path: Path) -> dict[str, list[str | bytes]]:
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        cells: dict[str, list[str | bytes]] = {}
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()  # table names from the db itself
            cells[table] = [cell for row in rows for cell in row if isinstance(cell, str | bytes)]
        return cells
    except sqlite3.DatabaseError:
        return {}
    finally:
        connection.close()


def json_unescaped(data: bytes) -> bytes | None:
    """``data`` with every run of JSON ``\\uXXXX`` escapes decoded (UTF-8); None when it has none."""
    text = data.decode("utf-8", "surrogateescape")
    if not _JSON_ESCAPES.search(text):
        return None

    def decode(match: re.Match[str]) -> str:
        with contextlib.suppress(ValueError):
            return str(json.loads(f'"{match.group(0)}"'))
        return match.group(0)

    return _JSON_ESCAPES.sub(decode, text).encode("utf-8", "surrogatepass")


def reveal(targets: dict[str, bytes]) -> dict[str, bytes]:
    """``targets`` plus the text hidden in each: PDF text, SQLite cells, decoded JSON escapes."""
    revealed = dict(targets)
    for where, data in targets.items():
        revealed.update(_hidden(where, data, targets.get(f"{where}-wal", b"")))
    return revealed


def _hidden(where: str, data: bytes, wal: bytes | None = None) -> dict[str, bytes]:
    """What ``data`` hides; ``wal`` (its -wal, maybe empty) when it is a file, None inside a cell."""
    found: dict[str, bytes] = {}
    texts = pdf_texts(data) if b"%PDF-" in data else []
    if texts:
        found[f"{where}#pdf-text"] = "\n".join(texts).encode()
    unescaped = json_unescaped(data)
    if unescaped is not None:
        found[f"{where}#json-unescaped"] = unescaped
    if wal is not None:
        for table, cells in sqlite_cells(data, wal).items():
            key = f"{where}#sqlite:{table}"
            blob = b"\n".join(cell.encode("utf-8", "surrogatepass") if isinstance(cell, str) else cell
                               for cell in cells)  # fmt: skip
            found[key] = blob
            found.update(_hidden(key, blob))
    return found
