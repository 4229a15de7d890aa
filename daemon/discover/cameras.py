"""V4L2 cameras from sysfs (``/sys/class/video4linux``) and their capture formats (``VIDIOC_ENUM_FMT``).

UVC cameras expose a second node for metadata; a node whose device exists but lists no capture format
is skipped. Without access to the node, the camera is still listed, with the formats unknown.
"""

from __future__ import annotations

import errno
import fcntl
import os
import struct
from pathlib import Path

from drivers.base import DeviceKind

from .model import DEFAULT_ROOTS, Found, SystemRoots

# struct v4l2_fmtdesc: index, type, flags, description[32], pixelformat, mbus_code, reserved[3]
_FMTDESC = struct.Struct("=III32sII3I")
VIDIOC_ENUM_FMT = (3 << 30) | (_FMTDESC.size << 16) | (ord("V") << 8) | 2
BUF_TYPE_VIDEO_CAPTURE = 1


def fourcc(value: int) -> str:
    return value.to_bytes(4, "little").decode("ascii", errors="replace").strip()


def list_formats(node: Path) -> list[str] | None:
    """The node's capture pixel formats (``MJPG``, ``YUYV`` …); None when the node cannot be opened."""
    try:
        fd = os.open(node, os.O_RDWR | os.O_NONBLOCK)
    except OSError:
        return None
    formats: list[str] = []
    try:
        for index in range(64):
            request = bytearray(_FMTDESC.pack(index, BUF_TYPE_VIDEO_CAPTURE, 0, b"", 0, 0, 0, 0, 0))
            try:
                fcntl.ioctl(fd, VIDIOC_ENUM_FMT, request)
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOTTY):
                    return None
                break
            formats.append(fourcc(_FMTDESC.unpack(request)[4]))
    finally:
        os.close(fd)
    return formats


def find_cameras(roots: SystemRoots = DEFAULT_ROOTS) -> list[Found]:
    found = []
    for entry in sorted((roots.sys / "class/video4linux").glob("video*")):
        node = roots.dev / entry.name
        formats = list_formats(node)
        if formats == []:
            continue  # a metadata node
        try:
            name = (entry / "name").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            name = entry.name
        shown = ", ".join(formats) if formats else "formats unknown (no access to the node)"
        found.append(
            Found(
                kind=DeviceKind.CAMERA,
                driver="camera",
                uri=f"v4l2://{node}?width=1920&height=1080",
                label=name,
                detail=f"{node}: {shown}",
                confidence=2 if formats and "MJPG" in formats else 1,
            )
        )
    return found
