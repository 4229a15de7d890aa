"""KPIs per visit and the report's 効果検証 indicators computed from recorded visits.

A ``Visit`` records times (arrived, started, card read, printed, done, post-processing done), forms
printed, writes saved and the procedures; optional resident ratings as in the report's survey. No personal
data. ``report(visits)`` groups by period (改革前/改革後, from each visit's label) and season (繁忙期 by the
municipality's busy months) with the report's indicators: 対象手続, 総サンプル数, 平均待ち時間, 平均手続時間,
平均後処理時間, 住民満足度 (10点), 手続時間 (5点), 手続の簡便さ (5点); plus our own (time to card read and to
print, forms printed, writes saved).
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
from dataclasses import dataclass

from frontyard.municipality import Municipality, load_municipality

BUSY = "繁忙期"
QUIET = "閑散期"


@dataclass(frozen=True)
class Visit:
    visit_id: str  # the reception id, not a person
    period: str  # e.g. "改革後"
    counter: str
    procedures: tuple[str, ...]
    arrived: dt.datetime
    started: dt.datetime
    done: dt.datetime
    card_read: dt.datetime | None = None
    printed: dt.datetime | None = None
    post_processed: dt.datetime | None = None
    forms_printed: int = 0
    writes_baseline: int = 0
    writes_ours: int = 0
    satisfaction: float | None = None  # 住民満足度 (10点満点)
    time_rating: float | None = None  # 手続時間 (5点満点)
    ease_rating: float | None = None  # 手続の簡便さ (5点満点)
    life_event: str = ""  # the household's life event (e.g. "TENNYU"); "" for a certificate request
    channel: str = "kiosk"  # the terminal: "kiosk" (self-service) or "counter" (a staffed tablet)


@dataclass(frozen=True)
class KpiRow:
    period: str
    season: str
    procedures: tuple[str, ...]  # 対象手続
    samples: int  # 総サンプル数
    avg_wait_s: float  # 平均待ち時間
    avg_procedure_s: float  # 平均手続時間
    avg_post_processing_s: float | None  # 平均後処理時間
    satisfaction: float | None
    time_rating: float | None
    ease_rating: float | None
    avg_to_card_read_s: float | None
    avg_to_printed_s: float | None
    forms_printed: int
    writes_saved: int
    writes_reduction: float | None  # 1 − ours/baseline


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _seconds(start: dt.datetime, end: dt.datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds()


def _known(values: list[float | None]) -> list[float]:
    return [value for value in values if value is not None]


def season(day: dt.date, municipality: Municipality) -> str:
    return BUSY if day.month in municipality.busy_months else QUIET


def _row(period: str, season_name: str, visits: list[Visit]) -> KpiRow:
    procedures = tuple(sorted({p for visit in visits for p in visit.procedures}))
    baseline = sum(visit.writes_baseline for visit in visits)
    ours = sum(visit.writes_ours for visit in visits)
    return KpiRow(
        period=period,
        season=season_name,
        procedures=procedures,
        samples=len(visits),
        avg_wait_s=statistics.fmean((v.started - v.arrived).total_seconds() for v in visits),
        avg_procedure_s=statistics.fmean((v.done - v.started).total_seconds() for v in visits),
        avg_post_processing_s=_mean(_known([_seconds(v.done, v.post_processed) for v in visits])),
        satisfaction=_mean(_known([v.satisfaction for v in visits])),
        time_rating=_mean(_known([v.time_rating for v in visits])),
        ease_rating=_mean(_known([v.ease_rating for v in visits])),
        avg_to_card_read_s=_mean(_known([_seconds(v.started, v.card_read) for v in visits])),
        avg_to_printed_s=_mean(_known([_seconds(v.started, v.printed) for v in visits])),
        forms_printed=sum(visit.forms_printed for visit in visits),
        writes_saved=baseline - ours,
        writes_reduction=(1 - ours / baseline) if baseline else None,
    )


def report(
    visits: list[Visit] | tuple[Visit, ...], municipality: Municipality | None = None
) -> tuple[KpiRow, ...]:
    """One row per (period, season), sorted by period then season (繁忙期 first)."""
    municipality = municipality or load_municipality()
    groups: dict[tuple[str, str], list[Visit]] = {}
    for visit in visits:
        groups.setdefault((visit.period, season(visit.arrived.date(), municipality)), []).append(visit)
    return tuple(_row(period, name, group) for (period, name), group in sorted(groups.items()))


class KpiRecorder:
    """Collects visits in memory for the daemon (thread-safe); the daemon persists them if it wants."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._visits: list[Visit] = []

    def record(self, visit: Visit) -> None:
        if visit.started < visit.arrived or visit.done < visit.started:
            raise ValueError("visit times out of order")
        with self._lock:
            self._visits.append(visit)

    def visits(self) -> tuple[Visit, ...]:
        with self._lock:
            return tuple(self._visits)

    def report(self, municipality: Municipality | None = None) -> tuple[KpiRow, ...]:
        return report(self.visits(), municipality)
