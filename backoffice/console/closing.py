"""The city-wide daily close for 会計課: every terminal's payments of a business day, reconciled.

For each terminal, the approved payment operations forwarded for that day (``payment_operations``: sales,
voids, refunds) are summed and set against the close the terminal itself sent (``daily_closes``: its
日計). They match when the sales counts agree and the net yen (sales − voids − refunds) agree; otherwise
the difference (the terminal's close minus the forwarded operations) is shown. A terminal that sent no
close for the day is listed as such. The city total is the sum of the forwarded operations.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import asdict, dataclass
from typing import Any

import psycopg

APPROVED = "approved"
VOIDS = ("void", "reversal")

JOURNAL_SQL = """
SELECT terminal_id,
       count(*) FILTER (WHERE operation = 'sale'),
       coalesce(sum(amount_yen) FILTER (WHERE operation = 'sale'), 0),
       coalesce(sum(amount_yen) FILTER (WHERE operation = ANY(%(voids)s)), 0),
       coalesce(sum(amount_yen) FILTER (WHERE operation = 'refund'), 0)
  FROM frontyard.payment_operations
 WHERE state = %(approved)s
   AND coalesce(sale_date, (recorded_time AT TIME ZONE %(tz)s)::date) = %(day)s
 GROUP BY terminal_id
"""
REPORTED_SQL = """
SELECT terminal_id, sum(sales_count), sum(sales_yen),
       coalesce(sum((totals->>'voids_yen')::bigint), 0), sum(refunds_yen)
  FROM frontyard.daily_closes
 WHERE business_date = %(day)s
 GROUP BY terminal_id
"""


@dataclass(frozen=True)
class Sums:
    count: int  # sales
    sales_yen: int
    voids_yen: int
    refunds_yen: int

    @property
    def net_yen(self) -> int:
        return self.sales_yen - self.voids_yen - self.refunds_yen

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "net_yen": self.net_yen}


@dataclass(frozen=True)
class TerminalClose:
    terminal_id: str
    office: str
    journal: Sums
    reported: Sums | None  # None: the terminal sent no close for the day

    @property
    def difference_yen(self) -> int:
        return 0 if self.reported is None else self.reported.net_yen - self.journal.net_yen

    @property
    def matches(self) -> bool:
        return (
            self.reported is not None
            and self.reported.count == self.journal.count
            and self.reported.net_yen == self.journal.net_yen
        )


@dataclass(frozen=True)
class CityClose:
    day: dt.date
    terminals: tuple[TerminalClose, ...]

    @property
    def city(self) -> Sums:
        sums = [t.journal for t in self.terminals]
        return Sums(
            sum(s.count for s in sums),
            sum(s.sales_yen for s in sums),
            sum(s.voids_yen for s in sums),
            sum(s.refunds_yen for s in sums),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "city": self.city.as_json(),
            "reconciled": all(t.matches for t in self.terminals),
            "terminals": [
                {
                    "terminal_id": t.terminal_id,
                    "office": t.office,
                    "journal": t.journal.as_json(),
                    "reported": t.reported.as_json() if t.reported else None,
                    "difference_yen": t.difference_yen,
                    "matches": t.matches,
                }
                for t in self.terminals
            ],
        }


def today(timezone: str) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()


def read_close(connection: psycopg.Connection[Any], day: dt.date | None, timezone: str) -> CityClose:
    """Every terminal's reconciliation for ``day`` (today in the city's time zone when None)."""
    day = day or today(timezone)
    params = {"day": day, "tz": timezone, "approved": APPROVED, "voids": list(VOIDS)}
    journal = {row[0]: Sums(*map(int, row[1:])) for row in connection.execute(JOURNAL_SQL, params)}
    reported = {row[0]: Sums(*map(int, row[1:])) for row in connection.execute(REPORTED_SQL, params)}
    offices = dict(connection.execute("SELECT terminal_id, office FROM frontyard.terminals").fetchall())
    ids = sorted(set(offices) | set(journal) | set(reported), key=lambda t: (offices.get(t, ""), t))
    return CityClose(
        day,
        tuple(
            TerminalClose(t, offices.get(t, ""), journal.get(t, Sums(0, 0, 0, 0)), reported.get(t))
            for t in ids
        ),
    )
