"""A session: submit tasks, read how they ended, cancel them, share data with them."""
from __future__ import annotations

import collections
import itertools
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any, Deque, Dict, Iterable, Iterator, List, Optional, Sequence, Set

import grpc

from . import errors
from .command import COMMAND_APP, CommandTask
from .files import Files
from .payloads import as_bytes
from .results import TaskResult
from .shared import SharedData, _level
from .options import strings
from ._internal.endpoints import Endpoints
from ._internal.task_stream import Failed, Task, TaskStream
from .v1 import queue_pb2


class Session:
    """An open session of the grid. Use it as a context manager: leaving it closes the session.

    Tasks are sent in batches of ``batch_size``; reading results (``as_completed``, ``map``,
    iterating the session) sends a partial batch first, as does ``flush``. Every task submitted
    ends exactly once for the caller, as a result or as a dead letter (``TaskResult.dead_letter``),
    even when the grid ran it twice or the session failed over to another grid node.

    Submitting and reading may happen on different threads; each side expects one thread at a time.
    """

    def __init__(self, endpoints: Endpoints, created: queue_pb2.Session, batch_size: int, give_up_after: float) -> None:
        self._endpoints = endpoints
        self._proto = created
        self._batch_size = batch_size
        self._stream = TaskStream(endpoints, created.id, give_up_after, batch_size)
        self._stream.open()
        self._submit_lock = threading.RLock()
        self._take_lock = threading.RLock()
        self._pending: List[Task] = []
        self._pending_ids: Set[str] = set()
        self._level: Optional[int] = None
        self._ids = itertools.count(1)
        self._maps = itertools.count(1)
        # Tasks submitted, and tasks handed to the caller: each counter has one writer side
        # (submit under _submit_lock, reading under _take_lock), so the two sides may run on
        # different threads without a shared lock; their difference is what is still pending.
        self._submitted = 0
        self._handed = 0
        self._ready: Deque[TaskResult] = collections.deque()  # taken from the inbox, not yet handed out
        self._held: Deque[TaskResult] = collections.deque()  # set aside by map() for other readers
        self._closed = False
        self.shared_data = SharedData(endpoints, created.id)
        """The session's shared data: ``set``/``update``/``get``/``delete`` levels."""
        self.files = Files(endpoints, created.id)
        """The session's files (inputs and outputs of command tasks): ``upload``/``download``/``has``."""
        self._outputs: Dict[str, Dict[str, Path]] = {}  # task id -> output name -> where to write it

    # -- identity -------------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The server-assigned session id."""
        return self._proto.id

    @property
    def app(self) -> str:
        return self._proto.app.id

    @property
    def attributes(self) -> queue_pb2.SessionAttributes:
        """The attributes as the server stored them, every default filled in."""
        return self._proto.attributes

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pending(self) -> int:
        """Tasks submitted that have not yet been handed to the caller."""
        return self._submitted - self._handed

    @property
    def duplicates_dropped(self) -> int:
        """Deliveries of tasks that had already ended for the caller, dropped."""
        return self._stream.duplicates_dropped

    @property
    def failovers(self) -> int:
        """How many times the session re-attached after its stream broke."""
        return self._stream.failovers

    # -- submitting -----------------------------------------------------------------------------

    def submit(self, payload: Any, id: Optional[str] = None, tag: Optional[str] = None) -> str:
        """Queues one task and returns its id; a full batch is sent at once.

        ``id`` must be unique within the session (one is generated if None); ``tag`` is a label
        ``cancel(tags=...)`` can name. Blocks while the grid is not ready for more (flow control)
        or the session is re-attaching after a grid node was lost.
        """
        if isinstance(payload, CommandTask):
            return self._submit_command(payload, id, tag)
        return self._enqueue(as_bytes("payload", payload), id, tag)

    def _submit_command(self, task: CommandTask, id: Optional[str], tag: Optional[str]) -> str:
        """Uploads the task's local inputs the session does not hold yet, then queues it; its
        outputs are written when its result is handed over."""
        if self.app != COMMAND_APP:
            raise errors.invalid("task", f"a command task needs a session of app {COMMAND_APP!r}, "
                                 f"this one is of app {self.app!r}")
        hashes = {p: self.files.upload(p, field=f"input {str(p)!r}") for p in task.local_inputs()}
        wanted = {name: path for name, path in task.outputs.items() if path is not None}
        # Directories under their name with a '/' added: no file name ends so (the contract's rule).
        wanted.update({name + "/": path for name, path in task.output_directories.items() if path is not None})
        return self._enqueue(task.to_proto(hashes), id, tag if tag is not None else task.tag, wanted)

    def _enqueue(self, data: Any, id: Optional[str], tag: Optional[str],
                 outputs: Optional[Dict[str, Path]] = None) -> str:
        if tag is not None and not isinstance(tag, str):
            raise errors.invalid("tag", f"must be a string, got {type(tag).__name__}")
        with self._submit_lock:
            self._check_open()
            if id is None:
                id = f"task-{next(self._ids)}"
                while id in self._stream.unanswered or id in self._pending_ids:
                    id = f"task-{next(self._ids)}"
            elif not isinstance(id, str) or not id:
                raise errors.invalid("id", f"must be a non-empty string, got {id!r}")
            elif id in self._pending_ids or id in self._stream.unanswered:
                raise errors.invalid("id", f"{id!r} names a task of this session that has not ended yet")
            if outputs:
                self._outputs[id] = outputs
            self._pending.append((id, data, tag or ""))
            self._pending_ids.add(id)
            self._submitted += 1
            if len(self._pending) >= self._batch_size:
                self._send_pending()
            return id

    def flush(self) -> None:
        """Sends the tasks submitted since the last full batch."""
        with self._submit_lock:
            if self._pending:
                self._send_pending()

    def _send_pending(self) -> None:
        batch, self._pending = self._pending, []
        self._pending_ids.clear()
        self._stream.send(batch, self._level)

    def use_shared_data(self, level: Optional[int]) -> None:
        """Tasks submitted from now on read shared-data ``level`` (None: no shared data).

        The partial batch is sent first, so no batch mixes levels; tasks already submitted keep
        the level they were submitted with, even after later levels are uploaded.
        """
        if level is not None:
            level = _level(level)
        with self._submit_lock:
            self.flush()
            self._level = level

    # -- reading --------------------------------------------------------------------------------

    def as_completed(self, timeout: Optional[float] = None) -> Iterator[TaskResult]:
        """Yields every task submitted so far as it ends (results and dead letters), in the
        order they end; returns once none is left. ``timeout`` (seconds, for all of them):
        ``TimeoutError`` if some have not ended by then."""
        self.flush()
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._submitted > self._handed:
            yield self._take(deadline)

    def __iter__(self) -> Iterator[TaskResult]:
        """``for result in session`` is ``session.as_completed()``."""
        return self.as_completed()

    def next_result(self, timeout: Optional[float] = None) -> Optional[TaskResult]:
        """The next task to end, waiting up to ``timeout`` seconds (``TimeoutError`` after that);
        None if no submitted task is left to end."""
        self.flush()
        if self._submitted == self._handed:
            return None
        return self._take(None if timeout is None else time.monotonic() + timeout)

    def map(self, payloads: Iterable[Any], timeout: Optional[float] = None) -> Iterator[bytes]:
        """Runs one task per payload and yields their outputs in input order.

        A task that fails raises :class:`gridqueue.TaskFailed` (carrying its TaskResult) when its
        turn comes. ``timeout`` is for all of them, as in ``as_completed``. Results of other tasks
        of the session that arrive meanwhile are kept for ``as_completed``.
        """
        prefix = f"map-{next(self._maps)}-"
        ids = [self.submit(p, id=f"{prefix}{i}") for i, p in enumerate(payloads)]
        self.flush()
        deadline = None if timeout is None else time.monotonic() + timeout
        arrived: Dict[str, TaskResult] = {}
        for task_id in ids:
            while task_id not in arrived:
                r = self._take(deadline, hold_others_for=prefix)
                arrived[r.id] = r
            yield arrived.pop(task_id).value()

    def _take(self, deadline: Optional[float], hold_others_for: Optional[str] = None) -> TaskResult:
        """The next ended task; with ``hold_others_for``, results of other tasks are set aside."""
        with self._take_lock:
            while True:
                if hold_others_for is None and self._held:
                    r = self._held.popleft()
                elif self._ready:
                    r = self._ready.popleft()
                else:
                    self._fill(deadline)
                    continue
                if hold_others_for is not None and not r.id.startswith(hold_others_for):
                    self._held.append(r)
                    continue
                self._handed += 1
                if self._outputs:
                    self._write_outputs(r)
                return r

    def _write_outputs(self, r: TaskResult) -> None:
        """Writes the output files of a command task where it asked, from the result when inline,
        else from the session's file store."""
        wanted = self._outputs.pop(r.id, None)
        if not wanted or r.command is None:
            return
        for out in r.command.outputs:
            local = wanted.get(out.remote_name)
            if local is None:
                continue
            try:
                if out.inline:
                    local.parent.mkdir(parents=True, exist_ok=True)
                    local.write_bytes(out.content)
                else:
                    self.files.download(out.sha256, local)
            except OSError as e:
                raise OSError(f"cannot write output {out.remote_name!r} of task {r.id} to {local}: {e}") from e
        for d in r.command.output_directories:
            root = wanted.get(d.remote_name + "/")
            if root is not None:
                self._write_directory(r.id, d, root.absolute())

    def _write_directory(self, task_id: str, d: Any, root: Path) -> None:
        """Writes an output directory under ``root``; never outside it, whatever the result says."""
        def under(sandbox_path: str) -> Path:
            rel = "" if sandbox_path == d.remote_name else sandbox_path[len(d.remote_name) + 1:]
            target = Path(os.path.normpath(root / rel))
            if not (sandbox_path == d.remote_name or sandbox_path.startswith(d.remote_name + "/")) \
                    or not (target == root or root in target.parents):
                raise OSError(f"output {sandbox_path!r} of task {task_id} is not under {d.remote_name!r}")
            return target
        try:
            root.mkdir(parents=True, exist_ok=True)
            for empty in d.empty_directories:
                under(empty).mkdir(parents=True, exist_ok=True)
            for out in d.files:
                local = under(out.remote_name)
                if out.inline:
                    local.parent.mkdir(parents=True, exist_ok=True)
                    local.write_bytes(out.content)
                else:
                    self.files.download(out.sha256, local)
        except OSError as e:
            raise OSError(f"cannot write output directory {d.remote_name!r} of task {task_id} to {root}: {e}") from e

    def _fill(self, deadline: Optional[float]) -> None:
        """Moves the next delivery from the inbox into ``_ready``, waiting until ``deadline``."""
        inbox = self._stream.inbox
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise TimeoutError(f"{self.pending} task(s) of session {self.id} had not ended in time")
            try:
                # Wake up now and then: a failure reaches the inbox, but a closed session does not.
                item = inbox.get(timeout=1.0 if wait is None else min(wait, 1.0))
            except queue.Empty:
                if self._closed:
                    raise errors.GridQueueError(grpc.StatusCode.CANCELLED, f"session {self.id} is closed") from None
                continue
            if isinstance(item, Failed):
                inbox.put(item)  # every later reader sees the failure too
                raise item.error
            self._ready.extend(item)  # type: ignore[arg-type]
            return

    # -- control --------------------------------------------------------------------------------

    def cancel(self, ids: Optional[Iterable[str]] = None, tags: Optional[Iterable[str]] = None,
               all: bool = False) -> int:
        """Cancels tasks that have not started, by id, by tag, or all of them: they end as dead
        letters whose error starts with "cancelled". Running tasks finish. Tasks still in the
        unsent batch are sent first, so they can be cancelled too. Returns how many ids and tags
        the server accepted."""
        request = queue_pb2.CancelRequest(session_id=self.id, all=bool(all))
        if ids is not None:
            request.task_ids.extend(strings("ids", ids))
        if tags is not None:
            request.tags.extend(strings("tags", tags))
        if not (request.task_ids or request.tags or request.all):
            raise errors.invalid("cancel", "needs ids=, tags= or all=True")
        self.flush()
        return self._endpoints.call(lambda e: e.queue.CancelTasks(request, timeout=e.timeout)).accepted

    def stats(self) -> Optional[queue_pb2.SessionStats]:
        """The session's live figures (GetStats), or None if the server does not list it."""
        request = queue_pb2.StatsRequest(session_id=self.id)
        s = self._endpoints.call(lambda e: e.queue.GetStats(request, timeout=e.timeout))
        return next((x for x in s.sessions if x.session_id == self.id), None)

    def update(self, **changes: Any) -> queue_pb2.Session:
        """Changes this session's attributes while it runs (``Client.update_session``)."""
        from .options import update_request
        request = update_request(self.id, **changes)
        return self._endpoints.call(lambda e: e.queue.UpdateSession(request, timeout=e.timeout))

    def block_host(self, host: str) -> queue_pb2.Session:
        """Work Queue's ``blacklist(host)``: workers on ``host`` take no more of this session's
        batches (the one running finishes; unstarted ones go back to the queue)."""
        return self._change_hosts(block=[host])

    def unblock_host(self, host: str) -> queue_pb2.Session:
        """Work Queue's ``blacklist_clear(host)``: workers on ``host`` may serve it again."""
        return self._change_hosts(unblock=[host])

    def _change_hosts(self, block: Sequence[str] = (), unblock: Sequence[str] = ()) -> queue_pb2.Session:
        # Applied by the grid to the list as it holds it: clients blocking hosts at once all stick.
        for field, hosts in (("block_worker_hosts", block), ("unblock_worker_hosts", unblock)):
            for h in hosts:
                if not isinstance(h, str) or not h.strip():
                    raise errors.invalid(field, f"must hold non-empty host names, got {h!r}")
        request = queue_pb2.Session(id=self.id, block_worker_hosts=block, unblock_worker_hosts=unblock)
        request.update_mask.SetInParent()
        return self._endpoints.call(lambda e: e.queue.UpdateSession(request, timeout=e.timeout))

    def close(self) -> None:
        """Ends the streams and closes the session on the server (queued tasks and unread results
        are dropped). Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        self._stream.close()
        try:
            request = queue_pb2.Session(id=self.id)
            self._endpoints.call(lambda e: e.queue.CloseSession(request, timeout=e.timeout))
        except errors.NotFound:
            pass

    def _check_open(self) -> None:
        if self._closed:
            raise errors.GridQueueError(grpc.StatusCode.CANCELLED, f"session {self.id} is closed")
        failure = self._stream.failure
        if failure is not None:
            raise failure

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<gridqueue.Session {self.id} app={self.app!r} pending={self.pending}>"
