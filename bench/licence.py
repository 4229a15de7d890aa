"""運転免許証 read via a private pcscd + vpcd + the virtual licence: APDUs and time vs TRETJapanNFCReader's 9.

For every licence persona the bench reads 記載事項 (and 外字) with :class:`DriversLicenceReader` and with
the baseline, TRETJapanNFCReader's ``readMatters`` sequence sent raw over the same transport: SELECT MF,
SELECT EF 000A, READ 3, SELECT MF, SELECT IEF 0001, VERIFY, SELECT DF1, SELECT EF 0001, READ 880 =
9 APDUs. The simulator delays each answer by 5 ms (a contactless card answers in milliseconds).
``read_ms_p50`` is the median from "card present" to parsed 記載事項 (probe and PIN status included:
the resident sees nothing before them); ``…_after_pin`` times only what follows the PIN.
``apdus_after_pin`` is the most over the personas (a 外字 adds the EF03 read; the baseline never reads
外字 images, nor the retry counter before the PIN). ``fields_exact`` = fields equal to the persona's
(text with 外字/欠字 as placeholders at their positions, glyph bitmaps equal to what the card holds,
dates, number) over all fields of all readable personas.
pcscd runs privately (``tests.support.pcscd``: ``unshare -m``, its own socket and vpcd port): the system
pcscd is never touched.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import unicodedata
import urllib.request
from pathlib import Path

from bench._processes import started
from drivers.licence import DriversLicence, DriversLicenceReader, LicenceText
from drivers.licence.reader import DF1_AID
from drivers.licence.records import parse_matters
from drivers.mynumber.apdu import check, parse_response, read_binary_extended, select_df, select_ef, verify
from drivers.mynumber.transport import PcscTransport
from simulators.licence_card.card_data import build_licence
from simulators.licence_card.personas import LICENCE_PERSONAS, LicencePersona
from tests.support.pcscd import VPCD_READER, PrivatePcscd, free_port_pair

CARD_LATENCY_MS = 5
GETA = "\u3013"


def _post(control: str, action: str, **body: object) -> None:
    request = urllib.request.Request(f"{control}/{action}", data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def _baseline(transport: PcscTransport, pin: bytes) -> tuple[int, float, float, bytes]:
    """TRETJapanNFCReader readMatters: (APDUs, seconds from card present, seconds after PIN, EF 0001)."""
    start = time.perf_counter()
    transport.connect()
    count = 0

    def send(command: bytes | bytearray) -> bytes:
        nonlocal count
        count += 1
        return check(parse_response(transport.transmit(command)), "baseline").data

    mf = bytes([0x00, 0xA4, 0x00, 0x00])
    send(mf)
    send(select_ef(0x000A))
    send(bytes([0x00, 0xB0, 0x00, 0x00, 0x03]))
    send(mf)
    send(select_ef(0x0001))
    pin_entered = time.perf_counter()
    send(verify(pin))
    send(select_df(DF1_AID))
    send(select_ef(0x0001))
    data = send(read_binary_extended(0, 880))
    done = time.perf_counter()
    transport.disconnect(unpower=True)
    return count, done - start, done - pin_entered, data


def _text_fields(
    text: LicenceText, wanted: str, missing: str, glyphs: dict[int, bytes], licence: DriversLicence
) -> list[bool]:
    """One check per character: plain ones equal (NFKC), 外字 carry the card's own bitmap, 欠字 marked."""
    by_position = {p.position: p for p in text.placeholders}
    got = text.text
    if len(got) != len(wanted):
        return [False] * max(1, len(wanted))
    checks = []
    gaiji_numbers: dict[str, int] = {}
    for index, (have, want) in enumerate(zip(got, wanted, strict=True)):
        placeholder = by_position.get(index)
        if want in missing:
            checks.append(placeholder is not None and placeholder.missing)
        elif placeholder is not None and placeholder.gaiji is not None:
            number = gaiji_numbers.setdefault(want, placeholder.gaiji)
            glyph = licence.glyphs.get(placeholder.gaiji)
            checks.append(
                number == placeholder.gaiji and glyph is not None and glyph.bitmap == glyphs.get(number)
            )
        else:
            checks.append(unicodedata.normalize("NFKC", have) == unicodedata.normalize("NFKC", want))
    return checks


def _fields_exact(person: LicencePersona, licence: DriversLicence) -> list[bool]:
    card = build_licence(person)  # the card's own glyph bitmaps, by 外字 number
    m = licence.matters
    checks = _text_fields(m.name, person.name, "", card.glyphs, licence)
    checks += _text_fields(m.kana, person.kana, "", card.glyphs, licence)
    checks += _text_fields(m.address, person.address, person.missing, card.glyphs, licence)
    checks += [
        m.birth_date == person.resident.birth,
        m.expiry_date == person.expiry_date,
        m.issue_date == person.issue_date,
        m.number == person.number,
    ]
    return checks


def run(quick: bool) -> dict[str, float | int | str]:
    rounds = 3 if quick else 15
    personas = [p for p in LICENCE_PERSONAS if not p.blocked]
    with tempfile.TemporaryDirectory() as directory:
        pcscd = PrivatePcscd(Path(directory) / "pcscd", free_port_pair())
        try:
            pcscd.start()
            os.environ["PCSCLITE_CSOCK_NAME"] = str(pcscd.socket_path)
            args = [sys.executable, "-m", "simulators.mynumber_card", "--port", str(pcscd.port)]
            with started(args) as (_, ready, _seconds):
                _post(ready["control"], "latency", ms=CARD_LATENCY_MS)
                return _measure(ready, personas, rounds)
        finally:
            pcscd.stop()


def _measure(
    ready: dict[str, str], personas: list[LicencePersona], rounds: int
) -> dict[str, float | int | str]:
    transport = PcscTransport(VPCD_READER)  # the private pcscd has one vpcd reader
    ours, ours_after_pin, base, base_after_pin = [], [], [], []
    apdus_after_pin, apdus_total, baseline_apdus, fewest_after_pin = 0, 0, 0, 99
    checks: list[bool] = []
    for person in personas:
        _post(ready["control"], "insert_licence", persona=person.id)
        deadline = time.monotonic() + 5
        while not transport.card_present() and time.monotonic() < deadline:
            time.sleep(0.05)
        reader = DriversLicenceReader(transport)
        pin = (person.pin or "****").encode()
        for _ in range(rounds):
            start = time.perf_counter()
            reader.probe()
            before_pin = reader.last_operation_apdus
            reader.pin_status()
            before_pin += reader.last_operation_apdus
            pin_entered = time.perf_counter()
            licence = reader.read_licence(person.pin)
            done = time.perf_counter()
            apdus_total = max(apdus_total, before_pin + reader.last_operation_apdus)
            ours.append(done - start)
            ours_after_pin.append(done - pin_entered)
            apdus_after_pin = max(apdus_after_pin, reader.apdus_after_pin)
            fewest_after_pin = min(fewest_after_pin, reader.apdus_after_pin)
            count, seconds, seconds_after_pin, data = _baseline(transport, pin)
            base.append(seconds)
            base_after_pin.append(seconds_after_pin)
            baseline_apdus = count
            assert parse_matters(data).number == licence.matters.number
        checks += _fields_exact(person, licence)
    transport.close()
    ms = 1000.0
    return {
        "personas": len(personas),
        "reads": len(ours),
        "apdus_after_pin": apdus_after_pin,
        "apdus_after_pin_without_gaiji": fewest_after_pin,  # no 外字: EF03 is not read
        "apdus_card_to_licence": apdus_total,
        "baseline_apdus": baseline_apdus,
        "baseline_apdus_after_pin": baseline_apdus - 5,
        "read_ms_p50": round(statistics.median(ours) * ms, 2),
        "read_ms_p50_after_pin": round(statistics.median(ours_after_pin) * ms, 2),
        "baseline_read_ms_p50": round(statistics.median(base) * ms, 2),
        "baseline_read_ms_p50_after_pin": round(statistics.median(base_after_pin) * ms, 2),
        "speedup_after_pin": round(statistics.median(base_after_pin) / statistics.median(ours_after_pin), 3),
        "card_latency_ms_per_apdu": CARD_LATENCY_MS,
        "fields_exact": round(sum(checks) / len(checks), 4),
    }
