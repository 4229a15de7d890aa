"""Which daemon methods are audited, under which action key, and where their resource and purpose are."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.v1 import staff_pb2

from .. import inputs
from ..inputs import Grammar


@dataclass(frozen=True)
class AuditedMethod:
    action: str
    resource_field: str = ""  # the request field naming the resource ("name")
    resource_grammar: Grammar | None = None  # a value outside it is recorded as REFUSED_VALUE, not as typed
    purpose_field: str = ""  # the request field stating why (a 利用事務 code)
    resource_prefix: str = ""  # put before a bare id to make it a resource name ("staff/")


# What a row holds instead of a value that is not in its field's grammar (a name typed into an id field).
REFUSED_VALUE = "(not an identifier)"


AUDITED_METHODS: dict[str, AuditedMethod] = {
    "/kiosk.v1.CardService/ReadMyNumber": AuditedMethod("mynumber.read", purpose_field="purpose"),
    "/kiosk.v1.ApplicationService/CorrectApplication": AuditedMethod(
        "application.corrected", "name", inputs.APPLICATION
    ),
    "/kiosk.v1.ApplicationService/ReleaseApplication": AuditedMethod(
        "application.released", "name", inputs.APPLICATION
    ),
    "/kiosk.v1.ApplicationService/ExportApplications": AuditedMethod("application.exported"),
    "/kiosk.v1.PaymentService/VoidPayment": AuditedMethod("payment.voided", "name", inputs.PAYMENT),
    "/kiosk.v1.PaymentService/RefundPayment": AuditedMethod("payment.refunded", "name", inputs.PAYMENT),
    "/kiosk.v1.PaymentService/ResolvePayment": AuditedMethod("payment.resolved", "name", inputs.PAYMENT),
    "/kiosk.v1.PaymentService/DailyClose": AuditedMethod("payment.daily_closed"),
}


def _account_method(name: str, action: str) -> tuple[str, AuditedMethod]:
    """A StaffService account method, its path taken from the generated descriptor."""
    service = staff_pb2.DESCRIPTOR.services_by_name["StaffService"]
    path = f"/{service.full_name}/{service.methods_by_name[name].name}"
    return path, AuditedMethod(action, "staff_id", inputs.STAFF_ID, resource_prefix="staff/")


AUDITED_METHODS.update(
    [
        _account_method("AddAccount", "account.added"),
        _account_method("DisableAccount", "account.disabled"),
        _account_method("ResetAccount", "account.reset"),
    ]
)

# Actions recorded outside the gRPC methods above (frontyard-staff on the account store, and the sign-in).
ACCOUNT_ACTIONS = (
    "account.added",
    "account.disabled",
    "account.reset",
    "staff.signed_in",
    "staff.sign_in_failed",
    "staff.locked_out",
    "staff.signed_out",
    "staff.expired",
)

MAX_PURPOSE_CHARS = 64

# The outcome of an intent row, written before the action runs: no action without its row.
STARTED = "started"
