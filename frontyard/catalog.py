"""The procedure catalog and form definitions, loaded from packaged TOML data (``frontyard/data``).

``load_catalog()`` reads ``procedures.toml`` and ``forms.toml`` once and checks them: every trigger
parses, every deadline rule is known, every form field names a known attribute. A bad file raises
``CatalogError``.
"""

from __future__ import annotations

import enum
import functools
import importlib.resources
import tomllib
from dataclasses import dataclass
from typing import Any

from frontyard import conditions
from frontyard.documents import FieldKind
from frontyard.errors import CatalogError, ConditionError
from frontyard.household import LifeEvent
from frontyard.text import EMPTY, LocalizedText


class Scope(enum.StrEnum):
    PERSON = "person"
    HOUSEHOLD = "household"


class DeadlineKind(enum.StrEnum):
    DAYS = "days"
    PROMPTLY = "promptly"
    AT_VISIT = "at_visit"
    MUNI_PARAM = "muni_param"
    MONTH_END = "month_end"
    NONE = "none"


class DeadlineBase(enum.StrEnum):
    EVENT_DATE = "event_date"
    FILED_DATE = "filed_date"
    MOVE_OUT_NEXT_DAY = "move_out_next_day"
    BIRTH_DATE = "birth_date"


class MnRequired(enum.StrEnum):
    YES = "yes"
    NO = "no"
    CARD = "card"


@dataclass(frozen=True)
class DeadlineRule:
    kind: DeadlineKind
    base: DeadlineBase = DeadlineBase.EVENT_DATE
    days: int = 0
    inclusive: bool = False  # the base date counts as day 1


@dataclass(frozen=True)
class Procedure:
    procedure_id: str
    name_ja: str
    events: tuple[LifeEvent, ...]
    scope: Scope
    condition_text: str
    condition: conditions.Expr
    counter: str  # the generic 課; the municipality maps it
    deadline: DeadlineRule
    form_id: str  # "" when there is no paper form of its own
    mn_required: MnRequired
    bring: tuple[str, ...]
    reason_ja: str
    note: str
    confidence: str
    name: LocalizedText = EMPTY
    reason: LocalizedText = EMPTY
    source: str = ""  # the law or public page the rule comes from
    guidance: bool = False  # done outside city hall (年金事務所, 法務局, 税務署 …): listed with where to go


# attribute -> (field kind, counted write kind or "")
PERSON_ATTRIBUTES: dict[str, FieldKind] = {
    "name": FieldKind.NAME,
    "furigana": FieldKind.TEXT,
    "birth_date": FieldKind.DATE,
    "sex": FieldKind.CHOICE,
    "relationship": FieldKind.TEXT,
    "grade": FieldKind.TEXT,
    "previous_school": FieldKind.TEXT,
    "techo_number": FieldKind.TEXT,
    "birth_weight_g": FieldKind.TEXT,
    "mynumber": FieldKind.TEXT,
}
HOUSEHOLD_ATTRIBUTES: dict[str, FieldKind] = {
    "new_address": FieldKind.ADDRESS,
    "old_address": FieldKind.ADDRESS,
    "phone": FieldKind.PHONE,
    "event_date": FieldKind.DATE,
    "bank_account": FieldKind.TEXT,
    "vehicle_number": FieldKind.TEXT,
}
DOG_ATTRIBUTES: dict[str, FieldKind] = {
    "name": FieldKind.TEXT,
    "breed": FieldKind.TEXT,
    "color": FieldKind.TEXT,
    "sex": FieldKind.CHOICE,
    "birth_year": FieldKind.TEXT,
    "old_tag_number": FieldKind.TEXT,
}
PERSON_ROLES = ("filer", "head", "subject")
_ROLE_ATTRIBUTES = {"household": HOUSEHOLD_ATTRIBUTES, "dog": DOG_ATTRIBUTES} | {
    role: PERSON_ATTRIBUTES for role in PERSON_ROLES
}


@dataclass(frozen=True)
class FieldSpec:
    role: str  # filer | head | subject | household | dog
    attribute: str
    label: str
    kind: FieldKind
    required: bool = True
    wareki: bool = False


@dataclass(frozen=True)
class FormSpec:
    form_id: str
    title: str
    procedure_id: str
    per_subject: bool
    subjects: conditions.Expr  # which of the procedure's persons a household form lists
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class Catalog:
    procedures: tuple[Procedure, ...]
    forms: dict[str, FormSpec]

    def procedure(self, procedure_id: str) -> Procedure:
        for procedure in self.procedures:
            if procedure.procedure_id == procedure_id:
                return procedure
        raise CatalogError(f"unknown procedure {procedure_id!r}")

    def form(self, form_id: str) -> FormSpec:
        try:
            return self.forms[form_id]
        except KeyError:
            raise CatalogError(f"unknown form {form_id!r}") from None


def load_toml(*parts: str) -> dict[str, Any]:
    """Read a packaged TOML file under ``frontyard/data``."""
    resource = importlib.resources.files("frontyard.data").joinpath(*parts)
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"cannot read data file {'/'.join(parts)}: {exc}") from exc


def parse_field(text: str) -> FieldSpec:
    """Parse ``role.attribute|label[|optional][|wareki]``."""
    parts = text.split("|")
    if len(parts) < 2 or "." not in parts[0]:
        raise CatalogError(f"bad field spec {text!r}")
    role, _, attribute = parts[0].partition(".")
    kinds = _ROLE_ATTRIBUTES.get(role)
    if kinds is None or attribute not in kinds:
        raise CatalogError(f"unknown field source {parts[0]!r}")
    flags = set(parts[2:])
    if flags - {"optional", "wareki"}:
        raise CatalogError(f"unknown flags in {text!r}")
    return FieldSpec(
        role=role,
        attribute=attribute,
        label=parts[1],
        kind=kinds[attribute],
        required="optional" not in flags and attribute != "mynumber",
        wareki="wareki" in flags,
    )


def _procedure(raw: dict[str, Any]) -> Procedure:
    deadline = raw["deadline"]
    return Procedure(
        procedure_id=raw["id"],
        name_ja=raw["name_ja"],
        events=tuple(LifeEvent(event) for event in raw["events"]),
        scope=Scope(raw["scope"]),
        condition_text=raw["condition"],
        condition=conditions.parse(raw["condition"]),
        counter=raw["counter"],
        deadline=DeadlineRule(
            kind=DeadlineKind(deadline["kind"]),
            base=DeadlineBase(deadline.get("base", "event_date")),
            days=int(deadline.get("days", 0)),
            inclusive=bool(deadline.get("inclusive", False)),
        ),
        form_id=raw["form"],
        mn_required=MnRequired(raw["mn_required"]),
        bring=tuple(raw.get("bring", ())),
        reason_ja=raw["reason_ja"],
        note=raw.get("note", ""),
        confidence=_confidence(raw),
        name=LocalizedText(raw["name_ja"], raw.get("name_ja_easy", ""), raw.get("name_en", "")),
        reason=LocalizedText(raw["reason_ja"], raw.get("reason_ja_easy", ""), raw.get("reason_en", "")),
        source=raw.get("source", ""),
        guidance=bool(raw.get("guidance", False)),
    )


def _confidence(raw: dict[str, Any]) -> str:
    if raw["confidence"] not in ("V", "P", "U"):
        raise CatalogError(f"{raw['id']}: confidence must be V, P or U")
    return str(raw["confidence"])


def _form(raw: dict[str, Any]) -> FormSpec:
    return FormSpec(
        form_id=raw["id"],
        title=raw["title"],
        procedure_id=raw["procedure"],
        per_subject=bool(raw["per_subject"]),
        subjects=conditions.parse(raw.get("subjects", "always")),
        fields=tuple(parse_field(text) for text in raw["fields"]),
    )


@functools.cache
def load_catalog() -> Catalog:
    """The packaged catalog, checked; cached after the first call."""
    try:
        procedures = tuple(_procedure(raw) for raw in load_toml("procedures.toml")["procedure"])
        forms = {form.form_id: form for form in map(_form, load_toml("forms.toml")["form"])}
    except (KeyError, ValueError, TypeError, ConditionError) as exc:
        raise CatalogError(f"invalid catalog data: {exc!r}") from exc
    for procedure in procedures:
        if procedure.form_id and procedure.form_id not in forms:
            raise CatalogError(f"{procedure.procedure_id}: unknown form {procedure.form_id!r}")
    return Catalog(procedures=procedures, forms=forms)
