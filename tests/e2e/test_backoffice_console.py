"""The back-office console in Debian's chromium against a real PostgreSQL filled through the
``backoffice.records`` shapes (tests/support/backoffice_city.py): every screen passes the screen audit
(identifiers, overflow, touch targets, axe) in Japanese and English; the fleet board turns a silent
terminal back to live when its heartbeat arrives (LISTEN/NOTIFY → SSE, no reload); staff correct, check
and export an application and the database and the audit log record who; the figures and the daily close
show the city's numbers, with the terminal whose close is short marked."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from playwright.sync_api import Page

from backoffice.terminals import add_terminal, terminal_role
from daemon.audit.log import AuditLog
from tests.e2e.audit import e2e_audit
from tests.fixtures.daemon import RunningDaemon
from tests.fixtures.kiosk import KioskStack
from tests.fixtures.postgres import BackofficeDatabase, new_backoffice_database
from tests.support.backoffice_city import (
    CLOSE_DAY,
    FAULTY_TERMINAL,
    STALE_TERMINAL,
    SeededApplication,
    add_console_login,
    heartbeat,
    seed_city,
    upsert,
)
from tests.support.postgres import PostgresCluster
from tests.support.processes import PYTHON, RunningProcess, free_port, start_with_ready_line
from tests.support.staff import TEST_STAFF, add_account

pytestmark = pytest.mark.e2e

LOGIN, PASSWORD = "console_e2e", "console e2e password"
TABS = ("fleet", "outbox", "kpi", "close")


@dataclass
class Console:
    url: str
    process: RunningProcess
    database: BackofficeDatabase
    applications: list[SeededApplication]
    state_dir: Path

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.database.admin_dsn, autocommit=True)


@pytest.fixture(scope="module")
def console(postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    database = new_backoffice_database(postgres_cluster)
    add_console_login(database.admin_dsn, LOGIN, PASSWORD)
    applications = seed_city(database.admin_dsn)
    state = tmp_path_factory.mktemp("backoffice")
    add_account(state, TEST_STAFF)
    passfile = state / "pgpass"  # the password in a file, never on the command line
    passfile.write_text(f"127.0.0.1:{postgres_cluster.port}:{database.name}:{LOGIN}:{PASSWORD}\n")
    os.chmod(passfile, 0o600)
    dsn = postgres_cluster.tcp_dsn(LOGIN, database.name) + f" passfile={passfile}"
    args = [PYTHON, "-m", "backoffice.console", "serve", "--database", dsn, "--state-dir", str(state)]
    process = start_with_ready_line([*args, "--port", "0", "--stale-after", "60"], state / "console.log")
    try:
        yield Console(str(process.ready["console"]), process, database, applications, state)
    finally:
        process.stop()


def open_console(console: Console, page: Page) -> None:
    page.goto(console.url)
    KioskStack.sign_in(page)
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#screen[data-screen='fleet'][data-loaded='true']")


def show(page: Page, tab: str) -> None:
    page.click(f"#tab-{tab}")
    page.wait_for_selector(f"#screen[data-screen='{tab}'][data-loaded='true']")


def test_every_screen_passes_the_audit(console: Console, page: Page) -> None:
    audit = e2e_audit()
    open_console(console, page)
    for tab in TABS:
        show(page, tab)
        audit.check(page, f"backoffice-{tab}", ("ja", "en"))
    show(page, "outbox")
    page.click(".open-application")
    page.wait_for_selector("#application-form")
    audit.check(page, "backoffice-outbox-detail", ("ja",))
    assert not audit.findings, "\n".join(audit.findings)
    assert len(audit.screens) == len(TABS) + 1


def test_fleet_board_is_live(console: Console, page: Page) -> None:
    open_console(console, page)
    stale = page.locator(f"tr[data-terminal='{STALE_TERMINAL}']")
    assert stale.get_attribute("data-stale") == "true"
    assert "連絡なし" in stale.inner_text()
    printer = page.locator(f"tr[data-terminal='{FAULTY_TERMINAL}'] li[data-slot='forms']")
    assert printer.get_attribute("data-state") == "ERROR"
    assert "用紙切れ" in printer.inner_text()
    with console.admin() as connection:  # 開聞's terminal speaks again: the board follows, no reload
        upsert(connection, heartbeat(STALE_TERMINAL, dt.datetime.now(dt.UTC)))
    page.wait_for_selector(f"tr[data-terminal='{STALE_TERMINAL}'][data-stale='false']", timeout=10_000)
    with console.admin() as connection:
        upsert(connection, heartbeat(STALE_TERMINAL, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)))
    page.wait_for_selector(f"tr[data-terminal='{STALE_TERMINAL}'][data-stale='true']", timeout=10_000)


def test_staff_correct_check_and_export_an_application(console: Console, page: Page) -> None:
    target = next(a for a in console.applications if a.missing_phone)
    open_console(console, page)
    show(page, "outbox")
    page.click(f"tr[data-application='{target.key}'] .open-application")
    page.fill("[data-key='filer.phone']", "0993-22-2111")
    page.click("#save-corrections")
    page.wait_for_selector("#outbox-status .notice")
    page.click("#release-application")
    page.wait_for_selector("#screen[data-screen='outbox'] #applications")
    assert page.locator(f"tr[data-application='{target.key}']").count() == 0
    page.click("#outbox-show-checked")
    page.wait_for_selector(f"tr[data-application='{target.key}']")
    page.click("#export-applications")
    page.wait_for_selector("#outbox-status .notice")
    with console.admin() as connection:
        row = connection.execute(
            "SELECT status, corrected_by, checked_by, exported_by, corrections FROM frontyard.applications"
            " WHERE terminal_id = %s AND seq = %s",
            (target.terminal_id, target.seq),
        ).fetchone()
    who = TEST_STAFF.staff_id
    assert row == ("exported", who, who, who, ["filer.phone"])
    assert (console.state_dir / "export" / target.application_id / "package.json").exists()
    audit = AuditLog(console.state_dir / "audit.sqlite3")
    try:
        steps = [
            (r.who, r.action)
            for r in audit.rows()
            if r.resource.endswith(target.application_id) or target.key in r.resource
        ]
        assert audit.verify().ok
    finally:
        audit.close()
    assert steps == [
        (who, "application.corrected"),
        (who, "application.checked"),
        (who, "application.exported"),
    ]


def test_figures_and_the_daily_close(console: Console, page: Page) -> None:
    open_console(console, page)
    show(page, "kpi")
    offices = page.inner_text("#kpi-offices")
    assert "本庁" in offices and "繁忙期" in offices and "閑散期" in offices and "2.5分" in offices
    assert "住民票の写し" in page.inner_text("#kpi-certificates")
    show(page, "close")
    page.fill("#close-date", CLOSE_DAY.isoformat())
    page.click("#close-show")
    page.wait_for_selector(f"tr[data-terminal='{STALE_TERMINAL}'][data-matches='false']")
    assert "-300円" in page.inner_text(f"tr[data-terminal='{STALE_TERMINAL}'] .difference")
    assert page.locator("tr[data-matches='true']").count() == 2
    assert "一致しない端末があります: 1台" in page.inner_text("#close-verdict")


def test_a_forwarding_daemon_appears_on_the_board(
    console: Console, page: Page, start_daemon: Callable[..., RunningDaemon], tmp_path: Path
) -> None:
    """A real daemon with ``[fleet]`` logs in as its own terminal role and heartbeats: its printer, which
    nobody answers at its address, shows as offline on the board, pushed without a reload."""
    terminal_id, office = "ibusuki-e2e-01", "指宿駅前"
    password = tmp_path / "terminal-password"
    password.write_text("terminal e2e password\n")
    add_terminal(console.database.admin_dsn, terminal_id, office, "terminal e2e password")
    cluster = console.database.cluster
    dsn = cluster.tcp_dsn(terminal_role(terminal_id), console.database.name)
    fleet = (
        f'\n[fleet]\nterminal_id = "{terminal_id}"\noffice = "{office}"\ndatabase = "{dsn}"\n'
        f'password_file = "{password}"\nheartbeat_s = 1.0\n'
    )
    open_console(console, page)
    start_daemon({"receipt": ("escpos", f"tcp://127.0.0.1:{free_port()}")}, extra=fleet)
    row = f"tr[data-terminal='{terminal_id}'][data-stale='false']"
    page.wait_for_selector(f"{row} li[data-slot='receipt'][data-state='OFFLINE']", timeout=30_000)
    assert office in page.inner_text(f"tr[data-terminal='{terminal_id}']")
