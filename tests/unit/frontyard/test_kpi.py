"""KPIs computed from recorded visits, with the report's 効果検証 indicators."""

import datetime as dt

import pytest

from frontyard.kpi import BUSY, QUIET, KpiRecorder, Visit


def visit(day: dt.date, wait_s: int, work_s: int, period: str = "改革後", **extra: object) -> Visit:
    arrived = dt.datetime.combine(day, dt.time(9, 0))
    started = arrived + dt.timedelta(seconds=wait_s)
    return Visit(
        visit_id=f"{day}-{wait_s}",
        period=period,
        counter="市民課",
        procedures=("住民票",),
        arrived=arrived,
        started=started,
        done=started + dt.timedelta(seconds=work_s),
        **extra,  # type: ignore[arg-type]
    )


def test_report_groups_by_period_and_season() -> None:
    recorder = KpiRecorder()
    march, june = dt.date(2025, 3, 24), dt.date(2025, 6, 10)
    recorder.record(visit(march, 60, 300, post_processed=None, satisfaction=9.0, forms_printed=14,
                          writes_baseline=96, writes_ours=8))  # fmt: skip
    recorder.record(visit(march, 120, 500, satisfaction=8.0))
    recorder.record(visit(june, 30, 200))
    recorder.record(visit(june, 180, 400, period="改革前"))
    rows = {(row.period, row.season): row for row in recorder.report()}
    busy = rows[("改革後", BUSY)]
    assert busy.samples == 2
    assert busy.avg_wait_s == 90
    assert busy.avg_procedure_s == 400
    assert busy.satisfaction == pytest.approx(8.5)
    assert busy.forms_printed == 14
    assert busy.writes_saved == 88
    assert busy.writes_reduction == pytest.approx(1 - 8 / 96)
    assert busy.avg_post_processing_s is None
    assert rows[("改革後", QUIET)].avg_wait_s == 30
    assert rows[("改革前", QUIET)].avg_procedure_s == 400


def test_times_to_card_read_print_and_post_processing() -> None:
    day = dt.date(2025, 6, 10)
    base = visit(day, 10, 300)
    timed = Visit(**{**base.__dict__, "card_read": base.started + dt.timedelta(seconds=20),
                     "printed": base.started + dt.timedelta(seconds=90),
                     "post_processed": base.done + dt.timedelta(seconds=13)})  # fmt: skip
    recorder = KpiRecorder()
    recorder.record(timed)
    (row,) = recorder.report()
    assert (row.avg_to_card_read_s, row.avg_to_printed_s, row.avg_post_processing_s) == (20, 90, 13)


def test_out_of_order_times_are_refused() -> None:
    bad = visit(dt.date(2025, 6, 10), 10, 10)
    with pytest.raises(ValueError, match="order"):
        KpiRecorder().record(Visit(**{**bad.__dict__, "done": bad.arrived - dt.timedelta(seconds=1)}))
