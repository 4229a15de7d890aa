"""What the printers print, as plain data: filled forms and the household checklist.

The domain (``frontyard.forms``, ``frontyard.lifeevents``) produces these; ``frontyard.render`` turns them
into PDF bytes. They hold the resident's own data only, and only for the time it takes to print.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class FieldKind(enum.StrEnum):
    TEXT = "text"
    NAME = "name"  # a person's name, printed with its furigana above it
    ADDRESS = "address"
    PHONE = "phone"
    DATE = "date"  # printed as 和暦 when the form asks (``FormField.wareki``), else ISO
    CHECKBOX = "checkbox"
    CHOICE = "choice"  # one of ``FormField.choices``, printed with the chosen one marked


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: FieldKind
    value: str | bool | dt.date | None = None  # None: the record could not fill it (see FilledForm.missing)
    furigana: str = ""
    wareki: bool = False
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class FilledForm:
    """One form for one procedure, filled from the household record."""

    form_id: str  # e.g. "juminhyo-tennyu"
    title: str  # e.g. "住民異動届"
    procedure_id: str
    counter: str  # e.g. "市民課 1番窓口"
    fields: tuple[FormField, ...]
    missing: tuple[str, ...] = ()  # keys of required fields the record could not fill
    note: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    order: int  # visiting order, 1 first
    counter: str
    place: str  # e.g. "本庁 1階"
    procedures: tuple[str, ...]
    reasons: tuple[str, ...] = ()  # why each applies, same order as procedures
    bring: tuple[str, ...] = ()
    deadline: dt.date | None = None
    outside: bool = False  # guidance only: the place is outside city hall (年金事務所, 法務局 …)
    procedure_ids: tuple[str, ...] = ()  # same order as procedures


@dataclass(frozen=True)
class Checklist:
    title: str  # e.g. "転入の手続き一覧"
    event_date: dt.date
    items: tuple[ChecklistItem, ...]
    reception_qr: str = ""  # opaque same-day reception id + MAC; never personal data
    notes: tuple[str, ...] = field(default=())
