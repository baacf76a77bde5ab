"""How a task ended, as handed to the caller."""
from __future__ import annotations

from typing import NamedTuple, Optional

from .errors import TaskFailed


class TaskResult(NamedTuple):
    """One task's end: its output, its handler's error, or a dead letter.

    Every submitted task ends exactly once for the caller, as a result or as a dead letter
    (``dead_letter`` true: its handler failed, it ran past ``max_task_running_time``, it was lost
    with its worker more than ``max_retries`` times, or it was cancelled: ``error`` says which).
    A result may carry ``error`` too (e.g. its batch needed a shared-data level that had expired).
    A named tuple because a busy session creates hundreds of thousands of them per second.
    """

    id: str
    payload: bytes
    error: Optional[str]
    attempts: int
    dead_letter: bool = False

    @property
    def ok(self) -> bool:
        """Whether the task produced a result without error."""
        return self.error is None and not self.dead_letter

    @property
    def cancelled(self) -> bool:
        """Whether the task was cancelled before it started (a dead letter saying so)."""
        return self.dead_letter and (self.error or "").startswith("cancelled")

    def value(self) -> bytes:
        """The payload, or :class:`TaskFailed` if the task did not succeed."""
        if not self.ok:
            raise TaskFailed(self)
        return self.payload
