"""Synthetic sample documents (a fictional 7-person household moving in: 14 forms and a checklist).

For previews, tests and the rendering benchmark until the domain produces the reference household.
Every person here is invented ("見本" family); no real personal data.
"""

from __future__ import annotations

import datetime as dt

from frontyard.documents import Checklist, ChecklistItem, FieldKind, FilledForm, FormField

EVENT_DATE = dt.date(2025, 4, 1)
_PEOPLE = (
    ("見本 一郎", "みほん いちろう", dt.date(1950, 6, 3)),
    ("見本 花子", "みほん はなこ", dt.date(1953, 11, 20)),
    ("見本 太郎", "みほん たろう", dt.date(1980, 4, 12)),
    ("見本 明子", "みほん あきこ", dt.date(1982, 9, 30)),
    ("見本 健", "みほん けん", dt.date(2012, 1, 7)),
    ("見本 結衣", "みほん ゆい", dt.date(2019, 5, 1)),
    ("見本 陽", "みほん ひなた", dt.date(2025, 3, 2)),
)
_ADDRESS = "鹿児島県指宿市見本町1丁目2番3号"
_FORMS = (
    ("juminhyo-tennyu", "住民異動届（転入）", "市民課 1番窓口", 7),
    ("mynumber-card-address", "マイナンバーカード住所変更", "市民課 1番窓口", 4),
    ("kokuho-shutoku", "国民健康保険 資格取得届", "保険年金課 3番窓口", 3),
    ("kaigo-tennyu", "介護保険 転入届", "長寿介護課 5番窓口", 2),
    ("kouki-koureisha", "後期高齢者医療 資格取得届", "保険年金課 4番窓口", 1),
    ("nenkin-address", "国民年金 住所変更届", "保険年金課 4番窓口", 2),
    ("jidou-teate", "児童手当 認定請求書", "子育て支援課 7番窓口", 3),
    ("kodomo-iryou", "子ども医療費助成 申請書", "子育て支援課 7番窓口", 3),
    ("hoikuen", "保育所等 入所申込書", "子育て支援課 8番窓口", 1),
    ("tenko-gakko", "転入学 通知申請", "学校教育課 9番窓口", 1),
    ("inu-touroku", "犬の登録事項変更届", "環境政策課 10番窓口", 1),
    ("suidou-kaishi", "水道使用開始届", "水道課 11番窓口", 1),
    ("gomi-card", "ごみ収集カレンダー申込", "環境政策課 10番窓口", 1),
    ("inkan-touroku", "印鑑登録申請書", "市民課 2番窓口", 1),
)


def _person_fields(index: int, prefix: str, with_phone: bool) -> list[FormField]:
    name, kana, birth = _PEOPLE[index]
    fields = [
        FormField(f"{prefix}name", "氏名", FieldKind.NAME, name, furigana=kana),
        FormField(f"{prefix}birth", "生年月日", FieldKind.DATE, birth, wareki=True),
        FormField(
            f"{prefix}sex", "性別", FieldKind.CHOICE, "男" if index % 2 == 0 else "女", choices=("男", "女")
        ),
    ]
    if with_phone:
        fields.append(FormField(f"{prefix}phone", "電話番号", FieldKind.PHONE, "099-000-0000"))
    return fields


def sample_form(index: int) -> FilledForm:
    """Form ``index`` (0–13) of the sample household."""
    form_id, title, counter, people = _FORMS[index]
    fields: list[FormField] = [
        FormField("address", "住所", FieldKind.ADDRESS, _ADDRESS),
        FormField("moved_on", "異動日", FieldKind.DATE, EVENT_DATE, wareki=True),
    ]
    for person in range(people):
        fields += _person_fields(person, f"p{person}_", with_phone=person == 0)
    fields.append(FormField("consent", "記載内容に相違ありません", FieldKind.CHECKBOX, True))
    missing: tuple[str, ...] = ()
    if index % 5 == 2:
        fields.append(FormField("previous_insurer", "前の保険者", FieldKind.TEXT, None))
        missing = ("previous_insurer",)
    return FilledForm(form_id, title, form_id.split("-")[0], counter, tuple(fields), missing)


def sample_forms() -> list[FilledForm]:
    return [sample_form(index) for index in range(len(_FORMS))]


def sample_checklist() -> Checklist:
    counters: dict[str, list[str]] = {}
    for _form_id, title, counter, _people in _FORMS:
        counters.setdefault(counter, []).append(title)
    items = tuple(
        ChecklistItem(
            order=order,
            counter=counter,
            place="本庁 1階" if order < 4 else "本庁 2階",
            procedures=tuple(titles),
            reasons=tuple("転入のため" for _ in titles),
            bring=("本人確認書類", "マイナンバーカード") if order == 1 else ("受付票",),
            deadline=EVENT_DATE + dt.timedelta(days=14),
        )
        for order, (counter, titles) in enumerate(counters.items(), start=1)
    )
    return Checklist(
        title="転入の手続き一覧",
        event_date=EVENT_DATE,
        items=items,
        reception_qr="R20250401-0042.3f9a1c7e5b2d",
        notes=("受付票は当日のみ有効です。", "ご不明な点は総合案内へお尋ねください。"),
    )
