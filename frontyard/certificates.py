"""Certificates: the catalog, fees (window / コンビニ交付) and channel advice.

``advise_channel(query)`` answers whether a resident could have used コンビニ交付 (cheaper,
6:30–23:00 except 12/29–1/3) and why not when not: no card, no PIN (or locked), under 15, 転入当日,
転出届 filed, 支援措置, 外字 or over-long name/address, 戸籍 whose 本籍 is in another municipality, a
certificate not offered there, outside hours. ``request_form`` fills the 交付請求書 from a card read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass

from frontyard.catalog import load_catalog
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.forms import FormInstance, fill
from frontyard.household import Household, LifeEvent, Person
from frontyard.jpcalendar import holiday_name, is_year_end_closure
from frontyard.municipality import Fee, Municipality, load_municipality

KONBINI_OPEN = dt.time(6, 30)
KONBINI_CLOSE = dt.time(23, 0)
KOSEKI_WEEKDAY_OPEN = dt.time(9, 0)
KOSEKI_WEEKDAY_CLOSE = dt.time(17, 0)


class CertificateKind(enum.StrEnum):
    JUMINHYO = "juminhyo"  # 住民票の写し
    JUMINHYO_KISAI = "juminhyo_kisai"  # 住民票記載事項証明書
    INKAN = "inkan"  # 印鑑登録証明書
    SHOTOKU_KAZEI = "shotoku_kazei"  # 所得課税証明書
    KOSEKI_ZENBU = "koseki_zenbu"  # 戸籍謄本(全部事項証明書)
    KOSEKI_KOJIN = "koseki_kojin"  # 戸籍抄本(個人事項証明書)
    KOSEKI_FUHYO = "koseki_fuhyo"  # 戸籍の附票の写し


class Channel(enum.StrEnum):
    KONBINI = "konbini"
    WINDOW = "window"


@dataclass(frozen=True)
class CertificateType:
    kind: CertificateKind
    name_ja: str
    konbini: bool  # offered at コンビニ交付
    koseki: bool  # a 戸籍 certificate (needs 本籍 here, weekdays at the store)
    options: tuple[str, ...] = ()


CATALOG: tuple[CertificateType, ...] = (
    CertificateType(CertificateKind.JUMINHYO, "住民票の写し", True, False,
                    ("世帯全員", "世帯の一部", "本籍・筆頭者の記載", "世帯主・続柄の記載", "個人番号の記載")),
    CertificateType(CertificateKind.JUMINHYO_KISAI, "住民票記載事項証明書", True, False),
    CertificateType(CertificateKind.INKAN, "印鑑登録証明書", True, False),
    CertificateType(CertificateKind.SHOTOKU_KAZEI, "所得課税証明書", True, False),
    CertificateType(CertificateKind.KOSEKI_ZENBU, "戸籍謄本(全部事項証明書)", True, True),
    CertificateType(CertificateKind.KOSEKI_KOJIN, "戸籍抄本(個人事項証明書)", True, True),
    CertificateType(CertificateKind.KOSEKI_FUHYO, "戸籍の附票の写し", True, True),
)  # fmt: skip


def certificate_type(kind: CertificateKind) -> CertificateType:
    return next(item for item in CATALOG if item.kind is kind)


def fee(kind: CertificateKind, municipality: Municipality | None = None) -> Fee:
    """Window and コンビニ fee in yen; ``unknown`` when the city's value is a placeholder."""
    municipality = municipality or load_municipality()
    return municipality.fees.get(kind.value, Fee(0, 0, unknown=True, note="手数料未設定"))


@dataclass(frozen=True)
class ChannelQuery:
    """What the kiosk knows about the resident and the request (no personal data)."""

    kind: CertificateKind
    now: dt.datetime
    has_card: bool
    knows_pin: bool
    pin_locked: bool = False
    age: int = 20
    moved_in_today: bool = False
    tenshutsu_filed: bool = False
    support_measure: bool = False  # 住民票の閲覧制限等の支援措置 (DV 等)
    gaiji_or_long_text: bool = False
    honseki_elsewhere_unregistered: bool = False  # 本籍地が他市町村で、本籍地のコンビニ交付登録なし
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChannelAdvice:
    channel: Channel  # where this request is best served today
    reason: str  # stable key
    reason_ja: str
    konbini_next_time: bool  # tell the resident コンビニ交付 would serve next time
    saving_yen: int  # window fee − コンビニ fee when コンビニ would serve
    fee_unknown: bool


def _store_open(kind: CertificateType, now: dt.datetime, municipality: Municipality) -> bool:
    if is_year_end_closure(now.date()) or not KONBINI_OPEN <= now.time() < KONBINI_CLOSE:
        return False
    weekdays_only = municipality.params.get("konbini_koseki_weekdays_only")
    if kind.koseki and weekdays_only is not None and weekdays_only.value:
        weekday = now.weekday() < 5 and holiday_name(now.date()) is None
        return weekday and KOSEKI_WEEKDAY_OPEN <= now.time() < KOSEKI_WEEKDAY_CLOSE
    return True


def _blocker(query: ChannelQuery, kind: CertificateType) -> tuple[str, str] | None:
    """Why コンビニ交付 cannot serve this resident at all (and so not next time either)."""
    if not query.has_card:
        return "no_card", "マイナンバーカードがないため、コンビニ交付は利用できません。"
    if query.age < 15:
        return "under_15", "15歳未満の方はコンビニ交付を利用できません。"
    if query.support_measure:
        return "support_measure", "支援措置を受けている方の証明書は窓口でのみ交付します。"
    if query.gaiji_or_long_text:
        return "gaiji", "氏名・住所に外字や長い文字列があるため、窓口での交付になります。"
    if kind.koseki and query.honseki_elsewhere_unregistered:
        return "honseki_elsewhere", "本籍地が他の市区町村のため、本籍地への利用登録が必要です。"
    if not kind.konbini:
        return "not_offered", "この証明書はコンビニ交付の対象外です。"
    return None


def _today_blocker(query: ChannelQuery) -> tuple[str, str] | None:
    """Why コンビニ交付 cannot serve today only."""
    if query.pin_locked:
        return "pin_locked", "暗証番号がロックされています。窓口で解除できます(本人確認書類が必要)。"
    if not query.knows_pin:
        return "no_pin", "暗証番号(4桁)が必要です。窓口で再設定できます。"
    if query.moved_in_today:
        return "moved_in_today", "転入の届出をした当日はコンビニ交付で取得できません。"
    if query.tenshutsu_filed:
        return "tenshutsu_filed", "転出の届出をした後はコンビニ交付で取得できません。"
    return None


def advise_channel(query: ChannelQuery, municipality: Municipality | None = None) -> ChannelAdvice:
    municipality = municipality or load_municipality()
    kind = certificate_type(query.kind)
    price = fee(query.kind, municipality)
    saving = max(price.window - price.konbini, 0)
    service = municipality.params.get("konbini_koufu")
    if service is not None and not service.value:
        return ChannelAdvice(
            Channel.WINDOW, "no_service", "この市ではコンビニ交付を行っていません。", False, 0, False
        )
    blocker = _blocker(query, kind)
    if blocker is not None:
        return ChannelAdvice(Channel.WINDOW, blocker[0], blocker[1], False, 0, price.unknown)
    today = _today_blocker(query)
    if today is not None:
        return ChannelAdvice(Channel.WINDOW, today[0], today[1], True, saving, price.unknown)
    if not _store_open(kind, query.now, municipality):
        text = "いまはコンビニ交付の時間外です(6:30〜23:00、12/29〜1/3を除く。戸籍は平日日中のみ)。"
        return ChannelAdvice(Channel.WINDOW, "outside_hours", text, True, saving, price.unknown)
    text = f"コンビニ交付なら窓口より{saving}円安く、6:30〜23:00に取得できます。"
    return ChannelAdvice(Channel.KONBINI, "konbini_available", text, True, saving, price.unknown)


def request_form(
    requester: Person,
    address: str | None,
    kind: CertificateKind,
    copies: int,
    phone: str | None = None,
    today: dt.date | None = None,
) -> FilledForm:
    """The 交付請求書, pre-filled from a card read (name, birth date, address) and the selection."""
    today = today or dt.date.today()
    person = dataclasses.replace(requester, person_id=requester.person_id or "requester")
    household = Household(LifeEvent.NONE, today, (person,), person.person_id, person.person_id,
                          new_address=address, phone=phone)  # fmt: skip
    spec = load_catalog().form("koufu-seikyu")
    form = fill(FormInstance(spec, None, "市民課", ()), household)
    selection = (
        FormField("certificate", "証明書の種類", FieldKind.CHOICE, certificate_type(kind).name_ja,
                  choices=tuple(item.name_ja for item in CATALOG)),
        FormField("copies", "通数", FieldKind.TEXT, str(copies)),
    )  # fmt: skip
    return dataclasses.replace(form, fields=form.fields + selection)
