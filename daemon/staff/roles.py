"""Staff roles (窓口, 会計, 管理者) and which daemon methods each may call.

The daemon's endpoints still grant the method roles of ``daemon.roles`` (kiosk < staff < admin); on the
staff endpoint, the signed-in person's staff roles decide further: 会計 for the money methods, 窓口 (or
会計) for every other staff method, 管理者 for everything.
"""

from __future__ import annotations

import enum

from kiosk.v1 import staff_pb2


class StaffRole(enum.Enum):
    COUNTER = "窓口"  # the counter: receptions, applications, the 個人番号 read
    CASHIER = "会計"  # voids, refunds, resolving payments, the daily close
    ADMIN = "管理者"  # every staff method, and account management

    @classmethod
    def parse(cls, text: str) -> StaffRole:
        """A role from its Japanese name or its English member name ("counter", "cashier", "admin")."""
        for role in cls:
            if text.strip() in (role.value, role.name.lower()):
                return role
        choices = ", ".join(f"{role.value} ({role.name.lower()})" for role in cls)
        raise ValueError(f"unknown staff role {text!r}; one of {choices} / 役割が不正です")


CASHIER_METHODS = frozenset(
    {
        "/kiosk.v1.PaymentService/VoidPayment",
        "/kiosk.v1.PaymentService/RefundPayment",
        "/kiosk.v1.PaymentService/ResolvePayment",
        "/kiosk.v1.PaymentService/DailyClose",
    }
)


_STAFF_SERVICE = staff_pb2.DESCRIPTOR.services_by_name["StaffService"]


def _staff_service_paths(*names: str) -> frozenset[str]:
    return frozenset(f"/{_STAFF_SERVICE.full_name}/{_STAFF_SERVICE.methods_by_name[n].name}" for n in names)


# How a person signs in and out: no person needed yet.
SIGN_IN_METHODS = _staff_service_paths("SignIn", "SignOut")
# Account management (the 管理者 account page): 管理者 only.
ACCOUNT_METHODS = _staff_service_paths("ListAccounts", "AddAccount", "DisableAccount", "ResetAccount")


def roles_needed(method: str) -> frozenset[StaffRole]:
    """Any one of these staff roles may call ``method`` (a staff-role method of kiosk.v1)."""
    if method in ACCOUNT_METHODS:
        return frozenset({StaffRole.ADMIN})
    if method in CASHIER_METHODS:
        return frozenset({StaffRole.CASHIER, StaffRole.ADMIN})
    return frozenset({StaffRole.COUNTER, StaffRole.CASHIER, StaffRole.ADMIN})


def may_call(roles: frozenset[StaffRole], method: str) -> bool:
    return bool(roles & roles_needed(method))
