"""Payload conversion: task and shared-data payloads are bytes on the wire."""
from __future__ import annotations

from typing import Any

from .errors import invalid


def as_bytes(field: str, value: Any) -> bytes:
    """``value`` as bytes: bytes-like objects as they are, ``str`` as UTF-8."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise invalid(field, f"must be bytes (or str, sent as UTF-8), got {type(value).__name__}")
