"""The simulator's own ZVT codec and link (shares nothing with ``drivers/zvt``, so a driver bug is not
mirrored here): table-driven CRC, frame reader, APDU and BMP writer/reader for the fields it uses."""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import select
import socket
import time
from dataclasses import dataclass

_LOGGER = logging.getLogger(__name__)

DLE, STX, ETX, ACK, NAK = 0x10, 0x02, 0x03, 0x06, 0x15


def _table() -> list[int]:
    table = []
    for index in range(256):
        value = index
        for _ in range(8):
            value = (value >> 1) ^ 0x8408 if value & 1 else value >> 1
        table.append(value)
    return table


_CRC_TABLE = _table()


def crc_kermit(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


class WireError(Exception):
    """Bytes from the ECR the simulator cannot read."""


class ClosedError(Exception):
    """The ECR side of the line is gone."""


@dataclass(frozen=True)
class Message:
    ccrc: int
    aprc: int
    data: bytes

    def raw(self) -> bytes:
        size = len(self.data)
        head = bytes([size]) if size < 255 else bytes([0xFF]) + size.to_bytes(2, "little")
        return bytes([self.ccrc, self.aprc]) + head + self.data


def parse_message(raw: bytes) -> Message:
    if len(raw) < 3:
        raise WireError("short APDU")
    offset, size = (5, int.from_bytes(raw[3:5], "little")) if raw[2] == 0xFF else (3, raw[2])
    if len(raw) != offset + size:
        raise WireError("APDU length mismatch")
    return Message(raw[0], raw[1], raw[offset:])


# ---- raw byte pipes -----------------------------------------------------------------------------------


class SocketPipe:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def read(self, size: int, timeout: float) -> bytes:
        self.sock.settimeout(max(timeout, 0.001))
        try:
            data = self.sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise ClosedError(str(exc)) from exc
        if not data:
            raise ClosedError("peer closed")
        return data

    def write(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise ClosedError(str(exc)) from exc

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


class FdPipe:
    """The master side of a pty."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, size: int, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return b""
        try:
            return os.read(self.fd, size)
        except OSError:  # EIO while no process holds the slave side
            time.sleep(min(timeout, 0.05))
            return b""

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self) -> None:
        """A pty cannot be unplugged; the ECR sees silence instead."""


# ---- links ------------------------------------------------------------------------------------------


class FramedLink:
    def __init__(self, pipe: SocketPipe | FdPipe) -> None:
        self.pipe = pipe
        self.pending: collections.deque[bytes] = collections.deque()
        self.buffer = bytearray()

    def _byte(self, timeout: float) -> int | None:
        if not self.buffer:
            self.buffer += self.pipe.read(512, timeout)
            if not self.buffer:
                return None
        return self.buffer.pop(0)

    def send(self, apdu: bytes) -> None:
        crc = crc_kermit(apdu + bytes([ETX]))
        body = apdu.replace(b"\x10", b"\x10\x10")
        frame = bytes([DLE, STX]) + body + bytes([DLE, ETX, crc & 0xFF, crc >> 8])
        for _ in range(4):
            self.pipe.write(frame)
            deadline = time.monotonic() + 2.0
            while (left := deadline - time.monotonic()) > 0:
                byte = self._byte(left)
                if byte == ACK:
                    return
                if byte == NAK:
                    break
                if byte == DLE:
                    got = self._frame_rest()
                    if got is not None:
                        self.pending.append(got)
        raise ClosedError("ECR does not ACK")

    def receive(self, timeout: float) -> bytes | None:
        if self.pending:
            return self.pending.popleft()
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            byte = self._byte(left)
            if byte is None:
                return None
            if byte == DLE:
                got = self._frame_rest()
                if got is not None:
                    return got
        return None

    def _frame_rest(self) -> bytes | None:
        if self._byte(1.0) != STX:
            return None
        body = bytearray()
        while True:
            byte = self._byte(1.0)
            if byte is None:
                self.pipe.write(bytes([NAK]))
                return None
            if byte == DLE:
                follower = self._byte(1.0)
                if follower == ETX:
                    break
                if follower != DLE:
                    self.pipe.write(bytes([NAK]))
                    return None
            body.append(byte)
        crc_bytes = bytes(b for b in (self._byte(1.0), self._byte(1.0)) if b is not None)
        if len(crc_bytes) != 2 or int.from_bytes(crc_bytes, "little") != crc_kermit(bytes(body) + b"\x03"):
            self.pipe.write(bytes([NAK]))
            return None
        self.pipe.write(bytes([ACK]))
        return bytes(body)


class BareLink:
    def __init__(self, pipe: SocketPipe | FdPipe) -> None:
        self.pipe = pipe
        self.buffer = bytearray()

    def send(self, apdu: bytes) -> None:
        self.pipe.write(apdu)

    def receive(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 3:
                size = self.buffer[2]
                head = 3
                if size == 0xFF and len(self.buffer) >= 5:
                    size, head = int.from_bytes(self.buffer[3:5], "little"), 5
                if size != 0xFF and len(self.buffer) >= head + size:
                    raw = bytes(self.buffer[: head + size])
                    del self.buffer[: head + size]
                    return raw
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.buffer += self.pipe.read(512, left)


# ---- fields -----------------------------------------------------------------------------------------


def bcd(value: int, size: int) -> bytes:
    return bytes.fromhex(str(value).zfill(size * 2))


def from_bcd(raw: bytes) -> int:
    return int(raw.hex())


def tlv(items: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for tag, value in items:
        out += tag.to_bytes(2 if tag > 0xFF else 1, "big")
        out += bytes([len(value)]) if len(value) < 0x80 else bytes([0x81, len(value)])
        out += value
    return bytes([0x06]) + _tlv_len(len(out)) + bytes(out)


def _tlv_len(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    if size < 0x100:
        return bytes([0x81, size])
    return bytes([0x82]) + size.to_bytes(2, "big")


FIXED_SIZES = {
    0x01: 1,
    0x02: 1,
    0x03: 1,
    0x04: 6,
    0x0B: 3,
    0x19: 1,
    0x27: 1,
    0x29: 4,
    0x49: 2,
    0x87: 2,
    0x8A: 1,
}


def read_request(data: bytes) -> tuple[dict[int, bytes], dict[int, bytes]]:
    """The BMPs and the TLV tags (BMP 06) of a request from the ECR."""
    fields: dict[int, bytes] = {}
    tags: dict[int, bytes] = {}
    offset = 0
    while offset < len(data):
        number = data[offset]
        offset += 1
        if number == 0x06:
            size = data[offset]
            offset += 1
            if size & 0x80:
                count = size & 0x7F
                size = int.from_bytes(data[offset : offset + count], "big")
                offset += count
            tags.update(_read_tags(data[offset : offset + size]))
        elif number in FIXED_SIZES:
            size = FIXED_SIZES[number]
            fields[number] = data[offset : offset + size]
        else:
            raise WireError(f"simulator does not know BMP {number:02X}")
        offset += size
    return fields, tags


def _read_tags(data: bytes) -> dict[int, bytes]:
    tags: dict[int, bytes] = {}
    offset = 0
    while offset < len(data):
        tag = data[offset]
        offset += 1
        if tag & 0x1F == 0x1F:
            tag = tag << 8 | data[offset]
            offset += 1
        size = data[offset]
        offset += 1
        if size & 0x80:
            count = size & 0x7F
            size = int.from_bytes(data[offset : offset + count], "big")
            offset += count
        tags[tag] = data[offset : offset + size]
        offset += size
    return tags
