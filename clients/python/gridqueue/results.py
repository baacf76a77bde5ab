"""How a task ended, as handed to the caller."""
from __future__ import annotations

from typing import NamedTuple, Optional

from .errors import TaskFailed
from .v1 import command_pb2


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
    #: How the task ended, Work Queue's codes (``command_pb2.RESULT_SUCCESS``, ...); set on results
    #: of command tasks and on dead letters, 0 on plain results.
    result_code: int = 0
    #: A command task's exit code, stdout, stderr and output files (None for other tasks).
    command: Optional[command_pb2.CommandResult] = None
    #: Where and how long the task ran: worker id, host, attempt, start and end; on results of
    #: command tasks and on dead letters (plain results leave it None: the fast path).
    run: Optional[command_pb2.TaskRun] = None

    @property
    def ok(self) -> bool:
        """Whether the task produced a result without error."""
        return self.error is None and not self.dead_letter

    @property
    def cancelled(self) -> bool:
        """Whether the task was cancelled before it started (a dead letter saying so)."""
        return self.dead_letter and (self.error or "").startswith("cancelled")

    @property
    def result_name(self) -> str:
        """The result code's name, e.g. ``"RESULT_SUCCESS"``, ``"RESULT_OUTPUT_MISSING"``."""
        return command_pb2.ResultCode.Name(self.result_code)

    @property
    def exit_code(self) -> Optional[int]:
        """A command's exit code (None for other tasks, or a command ended by a signal)."""
        if self.command is None or self.command.signal:
            return None
        return self.command.exit_code

    @property
    def stdout(self) -> bytes:
        """A command's standard output (its first 1 MiB)."""
        return self.command.stdout if self.command is not None else b""

    @property
    def stderr(self) -> bytes:
        """A command's standard error (its first 1 MiB)."""
        return self.command.stderr if self.command is not None else b""

    def value(self) -> bytes:
        """The payload, or :class:`TaskFailed` if the task did not succeed."""
        if not self.ok:
            raise TaskFailed(self)
        return self.payload
