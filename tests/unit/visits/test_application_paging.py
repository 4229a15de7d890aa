"""ListApplications pages (AIP-158): every row exactly once, oldest first, an opaque token, a capped size.

The rows go into the daemon's own SQLite outbox (the runner ``create_server`` builds); the servicer is
called as the daemon calls it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from kiosk.v1 import application_pb2 as pb

from daemon.errors import InvalidArgument
from daemon.services.application_paging import MAX_PAGE_SIZE, page_size
from tests.unit.visits.samples import FORM, NOW
from tests.unit.visits.test_outbox_memory import frontyard_runner

ROWS = 7
CONTEXT: Any = None


def test_pages_through_more_rows_than_one_page(tmp_path: Path) -> None:
    runner = frontyard_runner(tmp_path)
    try:
        # Added newest first: the listing must still come oldest first.
        added = [
            runner.flows.outbox.add(FORM, b"%PDF-1.4", f"R-{index}", NOW + dt.timedelta(minutes=index))
            for index in reversed(range(ROWS))
        ]
        oldest_first = [f"applications/{s.package_id}" for s in sorted(added, key=lambda s: s.created_at)]

        async def every_page() -> tuple[list[list[str]], list[str]]:
            pages: list[list[str]] = []
            tokens: list[str] = []
            token = ""
            while True:
                request = pb.ListApplicationsRequest(page_size=3, page_token=token)
                reply = await runner.applications.ListApplications(request, CONTEXT)
                pages.append([application.name for application in reply.applications])
                token = reply.next_page_token
                if not token:
                    return pages, tokens
                tokens.append(token)
                assert len(pages) <= ROWS, "the pages never end"

        pages, tokens = asyncio.run(every_page())
    finally:
        runner.flows.close()
    assert [len(names) for names in pages] == [3, 3, 1]
    assert [name for names in pages for name in names] == oldest_first
    for token in tokens:  # opaque: no package id readable in it
        assert not any(name.removeprefix("applications/") in token for name in oldest_first)


def test_a_token_that_was_not_served_is_refused(tmp_path: Path) -> None:
    runner = frontyard_runner(tmp_path)
    try:
        request = pb.ListApplicationsRequest(page_token="not-a-token")
        with pytest.raises(InvalidArgument) as refused:
            asyncio.run(runner.applications.ListApplications(request, CONTEXT))
    finally:
        runner.flows.close()
    assert refused.value.reason == "bad_page_token"


def test_the_page_size_is_capped_and_never_negative() -> None:
    assert page_size(0) == 50
    assert page_size(10) == 10
    assert page_size(MAX_PAGE_SIZE + 1) == MAX_PAGE_SIZE
    with pytest.raises(InvalidArgument):
        page_size(-1)


def test_a_row_that_leaves_the_listing_between_pages_skips_nothing(tmp_path: Path) -> None:
    runner = frontyard_runner(tmp_path)
    awaiting = pb.APPLICATION_STATUS_AWAITING_CHECK
    try:
        added = [
            runner.flows.outbox.add(FORM, b"%PDF-1.4", f"R-{index}", NOW + dt.timedelta(minutes=index))
            for index in range(4)
        ]
        first_request = pb.ListApplicationsRequest(status=awaiting, page_size=2)
        first = asyncio.run(runner.applications.ListApplications(first_request, CONTEXT))
        # The last row served is checked and released before the next page is asked for.
        runner.flows.outbox.release(added[1].package_id, "12345", NOW + dt.timedelta(hours=1))
        request = pb.ListApplicationsRequest(status=awaiting, page_size=2, page_token=first.next_page_token)
        second = asyncio.run(runner.applications.ListApplications(request, CONTEXT))
    finally:
        runner.flows.close()
    names = [f"applications/{summary.package_id}" for summary in added]
    assert [application.name for application in first.applications] == names[:2]
    assert [application.name for application in second.applications] == names[2:]
    assert second.next_page_token == ""
