"""Pages of the application outbox (AIP-158): oldest first, an opaque token naming the last row served.

Rows are in creation order (the store's order breaks ties between rows of one moment, as before paging).
The token packs the last row's creation time (microseconds) and package id, base64url-encoded. The next
page starts after that row; if it left the listing meanwhile (released, exported, purged), after the rows
created before it: a row of that same moment may then be listed twice, but none is skipped.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from frontyard.outbox import PackageSummary

from .. import inputs
from ..errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

_MICROS = struct.Struct(">q")


@dataclass(frozen=True)
class Page:
    rows: tuple[PackageSummary, ...]
    next_page_token: str


def _micros(summary: PackageSummary) -> int:
    return (summary.created_at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def _token(summary: PackageSummary) -> str:
    raw = _MICROS.pack(_micros(summary)) + summary.package_id.encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _after(token: str) -> tuple[int, str]:
    inputs.check(inputs.PAGE_TOKEN, "page_token", token)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        (micros,) = _MICROS.unpack(raw[: _MICROS.size])
        package_id = raw[_MICROS.size :].decode("ascii")
        if not package_id.isalnum():
            raise ValueError("no package id")
    except (binascii.Error, struct.error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidArgument(
            "page_token is not a next_page_token of ListApplications",
            reason="bad_page_token",
            message_ja="ページの続きの指定が正しくありません。",
        ) from exc
    return micros, package_id


def page_size(requested: int) -> int:
    """``page_size`` of a request: 0 means the default, more than the cap is served as the cap."""
    if requested < 0:
        raise InvalidArgument(
            "page_size must not be negative",
            reason="invalid_page_size",
            message_ja="件数の指定が不正です。",
        )
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def page(summaries: Sequence[PackageSummary], size: int, token: str) -> Page:
    """Rows after ``token`` (all rows when empty), oldest first, at most ``size`` of them."""
    ordered = sorted(summaries, key=lambda summary: summary.created_at)  # stable: ties keep store order
    start = 0
    if token:
        micros, package_id = _after(token)
        ids = [summary.package_id for summary in ordered]
        if package_id in ids:
            start = ids.index(package_id) + 1
        else:
            start = next((i for i, s in enumerate(ordered) if _micros(s) >= micros), len(ordered))
    rows = tuple(ordered[start : start + size])
    more = start + size < len(ordered)
    return Page(rows, _token(rows[-1]) if more else "")
