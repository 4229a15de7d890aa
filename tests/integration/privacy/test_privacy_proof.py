"""The privacy proof (docs/DESIGN.md principle 5): all flows, all personas, then scan what the daemon wrote.

One daemon (card on a private pcscd, receipt, forms, payment and camera on simulators) per module. The tests
run in file order: the flows, then the scan with the outbox exported under a 30-day retention (names and
addresses allowed only in the outbox SQLite and the export directory), then a restart with retention 0 that
must leave no name or address anywhere. 個人番号 and PINs are allowed nowhere. Needles: see
``tests/support/privacy_scan.py``; card holders carry distinctive PINs (``tests/support/privacy_personas``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kiosk.v1 import payment_pb2, printer_pb2

from simulators.licence_card.personas import LICENCE_PERSONAS
from simulators.personas import Persona, load_households
from tests.support.privacy_scan import (
    Hit,
    Needle,
    files_under,
    licence_needles,
    persona_needles,
    read_targets,
    reveal,
    scan,
)

from . import flows
from .conftest import PrivacyBench

pytestmark = pytest.mark.integration

H1 = next(household for household in load_households() if household.id == "H1")


def needles_of(bench: PrivacyBench) -> list[Needle]:
    holders = [
        needle for member in bench.holders for needle in persona_needles(member, member.household.address)
    ]
    return holders + [needle for licence in LICENCE_PERSONAS for needle in licence_needles(licence)]


def typed_needles() -> list[Needle]:
    """The H1 children typed at the counter (no card, so no number or PIN): name, kana, address."""
    return [
        needle
        for member in H1.members
        if not member.has_card
        for needle in persona_needles(member, H1.address)
        if needle.kind in ("name", "address")
    ]


# /tmp entries other test runs on a shared machine make (a kiosk fixture's daemon keeps held PDFs in its
# print journal by design; a back-office test's PostgreSQL keeps its fictional rows in its WAL); this
# daemon's TMPDIR is its own, scanned in full.
OTHER_RUNS = ("pytest-of-", "bash_jobs", "fy-kiosk-", "frontyard-pg-")


def someone_elses(entry: Path) -> bool:
    """A new /tmp entry the daemon cannot have made: another user's, another run's copy of this repository
    (it holds the personas and the municipality data) or a Python source file."""
    try:
        if entry.lstat().st_uid != os.getuid():
            return True  # another user's (a test's PostgreSQL runs as nobody)
    except FileNotFoundError:
        return True  # gone already: another run's, removed when it ended
    if entry.is_file():
        return entry.suffix == ".py"
    return any((entry / part).exists() for part in ("frontyard/data", "simulators/personas", "opt/frontyard"))


def written_by_daemon(bench: PrivacyBench) -> dict[str, bytes]:
    """The daemon's log(s), config, storage (SQLite + -wal/-shm), its TMPDIR and new entries in /tmp."""
    new_tmp = [
        Path("/tmp", name)
        for name in sorted(set(os.listdir("/tmp")) - bench.tmp_before)
        if not name.startswith(OTHER_RUNS) and not someone_elses(Path("/tmp", name))
    ]
    paths = files_under(bench.where, bench.tmpdir) + [p for entry in new_tmp for p in files_under(entry)]
    paths += [entry for entry in new_tmp if entry.is_file()]
    targets = reveal(read_targets(paths, bench.where))  # + PDF text, SQLite cells, JSON escapes
    bench.notes["tmp entries"] = len(new_tmp)
    return targets


def allowed(hit: Hit) -> bool:
    """Names and addresses may sit in the outbox SQLite (and its -wal/-shm) and the export directory."""
    return hit.needle.kind in ("name", "address") and hit.where.startswith("storage/outbox/")


def test_needles_find_what_they_look_for() -> None:
    member = next(m for m in H1.members if m.has_card)
    needles = persona_needles(member, H1.address)
    full = f"{member.family_name}\u3000{member.given_name}"
    blobs = {
        "utf-16": full.encode("utf-16-le"),
        "sjis": full.encode("cp932"),
        "json pin": f'{{"pin": "{member.text_pin}"}}'.encode(),
        "grouped": f"{member.my_number[:4]}-{member.my_number[4:8]}-{member.my_number[8:]}".encode()
        if member.my_number
        else b"",
        "municipality only": "指宿市十町の窓口 port 1234 pid 6173".encode(),
    }
    found = {hit.where for hit in scan(blobs, needles)}
    assert found == {"utf-16", "sjis", "json pin", "grouped"}


def test_every_card_holder_through_every_card_flow(privacy_bench: PrivacyBench) -> None:
    assert len(privacy_bench.holders) >= 5
    for member in privacy_bench.holders:
        flows.card_holder_flow(privacy_bench, member)
    log = privacy_bench.zvt.control("log")["log"]
    approved = [r for r in log if r["kind"] == "SALE" and r["outcome"] == "APPROVED"]
    assert len(approved) >= len(privacy_bench.holders)


def test_reference_household_tennyu_visit(privacy_bench: PrivacyBench) -> None:
    members: tuple[Persona, ...] = tuple(
        next((h for h in privacy_bench.holders if h.id == m.id), m) for m in H1.members
    )
    applications = flows.tennyu_visit(privacy_bench, members, H1.address, H1.moving_in_from or "", H1.phone)
    assert applications
    privacy_bench.notes["applications"] = len(applications)


def test_every_licence_persona_through_the_licence_flow(privacy_bench: PrivacyBench) -> None:
    readable = [licence for licence in LICENCE_PERSONAS if not licence.blocked]
    for licence in readable:
        visit = flows.licence_flow(privacy_bench, licence)
        assert visit.members[0].from_licence
    privacy_bench.notes["licences"] = len(readable)


def test_camera_and_error_paths(privacy_bench: PrivacyBench) -> None:
    reading = flows.read_licence(privacy_bench, privacy_bench.holders[-1])
    assert reading.name.startswith("readings/")
    outcome = flows.paper_out_mid_receipt(privacy_bench)
    assert (outcome.during, outcome.reason, outcome.final) == (
        "JOB_STATE_HELD",
        "paper_out",
        "JOB_STATE_COMPLETED",
    )
    unknown = flows.unknown_payment(privacy_bench)
    assert unknown.state == payment_pb2.PAYMENT_STATE_UNKNOWN and unknown.staff_slip
    resolved = flows.resolve_with_a_name_in_the_note(privacy_bench, unknown)
    assert resolved.state == payment_pb2.PAYMENT_STATE_DECLINED


def test_names_typed_into_every_identifier_are_refused_unrepeated(privacy_bench: PrivacyBench) -> None:
    """Issue 21: a name where the API takes an identifier or a code is INVALID_ARGUMENT, the error names
    the field but not the value, and a sale with an unknown fee code never reaches the terminal. The scan
    below then finds none of these names in the log, the events or any journal."""
    run = flows.names_in_every_field(privacy_bench)
    privacy_bench.notes["identifier fields typed with names"] = run.calls
    assert run.calls >= 50
    assert not run.problems, "\n".join(run.problems)


@pytest.mark.timeout(300)  # the scan reads every PDF's text: slow on a loaded 2-core machine
def test_nothing_personal_outside_the_outbox(privacy_bench: PrivacyBench) -> None:
    jobs = flows.wait_for_print_jobs(privacy_bench)
    assert jobs and all(job.state == printer_pb2.JOB_STATE_COMPLETED or job.reason for job in jobs)
    exported = flows.release_and_export(privacy_bench)
    assert exported.applications, "nothing was exported"
    targets = written_by_daemon(privacy_bench)
    needles = needles_of(privacy_bench) + typed_needles()
    hits = scan(targets, needles)
    outbox = [hit for hit in hits if allowed(hit)]
    assert any(hit.where.startswith("storage/outbox/export/") for hit in outbox), (
        "the scan must see the export"
    )
    assert any(hit.where.endswith("#pdf-text") for hit in outbox), "the scan must read the PDFs' text"
    forbidden = [str(hit) for hit in hits if not allowed(hit)]
    privacy_bench.notes["scan"] = f"{len(needles)} needles × {len(targets)} files"
    assert not forbidden, "\n".join(forbidden)


@pytest.mark.timeout(300)
def test_retention_zero_leaves_no_name_in_outbox_or_export(privacy_bench: PrivacyBench) -> None:
    privacy_bench.stop()
    privacy_bench.start(retention_days=0)
    flows.release_and_export(privacy_bench)
    privacy_bench.stop()  # the last checkpoint: the -wal is folded into the database
    targets = written_by_daemon(privacy_bench)
    needles = needles_of(privacy_bench) + typed_needles()
    hits = [str(hit) for hit in scan(targets, needles)]
    privacy_bench.notes["scan after retention"] = f"{len(needles)} needles × {len(targets)} files"
    print(privacy_bench.notes)
    assert not hits, "\n".join(hits)
