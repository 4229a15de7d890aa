"""Municipality configuration: Ibusuki defaults, unknowns marked, bad keys refused."""

import pytest

from frontyard.errors import CatalogError
from frontyard.municipality import load_municipality


def test_ibusuki_defaults_and_unknown_markers() -> None:
    city = load_municipality()
    assert city.name == "指宿市"
    assert set(city.offices.values()) == {"本庁(指宿庁舎)", "山川支所", "開聞支所"}
    age = city.param("kodomo_iryo_max_age_fy")
    assert age.unknown
    assert age.note
    assert city.param("water_city_service").value is True
    assert city.counter("市民課").unknown is False
    assert city.counter("保険年金課").name == "国保介護課"
    assert city.counter("保険年金課").unknown
    assert all(counter.floor == 0 for counter in city.counters.values())  # floors not known
    assert "階は窓口でご確認ください" in city.place(city.counter("市民課"))
    assert city.counter("未知の課").unknown
    assert city.report_writes_after is not None
    assert city.report_writes_after.total == 33


def test_missing_parameter_and_bad_key() -> None:
    with pytest.raises(CatalogError):
        load_municipality().param("no_such_param")
    with pytest.raises(CatalogError):
        load_municipality("../etc")
    with pytest.raises(CatalogError):
        load_municipality("nowhere")


def test_kpi_before_figures_come_from_the_municipality_file() -> None:
    """The staff console's 改革前 bars: configured per city; Ibusuki's are its own report's figures."""
    from frontyard.municipality import load_municipality

    city = load_municipality()
    before = city.kpi_before
    assert before is not None and city.report_writes_before is not None
    assert before.writes == city.report_writes_before.total  # the report's paper baseline per reference 転入
    assert before.avg_wait_s > 0 and before.avg_procedure_s > 0
    assert not before.unknown and "報告書" in before.source
