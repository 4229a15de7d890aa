"""Errors of the front-yard domain: one root, four categories, and nothing from drivers/ or daemon/.

Every error carries a ``category`` (what kind of failure it is, for the daemon's one mapping table to gRPC
status codes), a stable ``reason`` key and a Japanese ``message_ja``; messages never contain personal data
(no name, address, birth date, 個人番号 or PIN)::

    DomainError                     category decides the status code
    ├── BadInput                    BAD_INPUT   the request cannot be accepted as given
    ├── NotFound                    NOT_FOUND   an unknown resource
    ├── Conflict                    CONFLICT    not possible in the resource's current state
    ├── DataError                   DATA_ERROR  our own packaged or stored data is broken (a bug or a bad
    │                                           deployment, never the caller's fault)
    └── FrontyardError              the procedures' errors, each with its own category:
        ├── CatalogError            DATA_ERROR  a packaged data file is malformed (catalog_invalid)
        ├── ConditionError          DATA_ERROR  a trigger expression cannot be parsed or evaluated
        ├── AnswerError             BAD_INPUT   a questionnaire answer of the wrong type or unknown
        ├── CalendarError           BAD_INPUT   a date outside 2000–2099 (calendar_out_of_range)
        ├── ReceptionCodeError      BAD_INPUT   a reception QR that cannot be accepted
        │   ├── MalformedReceptionCodeError  not an FY1 payload (reception_code_malformed)
        │   ├── ForgedReceptionCodeError     the MAC does not match (reception_code_forged)
        │   └── ExpiredReceptionCodeError    issued on another day (reception_code_expired)
        ├── OutboxError             CONFLICT    a status change not allowed (outbox_*)
        │   └── OutboxNotFound      NOT_FOUND   unknown package (outbox_unknown_package)
        └── CorrectionError         BAD_INPUT   a staff correction the form's field cannot take
"""

from __future__ import annotations

import enum


class ErrorCategory(enum.StrEnum):
    BAD_INPUT = "bad_input"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    DATA_ERROR = "data_error"


class DomainError(Exception):
    """Root of the domain's errors: a category, a stable reason key and a Japanese message."""

    category = ErrorCategory.CONFLICT
    reason = "domain_error"
    message_ja = "手続きの処理でエラーが発生しました。職員をお呼びください。"

    def __init__(self, message: str, *, reason: str | None = None, message_ja: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        if message_ja is not None:
            self.message_ja = message_ja


class BadInput(DomainError):
    category = ErrorCategory.BAD_INPUT
    reason = "invalid_argument"
    message_ja = "入力内容に誤りがあります。"


class NotFound(DomainError):
    category = ErrorCategory.NOT_FOUND
    reason = "not_found"
    message_ja = "見つかりません。"


class Conflict(DomainError):
    category = ErrorCategory.CONFLICT
    reason = "failed_precondition"
    message_ja = "いまはこの操作ができません。"


class DataError(DomainError):
    category = ErrorCategory.DATA_ERROR
    reason = "data_error"
    message_ja = "手続きの設定データに誤りがあります。職員をお呼びください。"


class FrontyardError(DomainError):
    """Root of the procedures' errors (visits, forms, certificates, outbox)."""

    reason = "frontyard_error"
    message_ja = "手続きの処理でエラーが発生しました。職員をお呼びください。"


class CatalogError(FrontyardError):
    category = ErrorCategory.DATA_ERROR
    reason = "catalog_invalid"
    message_ja = "手続きの設定データに誤りがあります。職員をお呼びください。"


class ConditionError(FrontyardError):
    category = ErrorCategory.DATA_ERROR
    reason = "condition_invalid"
    message_ja = "手続きの判定条件に誤りがあります。職員をお呼びください。"


class AnswerError(FrontyardError):
    category = ErrorCategory.BAD_INPUT
    reason = "answer_invalid"
    message_ja = "回答の内容を確認してください。"


class CalendarError(FrontyardError):
    category = ErrorCategory.BAD_INPUT
    reason = "calendar_out_of_range"
    message_ja = "対応していない日付です。職員をお呼びください。"


class ReceptionCodeError(FrontyardError):
    category = ErrorCategory.BAD_INPUT
    reason = "reception_code_invalid"
    message_ja = "受付票のQRコードを読み取れません。職員をお呼びください。"


class MalformedReceptionCodeError(ReceptionCodeError):
    reason = "reception_code_malformed"
    message_ja = "受付票のQRコードの形式が正しくありません。職員をお呼びください。"


class ForgedReceptionCodeError(ReceptionCodeError):
    reason = "reception_code_forged"
    message_ja = "受付票のQRコードが確認できません。職員をお呼びください。"


class ExpiredReceptionCodeError(ReceptionCodeError):
    reason = "reception_code_expired"
    message_ja = "この受付票は本日のものではありません。もう一度受付をしてください。"


class OutboxError(FrontyardError):
    category = ErrorCategory.CONFLICT
    reason = "outbox_error"
    message_ja = "申請データの処理でエラーが発生しました。職員をお呼びください。"


class CorrectionError(FrontyardError):
    category = ErrorCategory.BAD_INPUT
    reason = "correction_invalid"
    message_ja = "修正内容を確認してください。"


class OutboxNotFound(OutboxError):
    category = ErrorCategory.NOT_FOUND
    reason = "outbox_unknown_package"
    message_ja = "申請が見つかりません。"
