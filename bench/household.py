"""Writes for the reference household (paper 96, report 33, ours), its questionnaire length, the catalog's
size, the clerk's case table, and the time to evaluate the household."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from frontyard.casetable import check, load_cases
from frontyard.catalog import load_catalog
from frontyard.forms import fill_forms
from frontyard.interview import interview
from frontyard.lifeevents import build_checklist, evaluate, life_events
from frontyard.municipality import load_municipality
from frontyard.reference import reference_household
from frontyard.writing import count_writes

CASE_TABLE = Path(__file__).resolve().parents[1] / "tests" / "cases" / "clerk_cases.toml"


def run(quick: bool) -> dict[str, float | int | str]:
    municipality = load_municipality()
    adults = count_writes(evaluate(reference_household("adults")))
    everyone = count_writes(evaluate(reference_household("all")))
    report_after = municipality.report_writes_after
    household = reference_household()
    evaluate(household)  # warm the catalog caches
    timings: list[float] = []
    for _ in range(20 if quick else 200):
        start = time.perf_counter()
        evaluation = evaluate(household)
        build_checklist(evaluation)
        fill_forms(evaluation)
        count_writes(evaluation)
        timings.append((time.perf_counter() - start) * 1000)
    cases = load_cases(CASE_TABLE)
    return {
        "forms": adults.forms,
        "baseline_writes": adults.baseline.total,
        "baseline_name_address_phone_birth": (
            f"{adults.baseline.name}/{adults.baseline.address}/{adults.baseline.phone}/{adults.baseline.birth_date}"
        ),
        "report_writes": report_after.total if report_after else -1,
        "our_writes": adults.ours.total,
        "our_writes_all_cards": everyone.ours.total,
        "reduction_vs_baseline": 1 - adults.ours.total / adults.baseline.total,
        "evaluate_ms": statistics.median(timings),
        "questions_reference": len(interview(household).asked),
        "life_events": len(life_events()),
        "procedures": len(load_catalog().procedures),
        "case_table_pass": sum(1 for case in cases if not check(case)),
        "case_table_total": len(cases),
    }
