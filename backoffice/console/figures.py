"""The city's effect figures (効果検証) from the forwarded visit rows, in the seed report's shape.

The report compares, before and after the reform (改革前 / 改革後: the visit rows' period) and per season
(繁忙期 / 閑散期: the municipality's busy months), the number of samples,
the average wait (待ち時間) and the average handling time (処理時間); here by office (with a city-wide row)
and by terminal, over a period, plus the writes saved and the certificates issued by channel (procedure
ids ``CERT_<KIND>`` of the visit rows). Days are counted in the city's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import psycopg

BUSY, QUIET = "busy", "quiet"

_PERIOD = """
    (%(start)s::date IS NULL OR (v.started_time AT TIME ZONE %(tz)s)::date >= %(start)s::date)
    AND (%(end)s::date IS NULL OR (v.started_time AT TIME ZONE %(tz)s)::date <= %(end)s::date)
"""
_SEASON = (
    "CASE WHEN extract(month FROM v.started_time AT TIME ZONE %(tz)s)::int = ANY(%(busy)s)"
    f" THEN '{BUSY}' ELSE '{QUIET}' END"
)
_FIGURES = "count(*), avg(v.wait_s), avg(v.handle_s), coalesce(sum(v.writes_saved), 0)"
_FROM = "frontyard.visits v LEFT JOIN frontyard.terminals t USING (terminal_id)"

BY_OFFICE_SQL = f"""
SELECT t.office, v.period, {_SEASON} AS season, {_FIGURES}
  FROM {_FROM} WHERE {_PERIOD}
 GROUP BY GROUPING SETS ((t.office, v.period, season), (v.period, season))
 ORDER BY t.office NULLS LAST, v.period, season
"""  # noqa: S608 (constant fragments; values are parameters)
BY_TERMINAL_SQL = f"""
SELECT coalesce(t.office, ''), v.terminal_id, {_FIGURES}
  FROM {_FROM} WHERE {_PERIOD}
 GROUP BY 1, 2 ORDER BY 1, 2
"""  # noqa: S608
CERTIFICATES_SQL = f"""
SELECT coalesce(t.office, ''), v.channel, substr(p.procedure, 6), count(*)
  FROM {_FROM} CROSS JOIN LATERAL unnest(v.procedure_ids) AS p(procedure)
 WHERE p.procedure LIKE 'CERT\\_%%' AND {_PERIOD}
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""  # noqa: S608


# The visit rows' period (the report's 改革前 / 改革後) as a key the language files know.
REFORMS = {"改革前": "before", "改革後": "after"}


@dataclass(frozen=True)
class FigureRow:
    office: str  # "" on the city-wide rows
    terminal_id: str  # "" on the office rows
    reform: str  # before, after, other (the report's 改革前 / 改革後), or "" on the terminal rows
    season: str  # busy, quiet, or "" on the terminal rows (both seasons)
    samples: int
    avg_wait_s: float | None
    avg_handle_s: float | None
    writes_saved: int


@dataclass(frozen=True)
class CertificateCount:
    office: str
    channel: str  # kiosk, counter, konbini, …
    kind: str  # the certificate kind's name, e.g. JUMINHYO
    count: int


@dataclass(frozen=True)
class Figures:
    offices: tuple[FigureRow, ...]
    terminals: tuple[FigureRow, ...]
    certificates: tuple[CertificateCount, ...]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _number(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def read_figures(
    connection: psycopg.Connection[Any],
    start: dt.date | None,
    end: dt.date | None,
    busy_months: frozenset[int],
    timezone: str,
) -> Figures:
    """The figures of the visits started from ``start`` to ``end`` (inclusive; None: open)."""
    params = {"start": start, "end": end, "tz": timezone, "busy": sorted(busy_months)}
    offices = tuple(
        FigureRow(
            office or "",
            "",
            REFORMS.get(reform, "other"),
            season,
            int(n),
            _number(wait),
            _number(handle),
            int(saved),
        )
        for office, reform, season, n, wait, handle, saved in connection.execute(BY_OFFICE_SQL, params)
    )
    terminals = tuple(
        FigureRow(office, terminal, "", "", int(n), _number(wait), _number(handle), int(saved))
        for office, terminal, n, wait, handle, saved in connection.execute(BY_TERMINAL_SQL, params)
    )
    certificates = tuple(
        CertificateCount(office, channel, kind, int(n))
        for office, channel, kind, n in connection.execute(CERTIFICATES_SQL, params)
    )
    return Figures(offices, terminals, certificates)
