import datetime

from drivers.payment import BRAND_RULES, Brand, PaymentMethod, can_refund, can_void
from drivers.zvt import DRIVER, open_device

TODAY = datetime.date(2025, 4, 1)


def test_every_brand_has_a_rule_with_the_right_method() -> None:
    assert set(BRAND_RULES) == set(Brand) - {Brand.UNKNOWN}
    assert BRAND_RULES[Brand.PAYPAY].method is PaymentMethod.QR
    assert BRAND_RULES[Brand.TRANSIT_IC].method is PaymentMethod.EMONEY


def test_void_rules() -> None:
    assert can_void(Brand.VISA, batch_open=True)
    assert not can_void(Brand.VISA, batch_open=False)
    assert not can_void(Brand.TRANSIT_IC, batch_open=True)
    assert not can_void(Brand.RAKUTEN_EDY, batch_open=True)
    assert can_void(Brand.D_BARAI, batch_open=True)


def test_refund_rules() -> None:
    assert can_refund(Brand.WAON, sale_date=TODAY - datetime.timedelta(days=14), today=TODAY)
    assert not can_refund(Brand.WAON, sale_date=TODAY - datetime.timedelta(days=15), today=TODAY)
    assert not can_refund(Brand.NANACO, sale_date=TODAY, today=TODAY)
    assert can_refund(Brand.JCB, sale_date=TODAY - datetime.timedelta(days=400), today=TODAY)


def test_driver_declaration_and_uri_timers() -> None:
    assert DRIVER.kind == "payment_terminal"
    device = open_device("socket://127.0.0.1:1?t3=2&t4=30&password=123456")
    assert device.uri.startswith("socket://")
