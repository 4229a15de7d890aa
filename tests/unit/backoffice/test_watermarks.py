"""The forwarder's watermark file: per terminal id, with the streams refused after a restore."""

from __future__ import annotations

from pathlib import Path

from backoffice.records import Stream
from daemon.fleet.watermarks import FILE_NAME, Watermarks


def test_watermarks_and_refusals_survive_a_restart_under_the_same_terminal_id(tmp_path: Path) -> None:
    first = Watermarks(tmp_path / FILE_NAME, "honcho-01")
    first.advance(Stream.VISITS, 7)
    first.refuse(Stream.AUDIT_ROWS)
    again = Watermarks(tmp_path / FILE_NAME, "honcho-01")
    assert again.get(Stream.VISITS) == 7 and again.refused == {Stream.AUDIT_ROWS}


def test_a_new_terminal_id_starts_every_stream_from_the_beginning(tmp_path: Path) -> None:
    first = Watermarks(tmp_path / FILE_NAME, "honcho-01")
    first.advance(Stream.VISITS, 7)
    first.refuse(Stream.VISITS)
    renamed = Watermarks(tmp_path / FILE_NAME, "honcho-02")
    assert renamed.get(Stream.VISITS) == 0 and renamed.refused == set()


def test_a_file_of_an_older_release_without_a_terminal_id_is_kept(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text('{"visits": 4, "audit_rows": 2}', encoding="utf-8")
    loaded = Watermarks(tmp_path / FILE_NAME, "honcho-01")
    assert (loaded.get(Stream.VISITS), loaded.get(Stream.AUDIT_ROWS), loaded.refused) == (4, 2, set())
