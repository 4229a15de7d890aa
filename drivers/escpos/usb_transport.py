"""``usb://VID:PID[?interface=0&in_ep=0x82&out_ep=0x01&timeout=5]``: an ESC/POS printer over pyusb.

The printer is found by vendor and product id (hex), its interface claimed (the kernel's ``usblp``
driver detached first), and the bulk OUT / IN endpoints taken from the query or, when absent, from the
interface's descriptors. ``write`` sends on OUT; ``read_byte`` reads the ``DLE EOT`` replies on IN.

Failures become ``PrinterUnreachableError`` (the printer driver closes and reconnects on the next call,
so an unplugged and replugged printer comes back), or one of its two specific kinds:

| errno  | error                      | what to do                                                    |
|--------|----------------------------|---------------------------------------------------------------|
| EACCES | ``UsbPermissionError``     | install the udev rule ``60-frontyard.rules`` (``make install``) |
| EBUSY  | ``UsbClaimedError``        | another program (CUPS' usb backend, a second daemon) holds it |

``backend`` is pyusb's backend (libusb1 when None); tests pass a double (``tests/support/usb_double``).
"""

from __future__ import annotations

import errno
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from drivers.base import DeviceUri
from drivers.escpos.errors import PrinterUnreachableError

_LOGGER = logging.getLogger(__name__)
UDEV_RULE = "/etc/udev/rules.d/60-frontyard.rules"
_HEX_ID = re.compile(r"[0-9a-fA-F]{1,4}")
READ_CHUNK = 64


class UsbPermissionError(PrinterUnreachableError):
    reason = "usb_permission"
    message_ja = "USB プリンターへのアクセス権がありません。管理者に連絡してください（udev ルール）。"


class UsbClaimedError(PrinterUnreachableError):
    reason = "usb_claimed"
    message_ja = "USB プリンターを別のプログラムが使用しています。管理者に連絡してください。"


@dataclass(frozen=True)
class UsbAddress:
    """What ``usb://VID:PID?…`` names; endpoints 0 mean "take them from the descriptors"."""

    vendor: int
    product: int
    interface: int = 0
    in_ep: int = 0
    out_ep: int = 0

    @property
    def ids(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"


def parse_usb_address(uri: DeviceUri) -> UsbAddress:
    """``usb://04b8:0e28`` (urlsplit reads ``0e28`` as a port only when it is all digits, so use raw)."""
    ids = uri.raw.split("://", 1)[1].split("?", 1)[0].strip("/") if uri.raw else uri.host
    vendor, sep, product = ids.partition(":")
    try:
        if not sep or not all(_HEX_ID.fullmatch(part) for part in (vendor, product)):
            raise ValueError(ids)
        address = UsbAddress(
            vendor=int(vendor, 16),
            product=int(product, 16),
            interface=int(uri.query.get("interface", "0"), 0),
            in_ep=int(uri.query.get("in_ep", "0"), 0),
            out_ep=int(uri.query.get("out_ep", "0"), 0),
        )
        if not all(0 <= value <= 0xFF for value in (address.interface, address.in_ep, address.out_ep)):
            raise ValueError(uri.raw)
        return address
    except ValueError:
        raise ValueError(
            f"expected usb://VID:PID with hex ids (e.g. usb://04b8:0e28), got {uri.raw or ids!r}"
        ) from None


class UsbTransport:
    """A ``ByteTransport`` over one USB printer interface."""

    def __init__(self, address: UsbAddress, timeout: float, backend: Any = None) -> None:
        self.address = address
        self._timeout_ms = max(1, int(timeout * 1000))
        self._backend = backend
        self._device: Any = None
        self._in_ep = 0
        self._out_ep = 0
        self._pending = bytearray()
        self._where = f"usb://{address.ids}"

    def open(self) -> None:
        import usb.core

        self.close()
        try:
            device = usb.core.find(
                idVendor=self.address.vendor, idProduct=self.address.product, backend=self._backend
            )
        except usb.core.NoBackendError as exc:
            raise PrinterUnreachableError(f"{self._where}: libusb is not installed ({exc})") from exc
        if device is None:
            raise PrinterUnreachableError(f"no USB device {self.address.ids} (unplugged or powered off?)")
        try:
            self._claim(device)
        except usb.core.USBError as exc:
            self._release(device)
            raise self._error("cannot open", exc) from exc
        self._device = device
        _LOGGER.info("receipt printer connected: %s (in 0x%02x, out 0x%02x)", self._where, *self._eps)

    @property
    def _eps(self) -> tuple[int, int]:
        return self._in_ep, self._out_ep

    def _claim(self, device: Any) -> None:
        import usb.util

        interface = self.address.interface
        try:
            if device.is_kernel_driver_active(interface):
                device.detach_kernel_driver(interface)  # usblp would otherwise hold the interface
        except NotImplementedError:
            pass  # backends without kernel drivers
        try:
            configuration = device.get_active_configuration()
        except usb.core.USBError:
            configuration = None
        if configuration is None:
            device.set_configuration()
            configuration = device.get_active_configuration()
        usb.util.claim_interface(device, interface)
        descriptor = configuration[(interface, 0)]
        self._out_ep = self.address.out_ep or _bulk_endpoint(descriptor, usb.util.ENDPOINT_OUT)
        self._in_ep = self.address.in_ep or _bulk_endpoint(descriptor, usb.util.ENDPOINT_IN)
        if not self._out_ep:
            raise PrinterUnreachableError(f"{self._where}: interface {interface} has no bulk OUT endpoint")

    def _release(self, device: Any) -> None:
        import usb.util

        try:
            usb.util.release_interface(device, self.address.interface)
        except Exception as exc:  # a device already gone cannot release
            _LOGGER.debug("releasing %s: %s", self._where, exc)
        try:
            usb.util.dispose_resources(device)
        except Exception as exc:
            _LOGGER.debug("disposing %s: %s", self._where, exc)

    def close(self) -> None:
        device, self._device = self._device, None
        self._pending.clear()
        if device is not None:
            self._release(device)

    def _require(self) -> Any:
        if self._device is None:
            raise PrinterUnreachableError(f"printer {self._where} is not open")
        return self._device

    def _error(self, doing: str, exc: Exception) -> PrinterUnreachableError:
        code = getattr(exc, "errno", None)
        if code == errno.EACCES:
            return UsbPermissionError(
                f"{doing} {self._where}: permission denied; install the udev rule {UDEV_RULE} "
                f"(`make install`) and replug the printer / アクセス権がありません（udev ルール）"
            )
        if code == errno.EBUSY:
            return UsbClaimedError(
                f"{doing} {self._where}: the interface is busy (CUPS or another program holds it); "
                f"remove its CUPS queue or stop that program / 別のプログラムが使用中です"
            )
        if code == errno.ENODEV:
            return PrinterUnreachableError(f"{doing} {self._where}: the printer was unplugged")
        return PrinterUnreachableError(f"{doing} {self._where}: {exc}")

    def write(self, data: bytes) -> None:
        device = self._require()
        try:
            sent = device.write(self._out_ep, data, self._timeout_ms)
        except Exception as exc:  # usb.core.USBError and its timeout
            raise self._error("sending to", exc) from exc
        if sent != len(data):
            raise PrinterUnreachableError(f"sending to {self._where}: {sent} of {len(data)} bytes sent")

    def read_byte(self) -> int:
        if not self._pending:
            device = self._require()
            if not self._in_ep:
                raise PrinterUnreachableError(f"{self._where} has no IN endpoint: no status read-back")
            deadline = time.monotonic() + self._timeout_ms / 1000
            while not self._pending:  # printers may answer with zero-length packets first
                remaining_ms = int((deadline - time.monotonic()) * 1000)
                if remaining_ms <= 0:
                    raise PrinterUnreachableError(
                        f"no status reply from {self._where} within {self._timeout_ms / 1000} s"
                    )
                try:
                    self._pending += bytes(device.read(self._in_ep, READ_CHUNK, remaining_ms))
                except Exception as exc:
                    raise self._error("no status reply from", exc) from exc
        value = self._pending[0]
        del self._pending[0]
        return value


def _bulk_endpoint(interface: Any, direction: int) -> int:
    import usb.util

    for endpoint in interface:
        address = int(endpoint.bEndpointAddress)
        is_bulk = usb.util.endpoint_type(endpoint.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
        if is_bulk and usb.util.endpoint_direction(address) == direction:
            return address
    return 0
