"""Certificate requests of the らくらく窓口, held in memory: the filled 交付請求書 and the fee.

The requester's name, address and birth date come from the card session's 基本4情報 (the resident never
types) and stay in memory with the request until it expires (``ttl``) or the day ends.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import uuid
from dataclasses import dataclass

from frontyard.certificates import (
    CertificateKind,
    ChannelAdvice,
    ChannelQuery,
    advise_channel,
    certificate_type,
    fee,
    request_form,
)
from frontyard.documents import FieldKind, FilledForm, FormField
from frontyard.household import Person, age_on
from frontyard.municipality import Fee, Municipality
from frontyard.reception import ReceptionTicket

from ..errors import InvalidArgument, NotFound
from .book import CardHolder

MAX_COPIES = 20


@dataclass
class CertificateRecord:
    request_id: str
    kind: CertificateKind
    options: tuple[str, ...]
    copies: int
    fee: Fee
    form: FilledForm
    advice: ChannelAdvice
    created: dt.datetime
    reception: ReceptionTicket | None = None
    printed: dt.datetime | None = None
    # True once the form went to the printer: from then on the paper carries the resident's data and the
    # daemon keeps only what staff need to match it (kind, copies, fee, reception code).
    personal_data_forgotten: bool = False

    @property
    def name(self) -> str:
        return f"certificateRequests/{self.request_id}"

    @property
    def order_id(self) -> str:
        """The payment order id: one per request, so a fee is charged once however often retried."""
        return f"cert-{self.request_id}"


class CertificateDesk:
    def __init__(self, municipality: Municipality, ttl: dt.timedelta = dt.timedelta(hours=10)) -> None:
        self.municipality = municipality
        self.ttl = ttl
        self._lock = threading.Lock()
        self._requests: dict[str, CertificateRecord] = {}

    def create(
        self,
        holder: CardHolder,
        kind: CertificateKind,
        options: tuple[str, ...],
        copies: int,
        now: dt.datetime,
    ) -> CertificateRecord:
        offered = certificate_type(kind).options
        unknown = [option for option in options if option not in offered]
        if unknown:
            raise InvalidArgument("unknown certificate option", reason="certificate_option_invalid")
        if not 1 <= copies <= MAX_COPIES:
            raise InvalidArgument(
                f"copies must be 1-{MAX_COPIES}",
                reason="copies_out_of_range",
                message_ja=f"通数は1〜{MAX_COPIES}通で指定してください。",
            )
        requester = Person("requester", "本人", holder.name, None, holder.birth_date, holder.sex, True)
        form = request_form(requester, holder.address, kind, copies, today=now.date())
        if options:
            extra = FormField("options", "記載事項", FieldKind.TEXT, "・".join(options), required=False)
            form = dataclasses.replace(form, fields=(*form.fields, extra))
        query = ChannelQuery(
            kind=kind,
            now=now,
            has_card=True,
            knows_pin=True,
            age=age_on(holder.birth_date, now.date()),
            options=options,
        )
        advice = advise_channel(query, self.municipality)
        record = CertificateRecord(
            uuid.uuid4().hex, kind, options, copies, fee(kind, self.municipality), form, advice, now
        )
        with self._lock:
            for stale in [key for key, item in self._requests.items() if now - item.created > self.ttl]:
                del self._requests[stale]
            self._requests[record.request_id] = record
        return record

    def forget_personal_data(self, record: CertificateRecord) -> None:
        """Blank every value of the filled 交付請求書 (docs/DESIGN.md principle 5): it is on paper now."""
        blank = tuple(dataclasses.replace(item, value=None, furigana="") for item in record.form.fields)
        record.form = dataclasses.replace(record.form, fields=blank)
        record.personal_data_forgotten = True

    def get(self, name: str) -> CertificateRecord:
        with self._lock:
            record = self._requests.get(name.removeprefix("certificateRequests/"))
        if record is None:
            raise NotFound(
                f"no certificate request {name!r}",
                reason="certificate_request_not_found",
                message_ja="証明書の請求が見つかりません。",
            )
        return record

    def by_reception(self, payload: str) -> CertificateRecord | None:
        with self._lock:
            for record in self._requests.values():
                if record.reception is not None and record.reception.payload == payload:
                    return record
        return None
