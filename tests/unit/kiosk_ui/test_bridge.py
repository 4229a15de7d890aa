"""JSON → request parsing (malformed input raises only BadRequest) and gRPC error → reason key."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from hypothesis import given
from hypothesis import strategies as st
from kiosk.v1 import card_pb2

from kiosk_ui.bridge import BadRequest, error_from_rpc, parse_request, sse
from kiosk_ui.catalog import load_methods

METHODS = load_methods()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_malformed_bodies_raise_only_bad_request(body: Any) -> None:
    for key in ("CardService/ReadBasicInfo", "VisitService/AddMember", "PaymentService/Sale"):
        try:
            parse_request(METHODS[key], body)
        except BadRequest as exc:
            assert "1234" not in str(exc)


def test_parse_request_builds_the_message_and_never_quotes_a_pin() -> None:
    request = parse_request(METHODS["CardService/ReadBasicInfo"], {"pin": "1234"})
    assert isinstance(request, card_pb2.ReadBasicInfoRequest) and request.pin == "1234"
    with pytest.raises(BadRequest) as error:
        parse_request(METHODS["CardService/ReadBasicInfo"], {"pin": 1234, "extra": "1234"})
    assert "1234" not in str(error.value)


class FakeRpcError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, metadata: tuple[tuple[str, Any], ...] = ()) -> None:
        self._code = code
        self._metadata = metadata

    def code(self) -> grpc.StatusCode:
        return self._code

    def trailing_metadata(self) -> tuple[tuple[str, Any], ...]:  # type: ignore[override]  # grpc's private alias
        return self._metadata


def rich(reason: str, message_ja: str) -> bytes:
    details = []
    for detail in (
        error_details_pb2.ErrorInfo(reason=reason, domain="frontyard.kiosk.v1"),
        error_details_pb2.LocalizedMessage(locale="ja-JP", message=message_ja),
    ):
        packed = any_pb2.Any()
        packed.Pack(detail)
        details.append(packed)
    return bytes(status_pb2.Status(code=9, message="x", details=details).SerializeToString())


def test_rich_status_gives_reason_and_japanese_message() -> None:
    error = FakeRpcError(
        grpc.StatusCode.FAILED_PRECONDITION,
        (("grpc-status-details-bin", rich("paper_out", "用紙がありません")),),
    )
    mapped = error_from_rpc(error)
    assert (mapped.http_status, mapped.reason, mapped.message_ja) == (409, "paper_out", "用紙がありません")
    assert mapped.as_json()["error"]["code"] == "FAILED_PRECONDITION"


@pytest.mark.parametrize(
    ("code", "reason", "status"),
    [
        (grpc.StatusCode.UNAVAILABLE, "daemon_unreachable", 503),
        (grpc.StatusCode.DEADLINE_EXCEEDED, "daemon_timeout", 504),
        (grpc.StatusCode.UNKNOWN, "internal", 500),
    ],
)
def test_plain_status_gets_a_reason_of_its_own(code: grpc.StatusCode, reason: str, status: int) -> None:
    mapped = error_from_rpc(FakeRpcError(code))
    assert (mapped.reason, mapped.http_status) == (reason, status)


def test_sse_frames() -> None:
    assert sse({"a": "名"}, event_id=7) == 'id: 7\ndata: {"a": "名"}\n\n'
    assert sse({}, event="error").startswith("event: error\n")
