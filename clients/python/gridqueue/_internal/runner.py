"""Runs batches on the worker's slots: in threads, or in child processes (``--processes``).

``slots`` threads take batches in arrival order. In threads mode a slot runs the handler itself
(right for I/O-bound handlers and for numpy, which releases the GIL). In processes mode a slot
hands the batch to a pool of child processes started with ``spawn`` (never ``fork``: the parent
runs gRPC threads), so CPU-bound pure-Python handlers use every core. Each child imports the
handler modules once, at start.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..app import Handler, SharedView, registered_apps
from .handlers import Outcome, Task, describe, load_modules, run_tasks
from .shared_cache import SharedDataCache, SharedDataMissing, file_levels

LOG = logging.getLogger("gridqueue.worker")


class Job:
    """One task batch to run, and where its outcome goes."""

    __slots__ = ("session_id", "app_id", "tasks", "level", "uses_shared", "wanted", "done")

    def __init__(self, session_id: str, app_id: str, tasks: List[Task], uses_shared: bool, level: Optional[int],
                 wanted: Callable[[], bool], done: Callable[[Optional[List[Outcome]]], None]) -> None:
        self.session_id = session_id
        self.app_id = app_id
        self.tasks = tasks
        self.uses_shared = uses_shared
        self.level = level
        self.wanted = wanted  # False once nobody can receive the answer (the stream ended)
        self.done = done  # called with the outcomes, or None when skipped


class Runner:
    """The worker's slots."""

    def __init__(self, apps: Dict[str, Handler], slots: int, shared: SharedDataCache, worker_id: Callable[[], str],
                 processes: Optional[int] = None, modules: Sequence[str] = (), search_path: Sequence[str] = ()) -> None:
        self._apps = apps
        self._shared = shared
        self._worker_id = worker_id
        self._threads = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="gridqueue-slot")
        self._processes = processes
        self._modules = list(modules)
        self._search_path = list(search_path)
        self._pool: Optional[ProcessPoolExecutor] = None
        self._pool_lock = threading.Lock()
        self._lock = threading.Lock()
        self._running = 0
        self._idle = threading.Condition(self._lock)
        if processes:
            self._pool = self._new_pool()

    @property
    def running(self) -> int:
        """Batches started and not yet finished."""
        return self._running

    def submit(self, job: Job) -> None:
        self._threads.submit(self._run, job)

    def await_idle(self, timeout: float) -> bool:
        """Waits until no batch is running; False if some still were after ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout)

    def shutdown(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: Job) -> None:
        with self._lock:
            self._running += 1  # before asking wanted(): await_idle must not miss a batch starting
        try:
            if not job.wanted():
                job.done(None)
                return
            job.done(self._outcomes(job))
        except Exception as e:  # a bug here must not lose the batch silently
            LOG.exception("batch of session %s failed", job.session_id)
            job.done([(t[0], None, f"worker error: {describe(e)}") for t in job.tasks])
        finally:
            with self._lock:
                self._running -= 1
                self._idle.notify_all()

    def _outcomes(self, job: Job) -> List[Outcome]:
        handler = self._apps.get(job.app_id)
        if handler is None:
            return _all_failed(job, f"this worker does not serve app {job.app_id!r} (it serves {sorted(self._apps)})")
        level_and_value: Optional[Tuple[int, object]] = None
        if job.uses_shared:
            try:
                level_and_value = self._shared.get(job.session_id, job.level)
            except SharedDataMissing as e:
                return _all_failed(job, str(e))
        worker_id = self._worker_id()
        if self._pool is None:
            view = None
            if level_and_value is not None:
                level, data = level_and_value
                view = SharedView(job.session_id, level, lambda: data)  # type: ignore[return-value]
            return run_tasks(handler, job.tasks, job.session_id, job.app_id, worker_id, view)
        try:
            future: Future = self._submit_to_pool(job, worker_id, level_and_value)
            return future.result()
        except BrokenProcessPool as e:
            LOG.error("a worker process died running a batch of session %s: %s; starting new ones", job.session_id, e)
            with self._pool_lock:
                self._pool = self._new_pool()
            return _all_failed(job, "the worker process running this task died (BrokenProcessPool)")

    def _submit_to_pool(self, job: Job, worker_id: str, level_and_value: Optional[Tuple[int, object]]) -> Future:
        with self._pool_lock:
            assert self._pool is not None
            return self._pool.submit(_run_in_child, job.app_id, job.tasks, job.session_id, worker_id, level_and_value)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=_child_init, initargs=(self._modules, self._search_path))


def _all_failed(job: Job, error: str) -> List[Outcome]:
    return [(task_id, None, error) for task_id, _, _ in job.tasks]


def _child_init(modules: Sequence[str], search_path: Sequence[str]) -> None:
    """Runs once in every child process: the parent handles Ctrl+C and SIGTERM (a graceful stop
    lets running batches finish); children only import the handler modules."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    load_modules(modules, search_path)


def _run_in_child(app_id: str, tasks: List[Task], session_id: str, worker_id: str,
                  level_and_value: Optional[Tuple[int, object]]) -> List[Outcome]:
    handler = registered_apps().get(app_id)
    if handler is None:
        return [(t[0], None, f"app {app_id!r} is not registered in worker process {os.getpid()}") for t in tasks]
    view = None
    if level_and_value is not None:
        level, path = level_and_value
        view = SharedView(session_id, level, lambda: file_levels.read(path))  # type: ignore[arg-type]
    return run_tasks(handler, tasks, session_id, app_id, worker_id, view)
