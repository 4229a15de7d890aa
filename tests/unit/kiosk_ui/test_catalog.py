"""The bridge's method catalog read from the generated descriptors: roles and personal-data flags."""

from __future__ import annotations

from kiosk_ui.catalog import Role, allowed_methods, load_methods


def test_roles_and_sensitive_requests_come_from_the_protos() -> None:
    methods = load_methods()
    read = methods["CardService/ReadBasicInfo"]
    assert read.sensitive_request and read.required_role == Role.KIOSK
    assert read.path == "/kiosk.v1.CardService/ReadBasicInfo"
    assert not methods["CardService/GetPinStatus"].sensitive_request
    assert methods["DeviceService/WatchEvents"].server_streaming
    assert methods["CardService/ReadMyNumber"].required_role == Role.STAFF


def test_resident_pages_reach_kiosk_methods_only() -> None:
    methods = load_methods()
    kiosk = allowed_methods(methods, Role.KIOSK)
    staff = allowed_methods(methods, Role.STAFF)
    assert "CardService/ReadBasicInfo" in kiosk
    assert "CardService/ReadMyNumber" not in kiosk
    assert "CardService/ReadMyNumber" in staff
    assert all(info.required_role == Role.KIOSK for info in kiosk.values())
    assert all(info.required_role <= Role.STAFF for info in staff.values())
    assert set(kiosk) < set(staff)
