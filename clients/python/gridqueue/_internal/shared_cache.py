"""Worker-side shared data: each level crosses the network once per worker.

Batches name the level they read; the first batch of a level fetches it (``GetSharedData``),
every later one, on any slot, reuses it. In threads mode the bytes are kept in memory; with
child processes they are written once to a file in the worker's temporary directory, which each
process reads (and keeps) when a task first asks, so a level is fetched once per worker however
many processes use it. A few recent levels are kept; older ones are dropped first.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Callable, Dict, Optional, Tuple

import grpc

from ..v1 import cache_pb2_grpc, queue_pb2

LOG = logging.getLogger("gridqueue.worker")

Key = Tuple[str, int]


class SharedDataMissing(Exception):
    """The level is absent or expired (the server's NOT_FOUND message), or could not be read."""


class SharedDataCache:
    """Levels fetched by this worker. ``directory`` set: levels are kept as files there."""

    def __init__(self, cache_stub: Callable[[], cache_pb2_grpc.CacheStub], directory: Optional[str] = None,
                 capacity: int = 4) -> None:
        self._stub = cache_stub
        self._directory = directory
        self._capacity = capacity
        self._entries: "OrderedDict[Key, object]" = OrderedDict()  # bytes, or a file path
        self._fetching: Dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self, session_id: str, level: Optional[int]) -> Tuple[int, object]:
        """(level, bytes or file path) of ``level`` (None: the latest, asked every time)."""
        if level is None:
            return self._fetch(session_id, None)
        key = (session_id, level)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return level, self._entries[key]
            gate = self._fetching.setdefault(key, threading.Lock())
        with gate:  # one fetch per level, however many slots ask at once
            with self._lock:
                if key in self._entries:
                    return level, self._entries[key]
            got_level, value = self._fetch(session_id, level)
            with self._lock:
                self._fetching.pop(key, None)
            return got_level, value

    def _fetch(self, session_id: str, level: Optional[int]) -> Tuple[int, object]:
        request = queue_pb2.SharedData(session_id=session_id)
        if level is not None:
            request.update_level = level
        started = time.monotonic()
        try:
            reply = self._stub().GetSharedData(request, timeout=300)
        except grpc.RpcError as e:
            raise SharedDataMissing(e.details() or e.code().name) from None
        self.fetches += 1
        got = reply.update_level
        LOG.info("fetched shared data of session %s level %d: %d bytes in %.0f ms",
                 session_id, got, len(reply.payload), (time.monotonic() - started) * 1000)
        value: object = reply.payload
        if self._directory is not None:
            path = os.path.join(self._directory, f"shared-{session_id}-{got}.bin")
            with open(path + ".tmp", "wb") as f:
                f.write(reply.payload)
            os.replace(path + ".tmp", path)
            value = path
        with self._lock:
            self._entries[(session_id, got)] = value
            while len(self._entries) > self._capacity:
                _, old = self._entries.popitem(last=False)
                if isinstance(old, str):
                    _remove(old)
        return got, value


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


class _FileLevels:
    """In a child process: shared-data files read once each, a few kept."""

    def __init__(self, capacity: int = 4) -> None:
        self._capacity = capacity
        self._items: "OrderedDict[str, bytes]" = OrderedDict()
        self._lock = threading.Lock()

    def read(self, path: str) -> bytes:
        with self._lock:
            if path in self._items:
                self._items.move_to_end(path)
                return self._items[path]
        with open(path, "rb") as f:
            data = f.read()
        with self._lock:
            self._items[path] = data
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return data


file_levels = _FileLevels()
