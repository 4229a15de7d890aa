"""The journal's receipt format: every builder's receipt round-trips; garbage fails only one way."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from daemon import receipts
from daemon.printing import ReceiptCodecError, decode_receipt, encode_receipt_document
from drivers.escpos.document import Align, Barcode, BarcodeKind, Logo, Receipt, TextLine

WHEN = datetime(2025, 4, 1, 9, 30)


@pytest.mark.parametrize(
    "receipt",
    [
        receipts.numbered_ticket(receipts.TicketInput("指宿市", 12, "1番窓口", WHEN, waiting=3)),
        receipts.request_receipt(
            receipts.RequestInput(
                "指宿市", "R-001", (receipts.CertificateLine("住民票の写し", 2, 300),), WHEN, "R-001.mac"
            )
        ),
        receipts.unknown_payment_slip(receipts.UnknownPaymentInput("指宿市", "order-1", 600, "0042", WHEN)),
        Receipt((Barcode("123", BarcodeKind.CODE39, 50, Align.LEFT), TextLine("x", bold=True)), kind="k"),
    ],
)
def test_receipts_round_trip(receipt: Receipt) -> None:
    assert decode_receipt(encode_receipt_document(receipt)) == receipt


def test_a_logo_round_trips_as_the_same_pixels() -> None:
    image = Image.new("1", (16, 8), 1)
    image.putpixel((3, 4), 0)
    (logo,) = decode_receipt(encode_receipt_document(Receipt((Logo(image),)))).blocks
    assert isinstance(logo, Logo) and logo.image.convert("1").tobytes() == image.tobytes()


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_the_codec_error(data: bytes) -> None:
    with contextlib.suppress(ReceiptCodecError):
        decode_receipt(data)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
BLOCK_TYPES = st.sampled_from(["text", "rule", "qr", "barcode", "logo", "feed", "cut", "other"])


@settings(max_examples=60)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "text",
                    "size",
                    "bold",
                    "align",
                    "char",
                    "payload",
                    "module_size",
                    "data",
                    "kind",
                    "height",
                    "png",
                    "lines",
                    "partial",
                ]
            ),
            JSON | BLOCK_TYPES,
        )
    )
)
def test_malformed_blocks_raise_only_the_codec_error(blocks: list[dict[str, object]]) -> None:
    document = {"version": 1, "kind": "k", "metadata": {}, "blocks": blocks}
    with contextlib.suppress(ReceiptCodecError):
        decode_receipt(json.dumps(document).encode())


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ReceiptCodecError, match="unknown format"):
        decode_receipt(b'{"version": 2, "kind": "k", "metadata": {}, "blocks": []}')
