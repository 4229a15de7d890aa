"""The privacy scan sees what raw bytes hide: text in compressed PDFs, SQLite cells, JSON escapes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.render import render_forms
from simulators.personas import Persona, load_households
from tests.support.privacy_scan import persona_needles, reveal, scan

H1 = next(household for household in load_households() if household.id == "H1")
MEMBER: Persona = next(member for member in H1.members if member.has_card)
NAME = f"{MEMBER.family_name}\u3000{MEMBER.given_name}"


def name_hits(targets: dict[str, bytes]) -> set[str]:
    needles = [n for n in persona_needles(MEMBER, H1.address) if n.kind == "name" and "utf-8" in n.what]
    return {hit.where for hit in scan(targets, needles)}


def form_pdf() -> bytes:
    field = FormField("filer.name", "届出人 氏名", FieldKind.NAME, NAME)
    form = FilledForm("test-form", "テスト届出書", "test", "市民課", (field,), ())
    return render_forms([form])


def test_a_name_in_a_compressed_pdf_is_found_only_through_its_text() -> None:
    pdf = form_pdf()
    assert name_hits({"job.pdf": pdf}) == set(), "the name is compressed: raw bytes cannot show it"
    assert name_hits(reveal({"job.pdf": pdf})) == {"job.pdf#pdf-text"}


def test_a_pdf_and_json_inside_sqlite_cells_are_read(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE jobs (id INTEGER, payload BLOB, note TEXT)")
        db.execute("INSERT INTO jobs VALUES (1, ?, ?)", (form_pdf(), json.dumps({"note": NAME})))
    data = path.read_bytes() if path.stat().st_size else b""
    wal = Path(f"{path}-wal")
    targets = {"journal.sqlite3": data, "journal.sqlite3-wal": wal.read_bytes() if wal.exists() else b""}
    found = name_hits(reveal(targets))
    assert "journal.sqlite3#sqlite:jobs#pdf-text" in found
    assert "journal.sqlite3#sqlite:jobs#json-unescaped" in found
    assert not {where for where in found if "#" not in where}, "neither is visible as raw bytes"


def test_json_escapes_are_decoded_surrogate_pairs_included() -> None:
    text = json.dumps({"name": NAME, "rare": "𠮷"}, ensure_ascii=True).encode()
    assert name_hits({"log": text}) == set()
    revealed = reveal({"log": text})
    assert name_hits(revealed) == {"log#json-unescaped"}
    assert "𠮷".encode() in revealed["log#json-unescaped"]


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=600),
    st.sampled_from([b"", b"SQLite format 3\x00", b"%PDF-1.4\n", b"\\ud842\\udfb7", b"\\u12"]),
)
def test_malformed_input_reveals_without_raising(noise: bytes, prefix: bytes) -> None:
    data = prefix + noise + (b"%%EOF" if prefix.startswith(b"%PDF") else b"")
    revealed = reveal({"blob": data})
    assert revealed["blob"] == data and all(key.startswith("blob") for key in revealed)
