"""Grid node addresses, their channels, and unary calls that move on when a node is gone."""
from __future__ import annotations

import threading
from typing import Callable, List, Optional, Sequence, TypeVar

import grpc

from .. import errors
from .credentials import Connection
from ..v1 import cache_pb2_grpc, files_pb2_grpc, queue_pb2_grpc

T = TypeVar("T")

#: Shared-data payloads up to the server's default 256 MiB, plus framing (as the Java client).
MAX_MESSAGE_BYTES = (256 + 16) << 20

CHANNEL_OPTIONS = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    # No client keepalive pings: the server keeps grpc-java's default (pings at most every
    # 5 min), and a client pinging more often is cut off with GOAWAY "too_many_pings".
)


def parse_addresses(addresses: Sequence[str]) -> List[str]:
    """``host:port`` strings; each argument may also hold several separated by commas."""
    out: List[str] = []
    for a in addresses:
        if not isinstance(a, str):
            raise errors.invalid("address", f"must be a 'host:port' string, got {a!r}")
        for part in a.split(","):
            part = part.strip()
            if not part:
                continue
            host, sep, port = part.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise errors.invalid("address", f"must be 'host:port', got {part!r}")
            out.append(part)
    if not out:
        raise errors.invalid("address", "at least one grid node address ('host:port') is needed")
    return out


class Endpoint:
    """One grid node: its channel, its stubs, and the deadline of its unary calls.

    ``timeout`` (seconds) bounds control calls (sessions, stats, cancel), so a node that accepts
    connections but never answers cannot hang the caller; shared-data calls move up to 256 MiB
    and get ``data_timeout`` (None: no deadline).
    """

    def __init__(self, address: str, timeout: Optional[float] = 60.0, data_timeout: Optional[float] = None,
                 connection: Optional[Connection] = None) -> None:
        self.address = address
        self.timeout = timeout
        self.data_timeout = data_timeout
        self.channel = (connection or Connection()).channel(address, CHANNEL_OPTIONS)
        self.queue = queue_pb2_grpc.QueueStub(self.channel)
        self.cache = cache_pb2_grpc.CacheStub(self.channel)
        self.files = files_pb2_grpc.FilesStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __repr__(self) -> str:
        return f"Endpoint({self.address})"


class Endpoints:
    """The grid nodes a client may talk to, and which one it talks to now.

    Every session and unary call goes to the current node; a failure moves everyone on to the
    next one, so sessions and calls of one client converge on a node that answers.
    """

    def __init__(self, addresses: Sequence[str], timeout: Optional[float] = 60.0,
                 data_timeout: Optional[float] = None, connection: Optional[Connection] = None) -> None:
        connection = connection or Connection()
        self._all = [Endpoint(a, timeout, data_timeout, connection) for a in parse_addresses(addresses)]
        self._at = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._all)

    @property
    def addresses(self) -> List[str]:
        return [e.address for e in self._all]

    def current(self) -> Endpoint:
        with self._lock:
            return self._all[self._at % len(self._all)]

    def advance(self, failed: Endpoint) -> Endpoint:
        """Moves on from ``failed`` to the next node, unless someone already did; returns the current one."""
        with self._lock:
            if self._all[self._at % len(self._all)] is failed:
                self._at += 1
            return self._all[self._at % len(self._all)]

    def call(self, rpc: Callable[[Endpoint], T], retry: bool = True) -> T:
        """Runs a unary call on the current node; on UNAVAILABLE tries the next (if ``retry``).

        ``retry`` is False for calls that must not run twice (a shared-data ``update`` whose answer
        was lost would be refused as a level mismatch on the retry).
        """
        last: grpc.RpcError = None  # type: ignore[assignment]
        for _ in range(len(self._all) if retry else 1):
            e = self.current()
            try:
                return rpc(e)
            except grpc.RpcError as ex:
                if ex.code() != grpc.StatusCode.UNAVAILABLE:
                    raise errors.GridQueueError.from_rpc_error(ex) from None
                last = ex
                self.advance(e)
        raise errors.GridQueueError.from_rpc_error(last) from None

    def close(self) -> None:
        for e in self._all:
            e.close()
