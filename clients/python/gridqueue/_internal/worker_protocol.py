"""The polyglot worker protocol (ALPCRUN.CH's ``WorkerUpdate`` + ``WorkerStream``), hidden.

* ``Link``: one ``WorkerUpdate`` call. The server's id for the worker comes in the ``workerid``
  response header; the first ``WorkerState`` registers the worker (apps, tags, slots,
  resources); ``Instruction``s BIND and UNBIND follow. Ending the call unregisters the worker;
  losing it (the server died) does too, and the batches the worker held run again elsewhere.
* ``Lane``: the worker's traffic for one session: a ``WorkerStream`` opened on BIND with the
  ``sessionid`` and ``workerid`` headers; one result batch (same ``id``) per task batch. After
  UNBIND the server completes the stream once every batch on it is answered.
* ``WorkerProtocol``: registers, follows instructions, and registers again (on the next
  address) after a server loss, until stopped.

The two calls are not ordered with respect to each other: a WorkerStream often completes before
the UNBIND that caused it is read. A stream completed while its session still looks bound is
therefore reopened only if the session is still bound ``REOPEN_DELAY`` later; one that stays
open ``UNBIND_CLOSE`` after an UNBIND with nothing left to answer is ended by the worker.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable, Dict, Iterator, List, Optional

import grpc

from ..v1 import queue_pb2
from .endpoints import Endpoint, Endpoints
from .handlers import Outcome
from .runner import Job, Runner

LOG = logging.getLogger("gridqueue.worker")

#: How long registration waits for the ``workerid`` header before going ahead without the id
#: (a server answers its first call slowly while its JVM warms up).
HEADER_WAIT = 5.0
#: A WorkerStream completed while its session still looks bound is reopened after this long.
REOPEN_DELAY = 0.3
#: After UNBIND, a stream with nothing left to answer is ended by the worker after this long.
UNBIND_CLOSE = 3.0
#: Registering again after a lost server: first pause, longest pause (seconds).
RECONNECT_FIRST, RECONNECT_MAX = 0.5, 10.0
#: A link that stayed up this long resets the reconnect back-off.
STABLE_AFTER = 10.0
POLL = 0.25

_END = object()


class Registration:
    """What the worker announces."""

    def __init__(self, apps: List[str], tags: List[str], slots: int, resources: queue_pb2.Resources) -> None:
        self.apps = apps
        self.tags = tags
        self.slots = slots
        self.resources = resources


class WorkerStreamCall:
    """One WorkerStream call: task batches in, result batches out."""

    def __init__(self, lane: "Lane", endpoint: Endpoint, worker_id: str) -> None:
        self.lane = lane
        self.ended = False
        self.outstanding = 0  # batches received and not yet answered (guarded by the protocol lock)
        self._outbox: "queue.Queue[object]" = queue.Queue()
        self._call = endpoint.queue.WorkerStream(
            self._requests(), metadata=(("sessionid", lane.session_id), ("workerid", worker_id)))
        threading.Thread(target=self._read, name=f"gridqueue-stream-{lane.session_id}", daemon=True).start()

    def answer(self, batch: queue_pb2.Batch) -> None:
        self._outbox.put(batch)

    def finish(self) -> None:
        """Half-closes after the answers already queued: the server then completes the call."""
        self._outbox.put(_END)

    def cancel(self) -> None:
        self.ended = True
        self._call.cancel()

    def _requests(self) -> Iterator[queue_pb2.Batch]:
        while not self.ended:
            try:
                item = self._outbox.get(timeout=POLL)
            except queue.Empty:
                continue
            if item is _END:
                return
            yield item  # type: ignore[misc]

    def _read(self) -> None:
        code, details = grpc.StatusCode.OK, ""
        try:
            for batch in self._call:
                self.lane.on_batch(self, batch)
        except grpc.RpcError as e:
            code, details = e.code(), e.details() or ""
        except Exception as e:  # never leave the lane thinking its stream is alive
            LOG.exception("session %s: reading the WorkerStream failed", self.lane.session_id)
            code, details = grpc.StatusCode.INTERNAL, repr(e)
        self.ended = True
        self.lane.on_stream_end(self, code, details)


class Lane:
    """The worker's traffic for one session. Every method runs under the protocol's lock."""

    def __init__(self, protocol: "WorkerProtocol", session_id: str, app_id: str) -> None:
        self.protocol = protocol
        self.session_id = session_id
        self.app_id = app_id
        self.bound = False
        self.stream: Optional[WorkerStreamCall] = None
        self.failures = 0
        self.batches = 0
        self.tasks = 0
        self.failed = 0
        self._timer: Optional[threading.Timer] = None

    def bind(self, app_id: str) -> None:
        if app_id:
            self.app_id = app_id
        self.bound = True
        self._cancel_timer()
        # A BIND while the previous stream still drains keeps it: the server sends on it.
        if self.stream is None:
            self._open()

    def unbind(self) -> None:
        self.bound = False
        if self.stream is None:
            self._finished()
        else:
            self._arm_unbind_close()

    def _open(self) -> None:
        link = self.protocol.link
        if link is None:
            return
        self.stream = WorkerStreamCall(self, link.endpoint, link.worker_id)

    def on_batch(self, stream: WorkerStreamCall, batch: queue_pb2.Batch) -> None:
        with self.protocol.lock:
            if stream is not self.stream or self.protocol.stopping:
                return  # not started: the server runs it again once this stream or worker is gone
            stream.outstanding += 1
        tasks = [(m.id, m.payload, m.tag) for m in batch.messages]
        level = batch.required_shared_data_update_level if batch.HasField("required_shared_data_update_level") else None
        uses_shared = batch.use_shared_data

        def wanted() -> bool:
            return stream is self.stream and not stream.ended and not self.protocol.stopping

        def done(outcomes: Optional[List[Outcome]]) -> None:
            self._answered(stream, batch, outcomes)

        self.protocol.runner.submit(Job(self.session_id, self.app_id, tasks, uses_shared, level, wanted, done))

    def _answered(self, stream: WorkerStreamCall, batch: queue_pb2.Batch, outcomes: Optional[List[Outcome]]) -> None:
        with self.protocol.lock:
            if stream is not self.stream or stream.ended:
                return  # the stream ended: the server runs the batch again
            if outcomes is not None:
                result = queue_pb2.Batch(id=batch.id, session_id=batch.session_id)
                failed = 0
                for task_id, output, error in outcomes:
                    if error is None:
                        result.messages.add(id=task_id, payload=output)
                    else:
                        result.messages.add(id=task_id, error=error)
                        failed += 1
                stream.answer(result)
                self.batches += 1
                self.tasks += len(outcomes)
                self.failed += failed
            stream.outstanding -= 1
            if not self.bound:
                self._arm_unbind_close()

    def on_stream_end(self, stream: WorkerStreamCall, code: grpc.StatusCode, details: str) -> None:
        with self.protocol.lock:
            if stream is not self.stream:
                return
            self.stream = None
            self._cancel_timer()
            if code == grpc.StatusCode.OK:
                self.failures = 0
            elif not self.protocol.stopping and self.protocol.link is not None:
                self.failures += 1
                LOG.warning("session %s: WorkerStream ended with %s: %s", self.session_id, code.name, details)
            if self.bound and not self.protocol.stopping and self.protocol.link is not None:
                # Still bound: either the UNBIND that caused this has not been read yet (the two
                # calls are not ordered), or a new BIND came while the stream was completing.
                delay = REOPEN_DELAY if self.failures == 0 else min(5.0, 0.5 * self.failures)
                self._start_timer(delay, self._reopen_if_bound)
            else:
                self._finished()

    def _reopen_if_bound(self) -> None:
        with self.protocol.lock:
            if self.stream is not None:
                return
            if self.bound and not self.protocol.stopping and self.protocol.link is not None:
                self._open()
            else:
                self._finished()

    def _arm_unbind_close(self) -> None:
        stream = self.stream
        if stream is None or self.bound or stream.outstanding > 0 or self._timer is not None:
            return

        def close_if_idle() -> None:
            with self.protocol.lock:
                self._timer = None
                if self.stream is stream and not self.bound and stream.outstanding == 0:
                    LOG.debug("session %s: WorkerStream still open %.0f s after UNBIND; ending it",
                              self.session_id, UNBIND_CLOSE)
                    stream.finish()

        self._start_timer(UNBIND_CLOSE, close_if_idle)

    def _start_timer(self, delay: float, fn: Callable[[], None]) -> None:
        self._cancel_timer()
        self._timer = threading.Timer(delay, fn)
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _finished(self) -> None:
        if self.bound or self.stream is not None:
            return
        if self.protocol.lanes.get(self.session_id) is self:
            del self.protocol.lanes[self.session_id]
            LOG.info("session %s done here: %d batches, %d tasks (%d failed)",
                     self.session_id, self.batches, self.tasks, self.failed)

    def drop(self) -> None:
        """The worker lost its registration: nothing of this lane can be answered any more."""
        self._cancel_timer()
        self.bound = False
        if self.stream is not None:
            self.stream.cancel()
            self.stream = None


class Link:
    """One WorkerUpdate call: registration and instructions."""

    def __init__(self, protocol: "WorkerProtocol", endpoint: Endpoint) -> None:
        self.protocol = protocol
        self.endpoint = endpoint
        self.worker_id = ""
        self.started = time.monotonic()
        self._header = threading.Event()
        self._outbox: "queue.Queue[object]" = queue.Queue()
        self._closed = False
        self._call = endpoint.queue.WorkerUpdate(self._requests())

    def run(self) -> Optional[grpc.RpcError]:
        """Reads instructions until the call ends; the error that ended it, or None."""
        try:
            for key, value in self._call.initial_metadata() or ():
                if key == "workerid":
                    self.worker_id = value
            if self._header.is_set():  # registered without it: say which worker this is now
                LOG.info("worker id %s (workerid header)", self.worker_id)
            self._header.set()
            for instruction in self._call:
                self.protocol.on_instruction(self, instruction)
        except grpc.RpcError as e:
            return e
        finally:
            self._header.set()
        return None

    def close(self) -> None:
        """Half-closes: the server unregisters the worker and completes the call."""
        self._closed = True
        self._outbox.put(_END)

    def cancel(self) -> None:
        self._closed = True
        self._call.cancel()

    def _requests(self) -> Iterator[queue_pb2.WorkerState]:
        # The server sends the header at once; an older one sent it only with the first
        # instruction, which needs the registration first: wait a little, then go ahead.
        if not self._header.wait(HEADER_WAIT):
            LOG.info("no workerid header after %.0f s; registering without it", HEADER_WAIT)
        r = self.protocol.registration
        yield queue_pb2.WorkerState(worker_id=self.worker_id, status=queue_pb2.WorkerState.IDLE,
                                    resources=r.resources, app_ids=r.apps, tags=r.tags, slots=r.slots)
        LOG.info("registered%s with %s: apps %s, tags %s, slots %d", f" as {self.worker_id}" if self.worker_id else "",
                 self.endpoint.address, r.apps, r.tags, r.slots)
        # The server reads only the first WorkerState; the call stays open until closed.
        while not self._closed:
            try:
                if self._outbox.get(timeout=POLL) is _END:
                    return
            except queue.Empty:
                continue


class WorkerProtocol:
    """Keeps the worker registered with one of the grid's nodes and serves what it is bound to."""

    def __init__(self, endpoints: Endpoints, registration: Registration, runner_factory: Callable[["WorkerProtocol"], Runner],
                 app_of: Callable[[str], str]) -> None:
        self.endpoints = endpoints
        self.registration = registration
        self.lock = threading.RLock()
        self.lanes: Dict[str, Lane] = {}
        self.link: Optional[Link] = None
        self.stopping = False  # no new batches are started; those not started go back to the grid
        self.app_of = app_of
        self.runner = runner_factory(self)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    @property
    def worker_id(self) -> str:
        link = self.link
        return link.worker_id if link is not None else ""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gridqueue-worker-link", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        delay = RECONNECT_FIRST
        while not self._stop.is_set():
            endpoint = self.endpoints.current()
            with self.lock:
                link = Link(self, endpoint)
                self.link = link
            error = link.run()
            with self.lock:
                self.link = None
                lanes = list(self.lanes.values())
                self.lanes.clear()
                for lane in lanes:
                    lane.drop()
            if self._stop.is_set():
                break
            if time.monotonic() - link.started >= STABLE_AFTER:
                delay = RECONNECT_FIRST
            why = f"{error.code().name}: {error.details()}" if error is not None else "completed by the server"
            nxt = self.endpoints.advance(endpoint)
            LOG.warning("WorkerUpdate to %s ended (%s); %d session(s) dropped, their batches run again elsewhere; "
                        "registering again with %s in %.1f s", endpoint.address, why, len(lanes), nxt.address, delay)
            self._stop.wait(delay)
            delay = min(RECONNECT_MAX, delay * 2)

    def on_instruction(self, link: Link, instruction: queue_pb2.Instruction) -> None:
        session_id = instruction.session_id
        app_id = instruction.app_id
        if instruction.type == queue_pb2.Instruction.BIND and not app_id:
            app_id = self.app_of(session_id)  # a server that does not name the app on BIND
        with self.lock:
            if link is not self.link or self.stopping:
                return
            if instruction.type == queue_pb2.Instruction.BIND:
                lane = self.lanes.get(session_id)
                if lane is None:
                    lane = self.lanes[session_id] = Lane(self, session_id, app_id)
                LOG.info("BIND %s (app %s)", session_id, app_id)
                lane.bind(app_id)
            elif instruction.type == queue_pb2.Instruction.UNBIND:
                lane = self.lanes.get(session_id)
                LOG.info("UNBIND %s%s", session_id,
                         f" ({lane.stream.outstanding} batches to answer)" if lane and lane.stream else "")
                if lane is not None:
                    lane.unbind()
            else:
                LOG.warning("unknown instruction %s; ignored", instruction)

    def stop(self, grace: float) -> bool:
        """Stops gracefully: running batches finish (up to ``grace`` seconds) and are answered,
        batches not started go back to the grid, then the worker unregisters. True if every
        running batch finished in time."""
        with self.lock:
            self.stopping = True
        finished = self.runner.await_idle(grace)
        with self.lock:
            streams = [lane.stream for lane in self.lanes.values() if lane.stream is not None]
            for s in streams:
                s.finish()  # after the answers already queued
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and any(not s.ended for s in streams):
            time.sleep(0.02)
        self._stop.set()
        link = self.link
        if link is not None:
            link.close()
        if self._thread is not None:
            self._thread.join(2.0)
            if self._thread.is_alive() and link is not None:
                link.cancel()
                self._thread.join(1.0)
        with self.lock:
            for lane in list(self.lanes.values()):
                lane.drop()
            self.lanes.clear()
        self.runner.shutdown()
        return finished
