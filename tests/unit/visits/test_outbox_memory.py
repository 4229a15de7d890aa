"""Completed visits leave nothing personal in daemon memory: the outbox and KPIs live in SQLite only.

N 転入 visits go through the real servicer (a stand-in daemon records events), then the outbox store,
the KPI recorder and every live object are inspected: no filled form, no form field, no PDF bytes, no
resident name. GetApplication still reads the whole form from disk.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from kiosk.v1 import application_pb2, common_pb2, events_pb2, visit_pb2

from daemon.camera.store import ReadingStore
from daemon.options import FrontyardOptions
from daemon.services.frontyard import FrontyardServiceRunner
from daemon.services.visit import VisitService
from daemon.sessions import ResidentSessions
from daemon.visits.outbox_store import PersistentOutbox, form_to_json
from daemon.visits.settings import frontyard_settings
from drivers.escpos.document import Receipt
from frontyard.documents import FilledForm, FormField
from frontyard.outbox import ApplicationPackage, PackageStatus
from tests.unit.visits.samples import FORM, NOW

VISITS = 3
NAME = "記憶 試験"  # synthetic
CONTEXT: Any = None


@dataclass
class RecordingEvents:
    published: list[events_pb2.Event] = field(default_factory=list)

    def publish(self, event: events_pb2.Event) -> None:
        self.published.append(event)


class NoPrinter:
    """These visits are completed without printing: a submit is a test failure."""

    async def submit_receipt(self, receipt: Receipt, *, title: str, order_id: str = "") -> str:
        raise AssertionError("nothing is printed here")

    async def submit_pdf(
        self, pdf: bytes, *, title: str, pages: int, copies: int = 1, order_id: str = ""
    ) -> str:
        raise AssertionError("nothing is printed here")


def frontyard_runner(directory: Path) -> FrontyardServiceRunner:
    """The service as ``create_server`` builds it; nothing here prints (the visits are completed)."""
    return FrontyardServiceRunner(
        frontyard_settings(FrontyardOptions(), directory / "var"),
        directory / "var",
        events=RecordingEvents(),
        printer=NoPrinter(),
        sessions=ResidentSessions(lambda event: None),
        readings=ReadingStore(),
    )


async def complete_one_visit(servicer: VisitService) -> list[str]:
    visit = await servicer.CreateVisit(
        visit_pb2.CreateVisitRequest(life_event=visit_pb2.LIFE_EVENT_TENNYU, event_date="2025-09-09"), CONTEXT
    )
    member = visit_pb2.MemberInput(relationship="世帯主", name=NAME, furigana="キオク シケン",
                            birth_date="1980-04-01", sex=common_pb2.SEX_FEMALE, has_mn_card=True)  # fmt: skip
    await servicer.AddMember(visit_pb2.AddMemberRequest(visit=visit.name, member=member), CONTEXT)
    pending = await servicer.ListPendingQuestions(
        visit_pb2.ListPendingQuestionsRequest(visit=visit.name), CONTEXT
    )
    for _ in range(100):
        if not pending.questions:
            break
        question = pending.questions[0]
        answer = visit_pb2.AnswerQuestionRequest(
            visit=visit.name, question_id=question.question_id, person_id=question.person_id
        )
        if question.kind == visit_pb2.ANSWER_KIND_COUNT:
            answer.count_value = 0
        elif question.kind == visit_pb2.ANSWER_KIND_CHOICE:
            answer.choice_value = question.choices[0] if question.choices else ""
        elif question.kind in (visit_pb2.ANSWER_KIND_MEMBERS, visit_pb2.ANSWER_KIND_MULTI_CHOICE):
            answer.values_value.SetInParent()  # none of them
        else:
            answer.bool_value = False
        pending = await servicer.AnswerQuestion(answer, CONTEXT)
    completed = await servicer.CompleteVisit(
        visit_pb2.CompleteVisitRequest(visit=visit.name, satisfaction=9), CONTEXT
    )
    return list(completed.applications)


def personal_objects() -> list[object]:
    """Live objects that would carry a form's contents (apart from this module's constant ``FORM``)."""
    gc.collect()
    found: list[object] = []
    for item in gc.get_objects():
        whole = isinstance(item, FilledForm | ApplicationPackage) and item is not FORM
        if whole or (isinstance(item, FormField) and item.value == NAME):
            found.append(item)
    return found


async def test_completed_visits_leave_no_form_in_memory_and_get_reads_it_back(tmp_path: Path) -> None:
    runner = frontyard_runner(tmp_path)
    try:
        names = [name for _ in range(VISITS) for name in await complete_one_visit(runner.visits)]
        assert len(names) >= VISITS and len(runner.flows.book) == 0

        outbox = runner.flows.outbox
        held = [value for value in vars(outbox).values() if not isinstance(value, sqlite3.Connection)]
        assert all(not isinstance(value, dict | list | tuple | bytes) for value in held), held
        assert personal_objects() == []
        assert runner.flows.kpis.visits() and len(runner.flows.kpis) == VISITS
        assert {visit.life_event for visit in runner.flows.kpis.visits()} == {"tennyu"}  # for the back office
        assert vars(runner.flows.kpis)["_visits"] == [], "KPI rows stay in SQLite"

        listed = await runner.applications.ListApplications(
            application_pb2.ListApplicationsRequest(), CONTEXT
        )
        assert [a.name for a in listed.applications] == names
        assert all(not a.HasField("form") for a in listed.applications)
        got = await runner.applications.GetApplication(
            application_pb2.GetApplicationRequest(name=names[0]), CONTEXT
        )
        assert NAME in [f.value for f in got.form.fields]
        assert got.title == listed.applications[0].title and got.form_id
        del got, listed
        assert personal_objects() == [], "GetApplication does not cache the package"
    finally:
        runner.flows.close()


def test_listing_by_status_uses_the_index(tmp_path: Path) -> None:
    outbox = PersistentOutbox(tmp_path / "outbox")
    try:
        first = outbox.add(FORM, b"%PDF-1", "r1", NOW)
        second = outbox.add(FORM, b"%PDF-2", "r2", NOW)
        outbox.release(second.package_id, "s1", NOW)
        assert [s.package_id for s in outbox.list(PackageStatus.AWAITING_CHECK)] == [first.package_id]
        assert [s.package_id for s in outbox.list()] == [first.package_id, second.package_id]
        assert outbox.summary(second.package_id).missing == FORM.missing
        plan = outbox._db.execute(
            "EXPLAIN QUERY PLAN SELECT package_id FROM applications WHERE status = ? ORDER BY seq",
            ("released",),
        ).fetchall()
        assert any("applications_by_status" in str(row) for row in plan), plan
    finally:
        outbox.close()


def test_an_outbox_of_the_earlier_layout_is_migrated(tmp_path: Path) -> None:
    directory = tmp_path / "outbox"
    directory.mkdir(mode=0o700)
    with sqlite3.connect(directory / "outbox.sqlite3") as db:
        db.execute(
            "CREATE TABLE packages (package_id TEXT PRIMARY KEY, reception_id TEXT NOT NULL, status TEXT NOT"
            " NULL, created_at TEXT NOT NULL, released_at TEXT, released_by TEXT NOT NULL DEFAULT '',"
            " exported_at TEXT, form TEXT NOT NULL, pdf BLOB NOT NULL)"
        )
        db.execute(
            "INSERT INTO packages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("a" * 32, "r1", "released", NOW.isoformat(), NOW.isoformat(), "s1", None, form_to_json(FORM),
             b"%PDF-old"),
        )  # fmt: skip
    db.close()
    outbox = PersistentOutbox(directory)
    try:
        package = outbox.get("a" * 32)
        assert (package.form, package.pdf, package.status, package.released_by) == (
            FORM, b"%PDF-old", PackageStatus.RELEASED, "s1",
        )  # fmt: skip
        assert package.summary.title == FORM.title
        tables = {row[0] for row in outbox._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "packages" not in tables
        assert json.loads(form_to_json(package.form))["title"] == FORM.title
        assert outbox.mark_exported("a" * 32, NOW).exported_at == NOW
        assert outbox.purge(NOW + dt.timedelta(days=31), 30) == ("a" * 32,)
        with pytest.raises(Exception, match="unknown package"):
            outbox.get("a" * 32)
    finally:
        outbox.close()
