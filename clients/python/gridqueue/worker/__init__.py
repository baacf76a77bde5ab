"""The gridqueue worker: serves ``@gridqueue.app`` handlers to a grid.

From the command line: ``python3 -m gridqueue.worker --grid host:port --module mymodule``
(``--help`` lists every option). From Python::

    with gridqueue.worker.Worker("localhost:1337", modules=["mymodule"], slots=2):
        ...  # serving until the block ends

The worker registers with a grid node over gRPC (the polyglot worker protocol), runs the task
batches the scheduler sends it, and registers again, with the next address, if that node dies.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from typing import Dict, Iterable, List, Optional, Sequence, Union

from ..app import Handler, registered_apps
from ..errors import invalid
from ..options import Resources, resources as check_resources, strings
from .._internal.credentials import Connection
from .._internal.endpoints import Endpoints
from .._internal.handlers import load_modules
from .._internal.runner import Runner
from .._internal.shared_cache import SharedDataCache
from .._internal.worker_protocol import Registration, WorkerProtocol
from ..v1 import queue_pb2

LOG = logging.getLogger("gridqueue.worker")

__all__ = ["Worker", "main"]


class Worker:
    """A worker serving apps to a grid; ``start()`` returns at once, ``stop()`` ends it gracefully."""

    def __init__(self, grid: Union[str, Sequence[str]], *, modules: Iterable[str] = (),
                 apps: Optional[Iterable[str]] = None, slots: Optional[int] = None,
                 processes: Optional[int] = None, tags: Iterable[str] = (),
                 resources: Union[Resources, Dict[str, int], None] = None, api_key: Optional[str] = None,
                 ca: Optional[str] = None) -> None:
        """
        ``grid``: address(es) of grid nodes, ``"host:port"`` (several: the worker moves to the
        next when one dies). ``modules``: modules to import (names or ``.py`` paths) that register
        handlers with ``@gridqueue.app``; apps registered before are served too. ``apps``: serve
        only these. ``slots``: batches run at once (default: CPU count). ``processes``: run
        handlers in that many child processes (0: one per slot; None: in threads). ``tags`` and
        ``resources`` are announced to the scheduler (resources default to one core per slot).
        ``api_key``: a worker key of the grid (default: ``GRIDQUEUE_API_KEY``); ``ca``: a PEM file
        to speak TLS trusting that CA.
        """
        self._modules = strings("modules", modules) if modules else []
        self._search_path = [os.getcwd()]
        load_modules(self._modules, self._search_path)
        available = registered_apps()
        if apps is None:
            chosen = available
        else:
            names = strings("apps", apps)
            unknown = [a for a in names if a not in available]
            if unknown:
                raise invalid("apps", f"names apps no module registered: {unknown}; registered: {sorted(available)}")
            chosen = {a: available[a] for a in names}
        if not chosen:
            raise invalid("apps", "no app to serve: register handlers with @gridqueue.app in a --module")
        self.apps: Dict[str, Handler] = chosen
        self.slots = slots if slots is not None else (os.cpu_count() or 1)
        if isinstance(self.slots, bool) or not isinstance(self.slots, int) or self.slots < 1:
            raise invalid("slots", f"must be an integer of at least 1, got {slots!r}")
        if processes is not None and (isinstance(processes, bool) or not isinstance(processes, int) or processes < 0):
            raise invalid("processes", f"must be an integer >= 0 (0: one per slot), got {processes!r}")
        self.processes = None if processes is None else (processes or self.slots)
        res = check_resources("resources", resources or Resources())
        self._registration = Registration(sorted(chosen), strings("tags", tags) if tags else [], self.slots,
                                          res.to_proto())
        self._endpoints = Endpoints([grid] if isinstance(grid, str) else list(grid),
                                    connection=Connection(api_key, ca))
        self._tmp: Optional[str] = None
        self._protocol: Optional[WorkerProtocol] = None

    @property
    def worker_id(self) -> str:
        """The id the grid node gave this worker ("" while not registered)."""
        return self._protocol.worker_id if self._protocol is not None else ""

    @property
    def shared_data_fetches(self) -> int:
        """Shared-data levels fetched from the grid so far."""
        return self._shared.fetches if self._protocol is not None else 0

    def start(self) -> "Worker":
        if self._protocol is not None:
            raise RuntimeError("the worker is already started")
        self._tmp = tempfile.mkdtemp(prefix="gridqueue-worker-") if self.processes else None
        self._shared = SharedDataCache(lambda: self._endpoints.current().cache, self._tmp)

        def runner(protocol: WorkerProtocol) -> Runner:
            return Runner(self.apps, self.slots, self._shared, lambda: protocol.worker_id, self.processes,
                          self._modules, self._search_path)

        self._protocol = WorkerProtocol(self._endpoints, self._registration, runner, self._app_of)
        mode = f"{self.processes} processes" if self.processes else "threads"
        LOG.info("gridqueue worker: apps %s, %d slots (%s), grid %s", sorted(self.apps), self.slots, mode,
                 ",".join(self._endpoints.addresses))
        self._protocol.start()
        return self

    def stop(self, grace: float = 10.0) -> bool:
        """Finishes running batches (up to ``grace`` seconds) and answers them; batches not
        started go back to the grid; then unregisters. True if every running batch finished."""
        if self._protocol is None:
            return True
        protocol, self._protocol = self._protocol, None
        try:
            return protocol.stop(grace)
        finally:
            self._endpoints.close()
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)

    def _app_of(self, session_id: str) -> str:
        """The app of a session, for a server whose BIND does not name it."""
        if len(self.apps) == 1:
            return next(iter(self.apps))
        try:
            stats = self._endpoints.call(lambda e: e.queue.GetStats(
                queue_pb2.StatsRequest(session_id=session_id), timeout=e.timeout))
            return next((s.app_id for s in stats.sessions if s.session_id == session_id), "")
        except Exception as e:  # the batches then fail with "does not serve app ''"
            LOG.warning("session %s: cannot learn its app: %s", session_id, e)
            return ""

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    """``python3 -m gridqueue.worker``: see ``--help``."""
    from .cli import main as cli_main
    return cli_main(argv)
