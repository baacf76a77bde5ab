"""A session's task traffic: exactly-once delivery to the caller, acknowledgements, failover.

The rules are the Java client's (``TaskSession``):

* Every task sent is kept (with the shared-data level its batch named) until it ends, in
  ``unanswered``. A delivery whose task id is still there is handed to the caller and the task
  leaves; a delivery of an id no longer there is a repeat (a failover, a batch run twice) and is
  dropped and counted. Memory is proportional to the tasks in flight.
* Every delivery is acknowledged with its ``delivery_id`` once its results are in the inbox.
* When the task stream breaks on a transport failure, the session re-attaches to the next
  address with the ``sessionid`` header, backing off from 0 to 2 s, and sends again every task
  in ``unanswered``. After ``give_up_after`` seconds without a node it fails with UNAVAILABLE.

Threads: callers submit under ``_lock``; the attachment's reader threads hand results over
without it (``dict.pop`` is atomic, which is all exactly-once needs); re-attaching runs on a
timer thread under ``_lock``, so no submit interleaves with the tasks being sent again.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Dict, List, Optional, Tuple, Union

import grpc

from .. import errors
from ..results import TaskResult
from ..v1 import command_pb2, queue_pb2
from .attachment import Attachment, new_acks
from .endpoints import Endpoints

LOG = logging.getLogger("gridqueue.client")

_TRANSPORT_FAILURES = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.UNKNOWN,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.ABORTED,
    grpc.StatusCode.CANCELLED,  # cancelled by the other side (ours are ignored before this point)
}
#: Longest pause between two re-attach attempts, seconds.
MAX_BACKOFF = 2.0

#: A task as submitted: (id, payload, tag); a command task's payload is its ``command_pb2.Command``.
Task = Tuple[str, Union[bytes, command_pb2.Command], str]
#: A task as sent: (payload, tag, shared-data level), by id. Plain tuples, not Message objects:
#: a busy client sends hundreds of thousands per second and builds each message once, in its batch.
Sent = Tuple[Union[bytes, command_pb2.Command], str, Optional[int]]


class Failed:
    """Inbox marker: the session failed; its error is raised to whoever reads it."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class TaskStream:
    """Sends a session's task batches and collects how its tasks end, across grid nodes."""

    def __init__(self, endpoints: Endpoints, session_id: str, give_up_after: float, batch_size: int = 100) -> None:
        self.session_id = session_id
        self.batch_size = batch_size
        self.endpoints = endpoints
        self.give_up_after = give_up_after
        #: Lists of TaskResult (one list per delivery), or a Failed marker.
        self.inbox: "queue.SimpleQueue[object]" = queue.SimpleQueue()
        self.unanswered: Dict[str, Sent] = {}
        self.duplicates_dropped = 0
        self.failovers = 0
        self._acks = new_acks()
        self._lock = threading.Condition()
        self._counter_lock = threading.Lock()
        self._attachment: Optional[Attachment] = None
        self._reconnecting = False
        self._outage_started: Optional[float] = None
        self._attempt = 0
        self._last_error: Optional[BaseException] = None
        self._failure: Optional[BaseException] = None
        self._closed = False
        self._batch_no = 0
        self._timers: List[threading.Timer] = []

    def open(self) -> None:
        with self._lock:
            self._attachment = Attachment(self.endpoints.current(), self.session_id, self._acks, self, self.batch_size)
            self._attachment.open()

    # -- sending --------------------------------------------------------------------------------

    def send(self, tasks: List[Task], level: Optional[int]) -> None:
        """Sends one batch; blocks while the wire is busy or the session is re-attaching."""
        with self._lock:
            while self._reconnecting and not self._closed and self._failure is None:
                self._lock.wait(0.1)
            self._raise_if_unusable()
            unanswered = self.unanswered
            for task_id, payload, tag in tasks:
                unanswered[task_id] = (payload, tag, level)
            # A send that fails because the stream broke is not lost: its tasks are unanswered
            # and the re-attach sends them again.
            self._attachment.send(self._batch(tasks, level))  # type: ignore[union-attr]

    def _batch(self, tasks: List[Task], level: Optional[int]) -> queue_pb2.Batch:
        self._batch_no += 1
        batch = queue_pb2.Batch(id=str(self._batch_no), session_id=self.session_id)
        add = batch.messages.add
        for task_id, payload, tag in tasks:
            if isinstance(payload, command_pb2.Command):  # a command task: its Command, no payload
                add(id=task_id, command=payload, tag=tag)
            elif tag:
                add(id=task_id, payload=payload, tag=tag)
            else:
                add(id=task_id, payload=payload)
        if level is not None:
            batch.use_shared_data = True
            batch.required_shared_data_update_level = level
        return batch

    def _raise_if_unusable(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise errors.GridQueueError(grpc.StatusCode.CANCELLED, f"session {self.session_id} is closed")

    @property
    def failure(self) -> Optional[BaseException]:
        return self._failure

    # -- receiving (attachment reader threads) --------------------------------------------------

    def on_results(self, attachment: Attachment, batch: queue_pb2.Batch) -> None:
        ended = []
        pop = self.unanswered.pop
        for m in batch.messages:
            task_id = m.id
            sent = pop(task_id, None)
            if sent is not None:
                if type(sent[0]) is bytes:
                    # The hot path: plain results skip the result code and run info (reading them
                    # costs about as much as the result itself); command tasks need them.
                    ended.append(TaskResult(task_id, m.payload, m.error or None, m.attempts, False))
                else:
                    ended.append(_full(task_id, m.payload, m.error or None, False, m, batch))
        self._handed_over(attachment, batch, ended)

    def on_dead_letters(self, attachment: Attachment, batch: queue_pb2.Batch) -> None:
        ended = []
        pop = self.unanswered.pop
        for m in batch.messages:
            task_id = m.id
            if pop(task_id, None) is not None:
                ended.append(_full(task_id, b"", m.error or "dead letter", True, m, batch))
        self._handed_over(attachment, batch, ended)

    def _handed_over(self, attachment: Attachment, batch: queue_pb2.Batch, ended: List[TaskResult]) -> None:
        if ended:
            self.inbox.put(ended)
        repeats = len(batch.messages) - len(ended)
        if repeats:
            with self._counter_lock:
                self.duplicates_dropped += repeats
        if batch.delivery_id:
            self._acks.append(batch.delivery_id)
            attachment.nudge()

    # -- failover -------------------------------------------------------------------------------

    def on_broken(self, attachment: Attachment, error: BaseException) -> None:
        code = error.code() if isinstance(error, grpc.RpcError) else grpc.StatusCode.UNAVAILABLE
        with self._lock:
            if attachment is not self._attachment or self._closed or self._failure is not None:
                return
            if code not in _TRANSPORT_FAILURES:
                self._fail(errors.error_for(error) or error)
                return
            now = time.monotonic()
            if attachment.confirmed or self._outage_started is None:
                self._outage_started = now
                self._attempt = 0
            self._last_error = error
            self._reconnecting = True
            attachment.cancel()
            delay = 0.0 if self._attempt == 0 else min(MAX_BACKOFF, 0.1 * (2 ** min(self._attempt - 1, 5)))
            self._attempt += 1
            LOG.info("stream of session %s to %s broke (%s); re-attaching in %.1f s",
                     self.session_id, attachment.endpoint.address, code.name, delay)
            self._schedule(delay, self._reattach)
            self._lock.notify_all()

    def _schedule(self, delay: float, fn) -> None:
        t = threading.Timer(delay, fn)
        t.daemon = True
        t.name = f"gridqueue-reattach-{self.session_id}"
        t.start()

    def _reattach(self) -> None:
        with self._lock:
            if self._closed or self._failure is not None:
                return
            assert self._outage_started is not None
            if time.monotonic() - self._outage_started > self.give_up_after:
                self._fail(errors.Unavailable(
                    grpc.StatusCode.UNAVAILABLE,
                    f"gave up re-attaching session {self.session_id}: none of the {len(self.endpoints)} grid node "
                    f"addresses answered for {self.give_up_after:.0f} s; last error: {_describe(self._last_error)}"))
                return
            old = self._attachment
            assert old is not None
            att = Attachment(self.endpoints.advance(old.endpoint), self.session_id, self._acks, self, self.batch_size)
            self._attachment = att
            self.failovers += 1
            att.open()
            by_level: Dict[Optional[int], List[Task]] = {}
            for task_id, (payload, tag, level) in self.unanswered.copy().items():
                by_level.setdefault(level, []).append((task_id, payload, tag))
            resent = 0
            for level, tasks in by_level.items():
                for start in range(0, len(tasks), _RESEND_BATCH):
                    chunk = tasks[start:start + _RESEND_BATCH]
                    if not att.send(self._batch(chunk, level)):
                        return  # broke again: on_broken scheduled the next attempt
                    resent += len(chunk)
            self._reconnecting = False
            LOG.info("session %s re-attached to %s; sent %d tasks again", self.session_id, att.endpoint.address, resent)
            self._lock.notify_all()

    def _fail(self, error: BaseException) -> None:
        """Ends the session for the caller with ``error``. Holds ``_lock``."""
        if self._failure is not None:
            return
        self._failure = error
        self._reconnecting = False
        if self._attachment is not None:
            self._attachment.cancel()
        self.inbox.put(Failed(error))
        self._lock.notify_all()

    def close(self) -> None:
        """Ends the streams; unread results are dropped. The session itself is closed by the caller."""
        with self._lock:
            self._closed = True
            self._reconnecting = False
            if self._attachment is not None:
                self._attachment.cancel()
            self._lock.notify_all()


#: Tasks per batch when sending again after a failover.
_RESEND_BATCH = 100


def _describe(error: Optional[BaseException]) -> str:
    if isinstance(error, grpc.RpcError):
        return f"{error.code().name} {error.details()}"
    return repr(error)



def _full(task_id: str, payload: bytes, error: Optional[str], dead: bool, m: queue_pb2.Message,
          batch: queue_pb2.Batch) -> TaskResult:
    """A result with how its task ended: result code, command result, where and how long."""
    return TaskResult(task_id, payload, error, m.attempts, dead, m.result_code,
                      m.command_result if m.HasField("command_result") else None, _run(batch, m))


def _run(batch: queue_pb2.Batch, m: queue_pb2.Message) -> Optional[command_pb2.TaskRun]:
    """The result's run with what its batch's results share (worker, host, attempt) filled in."""
    if not batch.HasField("run"):
        return m.run if m.HasField("run") else None
    run = command_pb2.TaskRun()
    run.CopyFrom(batch.run)
    run.MergeFrom(m.run)
    return run
