"""Synthetic 運転免許証 personas: each is a resident of ``simulators.personas`` plus the licence's own data.

The licence's address is the one the holder had when the licence was last updated: the household's
``moving_in_from`` (the 転入 case: the licence still shows the old address), else its current address.
Every value is invented. ``gaiji`` characters are those outside JIS X 0208 (the card stores them as images);
``missing`` lists characters the issuer recorded as 欠字.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from simulators.personas import Persona, persona


@dataclass(frozen=True)
class LicencePersona:
    id: str
    resident_id: str
    number: str
    pin: str | None  # None: no PIN chosen, the card holds "****"
    issue_date: datetime.date
    expiry_date: datetime.date
    colour: str = "優良"
    conditions: tuple[str, ...] = ()
    authority: str = "鹿児島県公安委員会"
    missing: str = ""  # address characters stored as 欠字 (FFFA)
    blocked: bool = False

    def __repr__(self) -> str:
        return f"LicencePersona(id={self.id!r})"

    @property
    def resident(self) -> Persona:
        return persona(self.resident_id)

    @property
    def name(self) -> str:
        return self.resident.full_name

    @property
    def kana(self) -> str:
        return f"{self.resident.family_kana}\u3000{self.resident.given_kana}"

    @property
    def address(self) -> str:
        household = self.resident.household
        return household.moving_in_from or household.address


LICENCE_PERSONAS: tuple[LicencePersona, ...] = (
    LicencePersona(
        "L1",
        "P1",
        "461200123450",
        "1357",
        datetime.date(2022, 3, 10),
        datetime.date(2027, 5, 1),
        conditions=("眼鏡等",),
    ),
    LicencePersona(
        "L2",
        "P9",
        "461900556781",
        "2468",
        datetime.date(2023, 6, 1),
        datetime.date(2028, 8, 7),
        colour="一般",
    ),
    LicencePersona("L3", "P8", "461600778892", None, datetime.date(2024, 1, 5), datetime.date(2029, 3, 29)),
    LicencePersona(
        "L4",
        "P10",
        "460100112233",
        "9753",
        datetime.date(2021, 12, 1),
        datetime.date(2025, 2, 15),
        conditions=("眼鏡等", "ＡＴ車に限る"),
        missing="東",
    ),
    LicencePersona(
        "L5",
        "P4",
        "461000334455",
        "0909",
        datetime.date(2023, 8, 1),
        datetime.date(2028, 10, 3),
        blocked=True,
    ),
)


def licence_persona(persona_id: str) -> LicencePersona:
    for item in LICENCE_PERSONAS:
        if item.id == persona_id:
            return item
    raise KeyError(persona_id)
