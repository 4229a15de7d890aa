"""One error model: domain errors carry a category, the interceptor maps categories to codes in one table.

Also: a payment journal written before ``issue_failed`` was a column keeps that fact (it was the free-text
reason then). That the domain imports nothing from ``drivers/`` or ``daemon/`` is checked with every
other layer rule in ``tests/unit/architecture/test_import_graph.py``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2

from daemon.errors import CATEGORY_CODES, status_for
from daemon.payments import PaymentJournal, PaymentState
from daemon.payments.errors import InvalidOrder, PaymentNotFound, RecoveryPending
from drivers.base import DeviceError
from frontyard.errors import (
    AnswerError,
    CatalogError,
    DomainError,
    ErrorCategory,
    ForgedReceptionCodeError,
    OutboxError,
    OutboxNotFound,
)


def reason_of(error: Exception) -> str:
    for detail in status_for(error).details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return str(info.reason)
    return ""


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (AnswerError("unknown question"), grpc.StatusCode.INVALID_ARGUMENT),
        (ForgedReceptionCodeError("MAC does not match"), grpc.StatusCode.INVALID_ARGUMENT),
        (OutboxNotFound("unknown package"), grpc.StatusCode.NOT_FOUND),
        (
            OutboxError("package is exported", reason="outbox_bad_transition"),
            grpc.StatusCode.FAILED_PRECONDITION,
        ),
        (CatalogError("bad field spec"), grpc.StatusCode.INTERNAL),
        (InvalidOrder("amount out of range"), grpc.StatusCode.INVALID_ARGUMENT),
        (PaymentNotFound("no payment"), grpc.StatusCode.NOT_FOUND),
        (RecoveryPending("1 operation not settled"), grpc.StatusCode.FAILED_PRECONDITION),
    ],
)
def test_each_domain_error_leaves_with_its_categorys_code_and_its_own_reason(
    error: DomainError, code: grpc.StatusCode
) -> None:
    status = status_for(error)
    assert status.code == code.value[0]
    assert reason_of(error) == error.reason != ""


def test_every_category_has_a_code_and_domain_errors_are_not_device_errors() -> None:
    assert set(CATEGORY_CODES) == set(ErrorCategory)
    assert not issubclass(DomainError, DeviceError)


def test_a_data_error_does_not_show_its_message_to_the_caller() -> None:
    status = status_for(CatalogError("invalid catalog data: KeyError('H1')"))
    assert status.message == "internal error"
    assert reason_of(CatalogError("x")) == "catalog_invalid"


def test_a_journal_from_before_the_issue_failed_column_keeps_the_fact(tmp_path: Path) -> None:
    path = tmp_path / "payments.sqlite3"
    PaymentJournal(path).close()
    with sqlite3.connect(path) as db:  # the old schema: the fact lived in the free-text reason
        db.execute("ALTER TABLE payments DROP COLUMN issue_failed")
        db.execute(
            "INSERT INTO payments (order_id, amount, method, lines, state, sale_seq, reason, created,"
            " updated) VALUES ('old', 300, 'credit', '[]', 'approved', 1, 'issue_failed', 0, 0),"
            " ('fine', 300, 'credit', '[]', 'approved', 2, 'approved', 0, 0)"
        )
    db.close()
    journal = PaymentJournal(path)
    try:
        old, fine = journal.payment("old"), journal.payment("fine")
        assert (old.issue_failed, fine.issue_failed) == (True, False)
        assert old.state is PaymentState.APPROVED
    finally:
        journal.close()
