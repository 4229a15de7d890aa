"""What the spec (§1.4) says the reference household needs: procedures, counters, deadlines and forms.

Taken from the spec, not from the output; shared by the domain's unit tests and the service's integration
tests.
"""

from __future__ import annotations

import datetime as dt

EXPECTED = {
    # procedure: (persons, Ibusuki counter, deadline)
    "JUKI_TENNYU": (("p1", "p2", "p3", "p4", "p5", "p6", "p7"), "市民課", dt.date(2025, 9, 24)),
    "MN_KEIZOKU": (("p1", "p2", "p3", "p4"), "市民課", dt.date(2025, 12, 8)),
    "KOKUHO": (("p4",), "国保介護課", dt.date(2025, 9, 24)),
    "KOUKI": (("p3",), "国保介護課", dt.date(2025, 9, 24)),
    "KAIGO_SHIKAKU": (("p3", "p4"), "国保介護課", dt.date(2025, 9, 24)),
    "KAIGO_HIKITSUGI": (("p3",), "国保介護課", dt.date(2025, 9, 24)),
    "JIDOU_TEATE": (("p1", "p2", "p3", "p4", "p5", "p6", "p7"), "地域福祉課", dt.date(2025, 9, 22)),
    "KODOMO_IRYOU": (("p5", "p6", "p7"), "地域福祉課", dt.date(2025, 9, 24)),
    "HOIKU": (("p7",), "地域福祉課", dt.date(2025, 9, 30)),
    "TENNYUGAKU": (("p5", "p6"), "学校教育課", dt.date(2025, 9, 9)),
    "SHINSHOU": (("p4",), "地域福祉課", None),
    "SUIDOU": (("p1", "p2", "p3", "p4", "p5", "p6", "p7"), "水道課", dt.date(2025, 9, 9)),
    "INU": (("p1", "p2", "p3", "p4", "p5", "p6", "p7"), "環境政策課", dt.date(2025, 10, 9)),
    "KYOUKEN": (("p1", "p2", "p3", "p4", "p5", "p6", "p7"), "環境政策課", dt.date(2025, 10, 9)),
}
EXPECTED_FORMS = [
    "juki-tennyu", "kokuho-kanyu", "kouki-tennyu", "kaigo-shikaku", "kaigo-shikaku", "kaigo-hikitsugi",
    "jidou-teate", "kodomo-iryou", "hoiku", "tennyugaku", "tennyugaku", "shinshou-kyojuchi",
    "suidou-kaishi", "inu-henko",
]  # fmt: skip
