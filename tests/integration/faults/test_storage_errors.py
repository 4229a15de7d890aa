"""The one mapping of journal storage errors: a full disk answers UNAVAILABLE, `storage_full`, in Japanese."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2

from daemon.errors import StorageFull, status_for, storage_full


def _reason_and_message(error: Exception) -> tuple[int, str, str]:
    status = status_for(error)
    info, localized = error_details_pb2.ErrorInfo(), error_details_pb2.LocalizedMessage()
    status.details[0].Unpack(info)
    status.details[1].Unpack(localized)
    return status.code, info.reason, localized.message


def _sqlite_full(tmp_path: Path) -> sqlite3.OperationalError:
    """A real SQLITE_FULL: the database may not grow past its page limit."""
    db = sqlite3.connect(tmp_path / "full.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE t (b BLOB)")
    db.execute("PRAGMA max_page_count = 3")
    try:
        db.execute("INSERT INTO t VALUES (?)", (b"\0" * 65536,))
    except sqlite3.OperationalError as error:
        return error
    finally:
        db.close()
    raise AssertionError("sqlite accepted a write past max_page_count")


UNAVAILABLE = grpc.StatusCode.UNAVAILABLE.value[0]
MESSAGE_JA = "記録用の空き容量がありません。職員をお呼びください。"


def test_sqlite_full_is_storage_full(tmp_path: Path) -> None:
    assert _reason_and_message(_sqlite_full(tmp_path)) == (UNAVAILABLE, "storage_full", MESSAGE_JA)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_os_error_no_space_is_storage_full_even_when_wrapped(code: int) -> None:
    try:
        try:
            raise OSError(code, "No space left on device")
        except OSError as inner:
            raise RuntimeError("writing the outbox package failed") from inner
    except RuntimeError as wrapped:
        assert isinstance(storage_full(wrapped), StorageFull)
        assert _reason_and_message(wrapped) == (UNAVAILABLE, "storage_full", MESSAGE_JA)


@pytest.mark.parametrize(
    "error",
    [sqlite3.OperationalError("database is locked"), OSError(errno.EACCES, "denied"), ValueError("x")],
)
def test_other_errors_stay_internal(error: Exception) -> None:
    assert storage_full(error) is None
    code, reason, _ = _reason_and_message(error)
    assert (code, reason) == (grpc.StatusCode.INTERNAL.value[0], "internal")
