"""Errors of the IPP form printer driver.

Error tree::

    DeviceError
    └── PrinterError                  reason printer_error
        ├── PrinterUnreachableError   printer_unreachable (also DeviceUnavailable: device OFFLINE)
        ├── MalformedResponseError    malformed_response  the reply is not valid IPP/HTTP
        ├── IppStatusError            ipp_error           a non-success IPP status (code, in hex)
        └── PrinterNotReadyError      printer_not_ready   the printer is stopped; no job was sent
            ├── MediaEmptyError       media_empty
            ├── MediaJamError         media_jam
            ├── DoorOpenError         door_open
            └── PrinterOfflineError   printer_offline
"""

from __future__ import annotations

from drivers.base import DeviceError, DeviceUnavailable

IPP_STATUS_NAMES = {
    0x0000: "successful-ok",
    0x0001: "successful-ok-ignored-or-substituted-attributes",
    0x0002: "successful-ok-conflicting-attributes",
    0x0400: "client-error-bad-request",
    0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated",
    0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible",
    0x0405: "client-error-timeout",
    0x0406: "client-error-not-found",
    0x0407: "client-error-gone",
    0x0408: "client-error-request-entity-too-large",
    0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x0411: "client-error-document-format-error",
    0x0500: "server-error-internal-error",
    0x0501: "server-error-operation-not-supported",
    0x0502: "server-error-service-unavailable",
    0x0503: "server-error-version-not-supported",
    0x0504: "server-error-device-error",
    0x0505: "server-error-temporary-error",
    0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
}


class PrinterError(DeviceError):
    reason = "printer_error"
    message_ja = "プリンターでエラーが発生しました。職員をお呼びください。"


class PrinterUnreachableError(PrinterError, DeviceUnavailable):
    reason = "printer_unreachable"
    message_ja = "プリンターに接続できません。職員をお呼びください。"


class MalformedResponseError(PrinterError):
    reason = "malformed_response"
    message_ja = "プリンターの応答を読み取れませんでした。職員をお呼びください。"


class IppStatusError(PrinterError):
    """A non-success IPP status; ``code`` holds it and the message shows it in hex."""

    reason = "ipp_error"
    message_ja = "プリンターが印刷を受け付けませんでした。職員をお呼びください。"

    def __init__(self, operation: str, status: int, detail: str = "") -> None:
        name = IPP_STATUS_NAMES.get(status, "unknown-status")
        text = f"{operation}: IPP status 0x{status:04X} {name}" + (f" ({detail})" if detail else "")
        super().__init__(text, code=status)
        self.status = status


class PrinterNotReadyError(PrinterError):
    reason = "printer_not_ready"
    message_ja = "プリンターが印刷できない状態です。職員をお呼びください。"


class MediaEmptyError(PrinterNotReadyError):
    reason = "media_empty"
    message_ja = "プリンターの用紙がありません。職員をお呼びください。"


class MediaJamError(PrinterNotReadyError):
    reason = "media_jam"
    message_ja = "プリンターで紙づまりが起きました。職員をお呼びください。"


class DoorOpenError(PrinterNotReadyError):
    reason = "door_open"
    message_ja = "プリンターのカバーが開いています。職員をお呼びください。"


class PrinterOfflineError(PrinterNotReadyError):
    reason = "printer_offline"
    message_ja = "プリンターがオフラインです。職員をお呼びください。"
