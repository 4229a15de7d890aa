"""A filled form the visit-store tests share (synthetic: 見本 太郎)."""

from __future__ import annotations

import datetime as dt

from frontyard.documents import FieldKind, FilledForm, FormField

NOW = dt.datetime(2025, 9, 9, 10, 0, tzinfo=dt.UTC)
FORM = FilledForm(
    "juki-tennyu", "住民異動届", "JUKI_TENNYU", "市民課",
    (
        FormField("head.name", "氏名", FieldKind.NAME, "見本 太郎", furigana="みほん たろう"),
        FormField("head.birth_date", "生年月日", FieldKind.DATE, dt.date(1980, 5, 5), wareki=True),
        FormField("consent", "同意", FieldKind.CHECKBOX, True),
        FormField("household.bank_account", "口座", FieldKind.TEXT, None),
    ),
    missing=("household.bank_account",),
)  # fmt: skip
