"""The one module that touches python-escpos: a byte transport over its printer classes.

| URI                                   | python-escpos class      | status read-back |
|---------------------------------------|--------------------------|------------------|
| ``tcp://127.0.0.1:9100?timeout=5``    | ``escpos.printer.Network`` | yes            |
| ``serial:///dev/ttyUSB0?baud=19200``  | ``escpos.printer.Serial``  | yes            |

Only ``open``, ``close``, ``write`` and ``read_byte`` are used; python-escpos's exceptions (and the
socket/serial errors under them) become ``PrinterUnreachableError`` here, ``raise … from exc``.
``usb://VID:PID`` printers use pyusb directly: ``usb_transport.UsbTransport``.
"""

from __future__ import annotations

import logging
import socket
from typing import Any, Protocol

from drivers.base import DeviceUri
from drivers.escpos.errors import PrinterUnreachableError

_LOGGER = logging.getLogger(__name__)
DEFAULT_TIMEOUT_S = 5.0


class ByteTransport(Protocol):
    """What the printer driver needs from a connection."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def read_byte(self) -> int:
        """One reply byte; raise ``PrinterUnreachableError`` on timeout or a closed connection."""
        ...


def _build_printer(uri: DeviceUri, timeout: float) -> Any:
    from escpos import printer as escpos_printer  # imported here: python-escpos is slow to import

    if uri.scheme == "tcp":
        return escpos_printer.Network(host=uri.host or "127.0.0.1", port=uri.port or 9100, timeout=timeout)
    if uri.scheme == "serial":
        baud = int(uri.query.get("baud", "19200"))
        return escpos_printer.Serial(devfile=uri.path, baudrate=baud, timeout=timeout)
    raise ValueError(f"no python-escpos class for scheme {uri.scheme!r}")


class EscposTransport:
    """A python-escpos printer object used as a plain byte pipe."""

    def __init__(self, uri: DeviceUri, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self._uri = uri
        self._timeout = timeout
        self._printer: Any = None
        self._pending = bytearray()
        self._where = f"{uri.scheme}://{uri.host}{':' + str(uri.port) if uri.port else ''}{uri.path}"

    def open(self) -> None:
        from escpos.exceptions import Error as EscposLibraryError

        self.close()
        try:
            printer = _build_printer(self._uri, self._timeout)
            if self._uri.scheme == "tcp":
                # Network.open() leaks its socket when connect fails; connect here, let it do the rest.
                address = (printer.host, printer.port)
                connection = socket.create_connection(address, timeout=self._timeout)
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # status queries are tiny
                printer.device = connection
            else:
                printer.open()
        except (EscposLibraryError, OSError, RuntimeError, ValueError) as exc:
            raise PrinterUnreachableError(f"cannot open printer {self._where}: {exc}") from exc
        self._printer = printer
        _LOGGER.info("receipt printer connected: %s", self._where)

    def close(self) -> None:
        printer, self._printer = self._printer, None
        self._pending.clear()
        if printer is None:
            return
        try:
            printer.close()
        except Exception as exc:  # close never raises
            _LOGGER.debug("closing %s: %s", self._where, exc)

    def _require(self) -> Any:
        if self._printer is None:
            raise PrinterUnreachableError(f"printer {self._where} is not open")
        return self._printer

    def write(self, data: bytes) -> None:
        printer = self._require()
        try:
            printer._raw(data)
        except Exception as exc:  # socket, serial and usb errors have no common base
            raise PrinterUnreachableError(f"sending to printer {self._where} failed: {exc}") from exc

    def read_byte(self) -> int:
        if not self._pending:
            printer = self._require()
            try:
                chunk = bytes(printer._read())
            except Exception as exc:  # socket.timeout, SerialException, usb.core.USBError
                raise PrinterUnreachableError(f"no status reply from {self._where}: {exc}") from exc
            if not chunk:
                raise PrinterUnreachableError(
                    f"no status reply from {self._where} within {self._timeout} s (or connection closed)"
                )
            self._pending += chunk
        value = self._pending[0]
        del self._pending[0]
        return value
