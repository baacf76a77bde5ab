"""gridqueue: a Python client and worker SDK for the gridqueue grid.

Client::

    import gridqueue
    with gridqueue.connect("localhost:1337") as grid, grid.session("echo", priority=7) as s:
        for i in range(1000):
            s.submit(f"payload-{i}".encode())
        for r in s.as_completed(timeout=60):
            print(r.id, r.payload if r.ok else r.error)

Worker (``python3 -m gridqueue.worker --grid localhost:1337 --module mymodule``)::

    @gridqueue.app("upper")
    def upper(payload: bytes, ctx: gridqueue.TaskContext) -> bytes:
        return payload.upper()
"""
from .app import TaskContext, app
from .client import Client, connect
from .command import CommandTask
from .errors import (FailedPrecondition, GridQueueError, InvalidArgument, NotFound, PermissionDenied, TaskFailed,
                     Unauthenticated, Unavailable, Unimplemented)
from .options import Resources
from .results import TaskResult
from .session import Session
from .shared import SharedData

__version__ = "0.1.0"

__all__ = [
    "Client", "CommandTask", "FailedPrecondition", "GridQueueError", "InvalidArgument", "NotFound", "PermissionDenied", "Resources",
    "Session", "SharedData", "TaskContext", "TaskFailed", "TaskResult", "Unauthenticated", "Unavailable",
    "Unimplemented", "app", "connect",
]
