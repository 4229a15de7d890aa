"""Errors of the front-yard domain, under the daemon's one error root.

Every error carries a stable ``reason`` key and a Japanese ``message_ja``; messages never contain personal
data (no name, address, birth date, 個人番号 or PIN)::

    drivers.base.DeviceError
    └── FrontyardError              reason: frontyard_error
        ├── CatalogError            a packaged data file is malformed (catalog_invalid)
        ├── ConditionError          a trigger expression cannot be parsed or evaluated (condition_invalid)
        ├── AnswerError             a questionnaire answer of the wrong type or unknown (answer_invalid)
        ├── CalendarError           a date outside 2000–2099 (calendar_out_of_range)
        ├── ReceptionCodeError      a reception QR that cannot be accepted
        │   ├── MalformedReceptionCodeError  not an FY1 payload (reception_code_malformed)
        │   ├── ForgedReceptionCodeError     the MAC does not match (reception_code_forged)
        │   └── ExpiredReceptionCodeError    issued on another day (reception_code_expired)
        ├── OutboxError             unknown package or a status change not allowed (outbox_*)
        └── CorrectionError         a staff correction the form's field cannot take (correction_*)
"""

from __future__ import annotations

from drivers.base import DeviceError


class FrontyardError(DeviceError):
    """Root of the domain's errors (shares ``reason``/``message_ja`` with the device errors)."""

    reason = "frontyard_error"
    message_ja = "手続きの処理でエラーが発生しました。職員をお呼びください。"


class CatalogError(FrontyardError):
    reason = "catalog_invalid"
    message_ja = "手続きの設定データに誤りがあります。職員をお呼びください。"


class ConditionError(FrontyardError):
    reason = "condition_invalid"
    message_ja = "手続きの判定条件に誤りがあります。職員をお呼びください。"


class AnswerError(FrontyardError):
    reason = "answer_invalid"
    message_ja = "回答の内容を確認してください。"


class CalendarError(FrontyardError):
    reason = "calendar_out_of_range"
    message_ja = "対応していない日付です。職員をお呼びください。"


class ReceptionCodeError(FrontyardError):
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
    reason = "outbox_error"
    message_ja = "申請データの処理でエラーが発生しました。職員をお呼びください。"


class CorrectionError(FrontyardError):
    reason = "correction_invalid"
    message_ja = "修正内容を確認してください。"
