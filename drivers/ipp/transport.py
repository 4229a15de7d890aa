"""IPP over HTTP: POST ``application/ipp`` to the printer URI with http.client, timeouts, TLS for ipps.

``ipp://`` and ``http://`` use plain HTTP (default port 631 for ipp, 80 for http); ``ipps://`` and
``https://`` use TLS (default port 443 for https, 631 for ipps). ``?insecure=1`` skips certificate checks
(self-signed printers on a closed network). Transport errors become ``PrinterUnreachableError``.
"""

from __future__ import annotations

import http.client
import logging
import ssl
from typing import Protocol

from drivers.base import DeviceUri
from drivers.ipp.errors import MalformedResponseError, PrinterUnreachableError

_LOGGER = logging.getLogger(__name__)

_TLS_SCHEMES = ("ipps", "https")
_DEFAULT_PORTS = {"ipp": 631, "ipps": 631, "http": 80, "https": 443}


class IppTransport(Protocol):
    """Send one encoded IPP request and return the encoded response."""

    def post(self, body: bytes) -> bytes: ...

    def close(self) -> None: ...


class HttpTransport:
    """One keep-alive HTTP connection to the printer, re-opened when the peer closes it."""

    def __init__(self, uri: DeviceUri, timeout: float = 10.0) -> None:
        self.host = uri.host or "localhost"
        self.port = uri.port or _DEFAULT_PORTS.get(uri.scheme, 631)
        self.path = uri.path or "/"
        self.timeout = timeout
        self.tls = uri.scheme in _TLS_SCHEMES
        self.insecure = uri.query.get("insecure", "0") in ("1", "true", "yes")
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            if self.tls:
                context = ssl.create_default_context()
                if self.insecure:
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                self._connection = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._connection

    def post(self, body: bytes) -> bytes:
        headers = {"Content-Type": "application/ipp", "Accept": "application/ipp"}
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request("POST", self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if attempt == 1:  # a kept-alive connection the peer has closed: reconnect once
                    _LOGGER.debug("IPP connection to %s:%s dropped, reconnecting", self.host, self.port)
                    continue
                raise PrinterUnreachableError(
                    f"printer {self.host}:{self.port} closed the connection"
                ) from exc
            except TimeoutError as exc:
                self.close()
                raise PrinterUnreachableError(f"printer {self.host}:{self.port} timed out") from exc
            except ssl.SSLError as exc:
                self.close()
                raise PrinterUnreachableError(f"TLS with {self.host}:{self.port} failed: {exc}") from exc
            except http.client.HTTPException as exc:
                self.close()
                raise MalformedResponseError(f"bad HTTP reply from {self.host}:{self.port}: {exc!r}") from exc
            except OSError as exc:
                self.close()
                raise PrinterUnreachableError(f"cannot reach printer {self.host}:{self.port}: {exc}") from exc
            if response.status != 200:
                raise MalformedResponseError(f"printer answered HTTP {response.status} {response.reason}")
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return data
        raise PrinterUnreachableError(
            f"printer {self.host}:{self.port} closed the connection"
        )  # pragma: no cover

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
