"""Errors of every payment terminal adapter.

Error tree (``reason`` in brackets)::

    DeviceError
    ├── DeviceUnavailable
    │   └── TerminalDisconnected  [device_offline]    the line is gone before the terminal took the command
    ├── DeviceBusy
    │   └── TerminalBusy          [terminal_busy]     the terminal (or this driver) runs another operation
    └── PaymentError              [payment_error]     root of this subtree
        ├── TerminalBusy          (also a DeviceBusy)
        ├── TerminalDisconnected  (also a DeviceUnavailable)
        ├── TerminalTimeout       [terminal_timeout]  no answer to a command the terminal never accepted
        ├── FrameError            [malformed_frame]   bad CRC, truncated frame, wrong length, unknown field
        ├── TerminalRefused       [terminal_refused]  negative acknowledgement (84 xx) other than busy
        └── ResultUnknown         [result_unknown]    the terminal accepted a money command and its result
                                                      never arrived: ask ``last_transaction()``, never retry

``code`` carries the terminal's own code (ZVT result code, 84 xx) when there is one; messages show it in hex.
"""

from __future__ import annotations

from drivers.base import DeviceBusy, DeviceError, DeviceUnavailable


class PaymentError(DeviceError):
    """Root of the payment terminal errors."""

    reason = "payment_error"
    message_ja = "決済端末でエラーが発生しました。職員をお呼びください。"


class TerminalBusy(PaymentError, DeviceBusy):
    """The terminal or this driver is already running an operation."""

    reason = "terminal_busy"
    message_ja = "決済端末が処理中です。しばらくお待ちください。"


class TerminalDisconnected(PaymentError, DeviceUnavailable):
    """The line to the terminal is gone (cable, power, TCP reset) while no money command was pending."""

    reason = "device_offline"
    message_ja = "決済端末に接続できません。職員をお呼びください。"


class TerminalTimeout(PaymentError):
    """The terminal did not acknowledge or answer a command within its timer: nothing was started."""

    reason = "terminal_timeout"
    message_ja = "決済端末から応答がありません。職員をお呼びください。"


class FrameError(PaymentError):
    """A frame or message from the terminal is malformed: bad CRC, truncated, wrong length, unknown field."""

    reason = "malformed_frame"
    message_ja = "決済端末との通信に失敗しました。職員をお呼びください。"


class TerminalRefused(PaymentError):
    """The terminal refused the command (negative acknowledgement) for a reason other than busy."""

    reason = "terminal_refused"
    message_ja = "決済端末がこの操作を受け付けませんでした。職員をお呼びください。"


class ResultUnknown(PaymentError):
    """The terminal took a money command and its result is unknown (処理未了): never retry blindly."""

    reason = "result_unknown"
    message_ja = "決済の結果を確認できません（処理未了）。職員をお呼びください。"
