"""One attachment of a session to a grid node: its task stream and its dead-letter stream.

The task stream (``ClientStream``) is a bidirectional call named by the ``sessionid`` header, so
the same code serves the first attachment and every re-attachment after a failover: the server
sends again, on the new stream, whatever was not acknowledged on the old one. gRPC's sync API
consumes the request iterator on a thread of its own; the iterator here reads an outbox and
attaches waiting acknowledgements to the next task batch, or sends them alone after at most
``ACK_DELAY`` seconds, so acknowledging costs no messages while tasks are flowing.
"""
from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from typing import Deque, Iterator, Optional, Protocol

import grpc

from ..v1 import queue_pb2
from .endpoints import Endpoint

LOG = logging.getLogger("gridqueue.client")

#: Acknowledgements wait at most this long for a task batch to ride on (as the Java client).
ACK_DELAY = 0.005
#: Tasks queued for the wire per attachment, about; a full outbox blocks submit (back-pressure
#: on top of gRPC's own). Counted in batches: OUTBOX_TASKS // batch size, 8 to 1024 batches.
OUTBOX_TASKS = 100_000
OUTBOX_MAX_BATCHES = 1024
#: How often a blocked sender or the idle request iterator looks whether the stream ended.
POLL = 0.1
#: A stream that stayed up this long counts as a node that answered, even if it sent nothing.
CONFIRM_AFTER = 5.0

_NUDGE = object()


class Listener(Protocol):
    """What an attachment reports to its session; called on the attachment's reader threads."""

    def on_results(self, attachment: "Attachment", batch: queue_pb2.Batch) -> None: ...

    def on_dead_letters(self, attachment: "Attachment", batch: queue_pb2.Batch) -> None: ...

    def on_broken(self, attachment: "Attachment", error: BaseException) -> None: ...


class Attachment:
    """The session's two streams on one grid node. Opened once, never reused after it breaks."""

    def __init__(self, endpoint: Endpoint, session_id: str, acks: Deque[str], listener: Listener,
                 batch_size: int = 100) -> None:
        self.endpoint = endpoint
        self.session_id = session_id
        self.broken = False  # set (lock-free) before the listener hears of it, so senders stop waiting
        self.closed = False  # cancelled by the session
        self.confirmed = False  # the node answered: an outage, if any, is over
        self._acks = acks
        self._listener = listener
        self._outbox: "queue.Queue[object]" = queue.Queue(
            maxsize=max(8, min(OUTBOX_MAX_BATCHES, OUTBOX_TASKS // max(1, batch_size))))
        # Whether the request iterator knows acknowledgements are waiting (it then sends them by
        # itself within ACK_DELAY): only the first delivery of each window wakes it up.
        self._ack_armed = False
        self._opened_at = 0.0
        self._results: Optional[grpc.RpcContext] = None
        self._dead_letters: Optional[grpc.RpcContext] = None

    def open(self) -> None:
        self._opened_at = time.monotonic()
        self._results = self.endpoint.queue.ClientStream(
            self._requests(), metadata=(("sessionid", self.session_id),))
        self._dead_letters = self.endpoint.queue.ClientStreamDeadLetters(queue_pb2.Session(id=self.session_id))
        for target, name in ((self._read_results, "results"), (self._read_dead_letters, "dead-letters")):
            threading.Thread(target=target, name=f"gridqueue-{name}-{self.session_id}", daemon=True).start()

    def send(self, batch: queue_pb2.Batch) -> bool:
        """Queues a batch for the wire, waiting while the outbox is full; False if the stream ended."""
        while not (self.broken or self.closed):
            try:
                self._outbox.put(batch, timeout=POLL)
                return True
            except queue.Full:
                continue
        return False

    def nudge(self) -> None:
        """Acknowledgements are waiting: make sure they leave within ACK_DELAY."""
        if not self._ack_armed:
            self._ack_armed = True
            try:
                self._outbox.put_nowait(_NUDGE)
            except queue.Full:
                pass  # task batches are queued: the acks ride on the next one

    def cancel(self) -> None:
        """Ends both streams (the session is closing or moving to another node)."""
        self.closed = True
        for call in (self._results, self._dead_letters):
            if call is not None:
                call.cancel()

    # -- request side (runs on gRPC's request-consumer thread) ----------------------------------

    def _requests(self) -> Iterator[queue_pb2.Batch]:
        ack_due: Optional[float] = None
        while not (self.closed or self.broken):
            wait = POLL if ack_due is None else max(0.0, ack_due - time.monotonic())
            try:
                item = self._outbox.get(timeout=wait)
            except queue.Empty:
                item = None
            if self.closed or self.broken:
                return
            if item is _NUDGE:
                if ack_due is None:
                    ack_due = time.monotonic() + ACK_DELAY
            elif item is None:
                if self._acks and ack_due is None:
                    ack_due = time.monotonic() + ACK_DELAY
                elif ack_due is not None and time.monotonic() >= ack_due:
                    ack_due = None
                    self._ack_armed = False  # before taking them: a later delivery arms again
                    if self._acks:
                        yield self._with_acks(queue_pb2.Batch(session_id=self.session_id))
            else:
                ack_due = None
                self._ack_armed = False
                yield self._with_acks(item)  # type: ignore[arg-type]

    def _with_acks(self, batch: queue_pb2.Batch) -> queue_pb2.Batch:
        acks = self._acks
        if acks:
            ids = []
            while acks:
                try:
                    ids.append(acks.popleft())
                except IndexError:
                    break
            batch.ack_delivery_ids.extend(ids)
        return batch

    # -- response side (one reader thread per stream) -------------------------------------------

    def _read_results(self) -> None:
        try:
            for batch in self._results:  # type: ignore[union-attr]
                self.confirmed = True
                self._listener.on_results(self, batch)
        except grpc.RpcError as e:
            self._broke(e)
            return
        except Exception as e:  # a bug in the listener must not hang the session
            LOG.exception("session %s: handling results failed", self.session_id)
            self._broke(e)
            return
        # The server completes the task stream only after a half-close, which this client never
        # sends: a completion means the node is going away. Treated as a break (re-attach).
        self._broke(_StreamEnded(f"the task stream of session {self.session_id} was completed by the server"))

    def _read_dead_letters(self) -> None:
        try:
            for batch in self._dead_letters:  # type: ignore[union-attr]
                self.confirmed = True
                self._listener.on_dead_letters(self, batch)
        except grpc.RpcError as e:
            if self.closed:
                return
            if e.code() == grpc.StatusCode.UNAVAILABLE:
                self._broke(e)  # the node is gone: the task stream goes with it
            elif e.code() != grpc.StatusCode.CANCELLED:
                LOG.debug("dead-letter stream of session %s ended: %s %s", self.session_id, e.code(), e.details())
        except Exception as e:
            LOG.exception("session %s: handling dead letters failed", self.session_id)
            self._broke(e)

    def _broke(self, error: BaseException) -> None:
        if self.closed or self.broken:
            return
        self.broken = True
        if time.monotonic() - self._opened_at >= CONFIRM_AFTER:
            self.confirmed = True
        self._listener.on_broken(self, error)


class _StreamEnded(Exception):
    """The server completed a stream the client expected to stay open."""


def new_acks() -> Deque[str]:
    """The acknowledgement queue a session shares with its attachments (thread-safe appends/pops)."""
    return collections.deque()
