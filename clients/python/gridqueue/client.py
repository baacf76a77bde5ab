"""The client of a grid: sessions, live figures, and the connections behind them."""
from __future__ import annotations

from typing import Any, List, Optional

from . import errors
from .options import DEFAULT_BATCH_SIZE, batch_size as check_batch_size, seconds, session_request, update_request
from .session import Session
from .shared import SharedData
from ._internal.credentials import Connection
from ._internal.endpoints import Endpoints
from .v1 import queue_pb2

#: How long a session keeps trying addresses after its stream broke, by default (seconds).
DEFAULT_GIVE_UP_AFTER = 60.0
#: Deadline of control calls by default (seconds).
DEFAULT_CALL_TIMEOUT = 60.0


def connect(*addresses: str, give_up_after: float = DEFAULT_GIVE_UP_AFTER,
            call_timeout: Optional[float] = DEFAULT_CALL_TIMEOUT, api_key: Optional[str] = None,
            ca: Optional[str] = None) -> "Client":
    """A client of the grid nodes at ``addresses`` (``"host:port"``; one argument may also list
    several, comma separated). Given several nodes of one grid, sessions fail over between them:
    calls answered UNAVAILABLE go to the next address, and a session whose stream breaks
    re-attaches elsewhere by itself, giving up after ``give_up_after`` seconds without a node.
    ``call_timeout`` is the deadline of control calls (sessions, stats, cancel; None: none);
    shared-data calls, which may move 256 MiB, have none.

    ``api_key`` is sent as ``api_key`` metadata on every call (default: the environment variable
    ``GRIDQUEUE_API_KEY``, if set); ``ca`` (a PEM file) makes the connection TLS, trusting the
    server certificates that CA signed.

    Connecting is lazy: an unreachable address shows up at the first call. Use the client as a
    context manager, or call ``close()``.
    """
    return Client(list(addresses), give_up_after=give_up_after, call_timeout=call_timeout,
                  api_key=api_key, ca=ca)


class Client:
    """A thin client of a gridqueue grid: it only speaks gRPC and never joins the grid."""

    def __init__(self, addresses: List[str], *, give_up_after: float = DEFAULT_GIVE_UP_AFTER,
                 call_timeout: Optional[float] = DEFAULT_CALL_TIMEOUT, api_key: Optional[str] = None,
                 ca: Optional[str] = None) -> None:
        self._give_up_after = seconds("give_up_after", give_up_after)
        timeout = None if call_timeout is None else seconds("call_timeout", call_timeout)
        self._endpoints = Endpoints(addresses, timeout=timeout, connection=Connection(api_key, ca))
        self._sessions: List[Session] = []

    @property
    def addresses(self) -> List[str]:
        return self._endpoints.addresses

    def session(self, app: str, *, batch_size: int = DEFAULT_BATCH_SIZE, **attributes: Any) -> Session:
        """Creates a session of ``app`` and opens its streams.

        ``batch_size`` (client side) is the number of tasks per batch on the wire. Every other
        keyword is a session attribute of the contract (``SessionAttributes``), None meaning the
        server's default: ``priority`` (0-10), ``client_id``, ``min_workers``, ``max_workers``,
        ``idle_timeout`` (seconds or timedelta), ``preemptible``, ``cleanup_on_client_exit``,
        ``max_inflight_batches_per_worker`` (1-1000), ``tags``, ``max_retries`` (0-100),
        ``task_resources`` (:class:`gridqueue.Resources` or a dict), ``categories`` (name to
        resources), ``max_task_running_time`` (seconds), ``fast_abort_multiplier`` (0 or >= 1),
        ``blocked_worker_hosts``. Bad values raise :class:`gridqueue.InvalidArgument` naming the
        field, before any call; an unknown keyword raises TypeError.
        """
        request = session_request(app, **attributes)
        size = check_batch_size(batch_size)
        created = self._endpoints.call(lambda e: e.queue.CreateSession(request, timeout=e.timeout))
        session = Session(self._endpoints, created, size, self._give_up_after)
        self._sessions = [s for s in self._sessions if not s.closed]
        self._sessions.append(session)
        return session

    def stats(self, session_id: Optional[str] = None) -> queue_pb2.Stats:
        """Live figures of the grid (GetStats): workers, tasks waiting/running/done/failed, one
        entry per session (only ``session_id``'s if given) and per worker."""
        request = queue_pb2.StatsRequest(session_id=session_id or "")
        return self._endpoints.call(lambda e: e.queue.GetStats(request, timeout=e.timeout))

    def shared_data(self, session_id: str) -> SharedData:
        """The shared data of any session, by id (``Session.shared_data`` for one's own)."""
        if not isinstance(session_id, str) or not session_id:
            raise errors.invalid("session_id", f"must be a non-empty string, got {session_id!r}")
        return SharedData(self._endpoints, session_id)

    def update_session(self, session_id: str, **changes: Any) -> queue_pb2.Session:
        """Changes a running session's attributes (UpdateSession) and returns the session as it now
        is. Only the keywords given change: ``priority``, ``min_workers``, ``max_workers``,
        ``preemptible``, ``tags``, ``max_inflight_batches_per_worker``, ``idle_timeout``,
        ``blocked_worker_hosts`` (``tags=[]`` clears). No keyword reads the session unchanged.
        Refused with :class:`gridqueue.InvalidArgument` naming the field (nothing changes), or
        ``NotFound`` for a closed session."""
        request = update_request(session_id, **changes)
        return self._endpoints.call(lambda e: e.queue.UpdateSession(request, timeout=e.timeout))

    def close_session(self, session_id: str) -> None:
        """Closes a session by id: its queued tasks and undelivered results are dropped."""
        request = queue_pb2.Session(id=session_id)
        self._endpoints.call(lambda e: e.queue.CloseSession(request, timeout=e.timeout))

    def close(self) -> None:
        """Closes the sessions this client opened and its connections."""
        for s in self._sessions:
            try:
                s.close()
            except errors.GridQueueError:
                pass  # the grid may be gone already; the channels close anyway
        self._sessions.clear()
        self._endpoints.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<gridqueue.Client {','.join(self.addresses)}>"
