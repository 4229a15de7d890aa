"""Municipality parameters: counters and places, age limits, fees, deadlines (``data/municipalities``).

Values the city has not confirmed carry ``unknown=True`` and a note; they are placeholders, never facts.
``load_municipality()`` with no argument gives Ibusuki (指宿市), the shipped default.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from frontyard.catalog import load_toml
from frontyard.errors import CatalogError

DEFAULT_MUNICIPALITY = "ibusuki"


@dataclass(frozen=True)
class Param:
    """A municipal parameter; ``unknown`` marks a placeholder to confirm locally."""

    value: bool | int
    unknown: bool
    note: str = ""


@dataclass(frozen=True)
class Counter:
    generic: str  # the spec's 課 (市民課, 保険年金課 …)
    name: str  # this city's counter
    office: str  # office id ("" outside city hall)
    floor: int  # 0: not known
    visit_order: int
    unknown: bool
    note: str = ""


@dataclass(frozen=True)
class Fee:
    window: int
    konbini: int
    unknown: bool
    note: str = ""
    subjects: tuple[str, ...] = ()  # the 科目 a fee line may name; the first is the one 会計課 books


@dataclass(frozen=True)
class MyNumberPurpose:
    """A 利用事務 for which staff may read a 個人番号 (番号法 別表, or a 条例 for 独自利用事務)."""

    code: str
    label_ja: str
    label_en: str
    basis: str
    unknown: bool
    note: str = ""


@dataclass(frozen=True)
class WriteFigures:
    name: int
    address: int
    phone: int
    birth_date: int

    @property
    def total(self) -> int:
        return self.name + self.address + self.phone + self.birth_date


@dataclass(frozen=True)
class KpiBaseline:
    """The city's 改革前 figures for the KPI charts ([kpi.before]); ``unknown`` marks a placeholder."""

    avg_wait_s: float
    avg_procedure_s: float
    writes: int
    source: str
    unknown: bool


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    offices: dict[str, str]  # id -> name
    counters: dict[str, Counter]  # by generic name
    params: dict[str, Param]
    deadline_days: dict[str, Param]
    fees: dict[str, Fee]
    busy_months: tuple[int, ...]
    my_number_purposes: dict[str, MyNumberPurpose] = field(default_factory=dict)
    report_writes_before: WriteFigures | None = None
    report_writes_after: WriteFigures | None = None
    kpi_before: KpiBaseline | None = None

    def counter(self, generic: str) -> Counter:
        """This city's counter for a generic 課; an unmapped one is shown as is, marked unknown."""
        found = self.counters.get(generic)
        if found is None:
            return Counter(generic, generic, "", 0, 50, unknown=True, note="この市の担当窓口は未設定")
        return found

    def place(self, counter: Counter) -> str:
        if not counter.office:
            return "市役所外"
        office = self.offices.get(counter.office, counter.office)
        floor = f"{counter.floor}階" if counter.floor > 0 else "階は窓口でご確認ください"
        return f"{office} {floor}"

    def param(self, key: str) -> Param:
        try:
            return self.params[key]
        except KeyError:
            raise CatalogError(f"{self.name}: parameter {key!r} is not configured") from None


def _param(raw: dict[str, Any]) -> Param:
    return Param(value=raw["value"], unknown=bool(raw["unknown"]), note=raw.get("note", ""))


def _baseline(raw: dict[str, Any] | None) -> KpiBaseline | None:
    if raw is None:
        return None
    return KpiBaseline(
        avg_wait_s=float(raw["avg_wait_s"]),
        avg_procedure_s=float(raw["avg_procedure_s"]),
        writes=int(raw["writes"]),
        source=str(raw.get("source", "")),
        unknown=bool(raw["unknown"]),
    )


def _figures(raw: dict[str, Any] | None) -> WriteFigures | None:
    if raw is None:
        return None
    return WriteFigures(raw["name"], raw["address"], raw["phone"], raw["birth_date"])


def _fee(raw: dict[str, Any]) -> Fee:
    subjects = tuple(str(subject) for subject in raw.get("subjects", ()))
    return Fee(int(raw["window"]), int(raw["konbini"]), bool(raw["unknown"]), raw.get("note", ""), subjects)


def _purpose(code: str, raw: dict[str, Any]) -> MyNumberPurpose:
    labels = (str(raw["label_ja"]), str(raw["label_en"]), str(raw["basis"]))
    return MyNumberPurpose(code, *labels, unknown=bool(raw["unknown"]), note=str(raw.get("note", "")))


@functools.cache
def load_municipality(key: str = DEFAULT_MUNICIPALITY) -> Municipality:
    if not key.isidentifier():
        raise CatalogError(f"bad municipality key {key!r}")
    raw = load_toml("municipalities", f"{key}.toml")
    try:
        report = raw.get("report", {})
        return Municipality(
            code=raw["municipality"]["code"],
            name=raw["municipality"]["name"],
            offices={office["id"]: office["name"] for office in raw["office"]},
            counters={
                item["generic"]: Counter(
                    generic=item["generic"],
                    name=item["name"],
                    office=item["office"],
                    floor=int(item["floor"]),
                    visit_order=int(item["visit_order"]),
                    unknown=bool(item["unknown"]),
                    note=item.get("note", ""),
                )
                for item in raw["counter"]
            },
            params={key: _param(value) for key, value in raw["params"].items()},
            deadline_days={key: _param(value) for key, value in raw.get("deadline_days", {}).items()},
            fees={key: _fee(value) for key, value in raw.get("fees", {}).items()},
            my_number_purposes={
                code: _purpose(code, value) for code, value in raw.get("my_number_purposes", {}).items()
            },
            busy_months=tuple(raw.get("kpi", {}).get("busy_months", ())),
            report_writes_before=_figures(report.get("writes_before")),
            report_writes_after=_figures(report.get("writes_after")),
            kpi_before=_baseline(raw.get("kpi", {}).get("before")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"invalid municipality data {key!r}: {exc!r}") from exc
