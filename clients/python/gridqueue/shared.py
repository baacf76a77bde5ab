"""A session's shared data (the contract's Cache service): payloads many tasks read.

Levels go 1, 2, 3...: ``set`` starts (or restarts) at a level, ``update`` adds the next one.
Earlier levels stay readable until their TTL ends, so tasks queued for level N still run after
N+1 is uploaded. Tasks name the level they read (``Session.use_shared_data``); a worker fetches
each level once.
"""
from __future__ import annotations

from typing import Optional

from . import errors
from .options import Seconds, duration, seconds
from .payloads import as_bytes
from ._internal.endpoints import Endpoints
from .v1 import queue_pb2


class SharedData:
    """Shared-data levels of one session. Calls answered UNAVAILABLE go to the next address,
    except ``update``: it is not idempotent (a retry after a lost answer would be refused as a
    level mismatch), so it fails and the caller decides."""

    def __init__(self, endpoints: Endpoints, session_id: str) -> None:
        self._endpoints = endpoints
        self.session_id = session_id

    def set(self, level: int, payload: bytes, ttl: Optional[Seconds] = None) -> None:
        """Stores ``payload`` as ``level`` and makes it the latest. ``ttl`` in seconds (None: the
        server's maximum, 600 s by default)."""
        request = self._request(level, payload, ttl)
        self._endpoints.call(lambda e: e.cache.SetSharedData(request, timeout=e.data_timeout))

    def update(self, level: int, payload: bytes, ttl: Optional[Seconds] = None) -> None:
        """Stores the next level: ``level`` must be the latest plus one (else FailedPrecondition)."""
        request = self._request(level, payload, ttl)
        self._endpoints.call(lambda e: e.cache.UpdateSharedData(request, timeout=e.data_timeout), retry=False)

    def get(self, level: Optional[int] = None) -> bytes:
        """The payload of ``level`` (the latest if None); NotFound if absent or expired."""
        request = queue_pb2.SharedData(session_id=self.session_id)
        if level is not None:
            request.update_level = _level(level)
        return self._endpoints.call(lambda e: e.cache.GetSharedData(request, timeout=e.data_timeout)).payload

    def latest_level(self) -> int:
        """The number of the latest level; NotFound if there is none."""
        request = queue_pb2.SharedData(session_id=self.session_id)
        return self._endpoints.call(lambda e: e.cache.GetSharedData(request, timeout=e.data_timeout)).update_level

    def delete(self) -> None:
        """Removes every level of the session."""
        request = queue_pb2.SharedData(session_id=self.session_id)
        self._endpoints.call(lambda e: e.cache.DeleteSharedData(request, timeout=e.data_timeout))

    def _request(self, level: int, payload: bytes, ttl: Optional[Seconds]) -> queue_pb2.SharedData:
        request = queue_pb2.SharedData(
            session_id=self.session_id, update_level=_level(level), payload=as_bytes("payload", payload))
        if ttl is not None:
            request.ttl.CopyFrom(duration(seconds("ttl", ttl)))
        return request


def _level(level: int) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level < 2**32:
        raise errors.invalid("level", f"must be an integer of at least 1, got {level!r}")
    return level
