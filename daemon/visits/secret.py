"""The reception-QR MAC secret: read from a file, or generated there on first start (32 bytes, 0600)."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from frontyard.reception import MIN_SECRET_BYTES

_LOGGER = logging.getLogger(__name__)
SECRET_BYTES = 32


class SecretFileError(Exception):
    """The secret file exists but cannot be used (too short, or readable by others)."""


def load_or_create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    secret = secrets.token_bytes(SECRET_BYTES)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret)
    _LOGGER.info("generated a new reception secret", extra={"path": str(path)})
    return secret


def _read_secret(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretFileError(f"{path}: the reception secret must not be readable by others (chmod 600)")
    secret = path.read_bytes()
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretFileError(f"{path}: the reception secret needs at least {MIN_SECRET_BYTES} bytes")
    return secret
