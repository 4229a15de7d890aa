import io
import json
import logging

from hypothesis import given
from hypothesis import strategies as st
from kiosk.v1 import card_pb2, common_pb2

from daemon.logs import JsonFormatter
from daemon.redaction import REDACTED, message_for_log, redact_text, redacted_copy

NAME = "指宿　太郎"
ADDRESS = "鹿児島県指宿市十町2424番地"
MY_NUMBER = "123456789018"


def log_line(message: str, **extra: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.info(message, extra=extra)
    return stream.getvalue()


def test_sensitive_fields_are_redacted_and_others_kept() -> None:
    info = card_pb2.BasicInfo(
        session="s-1", name=NAME, address=ADDRESS, birth_date="1958-04-01", sex=common_pb2.SEX_MALE
    )
    copy = redacted_copy(info)
    assert isinstance(copy, card_pb2.BasicInfo)
    assert copy.name == REDACTED and copy.address == REDACTED and copy.birth_date == REDACTED
    assert copy.sex == common_pb2.SEX_UNSPECIFIED
    assert copy.session == "s-1"
    assert info.name == NAME, "the original is untouched"


def test_log_line_with_a_message_carries_no_personal_data() -> None:
    request = card_pb2.ReadMyNumberRequest(pin="1234", purpose="児童手当")
    reply = card_pb2.MyNumber(my_number=MY_NUMBER)
    line = log_line("read my number", request=request, reply=reply)
    entry = json.loads(line)
    assert entry["request"] == {"pin": REDACTED, "purpose": "児童手当"}
    assert MY_NUMBER not in line and "1234" not in line


def test_free_text_masks_my_number_shapes_and_pins() -> None:
    assert MY_NUMBER not in redact_text(f"number {MY_NUMBER} seen")
    assert "1234-5678-9018" not in redact_text("as 1234-5678-9018")
    assert redact_text("pin=4321 given") == "pin=**** given"
    assert redact_text("order 2026-11-26 #17") == "order 2026-11-26 #17"


@given(name=st.text(min_size=1), address=st.text(min_size=1))
def test_no_sensitive_value_survives_message_for_log(name: str, address: str) -> None:
    info = card_pb2.BasicInfo(session="s", name=name, address=address)
    logged = message_for_log(info)
    assert logged.get("name") == REDACTED and logged.get("address") == REDACTED


@given(digits=st.from_regex(r"\A[0-9]{12}\Z"))
def test_any_twelve_digit_number_in_a_log_message_is_masked(digits: str) -> None:
    line = log_line(f"something about {digits} happened")
    assert digits not in line


def test_a_generated_id_that_holds_twelve_digits_in_a_row_is_kept_whole() -> None:
    session = "sessions/7986f8d5e0a637985898376e3c14d6ef"
    assert session in log_line(f"my number read for {session}")
    assert "123456789018" not in log_line("番号123456789018を確認")
