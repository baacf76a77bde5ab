"""Exceptions of the gridqueue client.

Every failed gRPC call surfaces as a :class:`GridQueueError` carrying the server's status code
and message, so callers can branch on ``err.code`` without importing gRPC's exception types.
Subclasses exist for the codes callers typically handle differently; the invalid-argument one is
also a ``ValueError``, because client-side option checks raise it before any call is made.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Type

import grpc

if TYPE_CHECKING:  # pragma: no cover
    from .results import TaskResult


class GridQueueError(Exception):
    """A call to the grid failed. ``code`` is a :class:`grpc.StatusCode`, ``details`` its message."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details

    @staticmethod
    def from_rpc_error(error: grpc.RpcError) -> "GridQueueError":
        """The exception for a failed gRPC call (its status code and details)."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        details = error.details() if hasattr(error, "details") else str(error)
        return of(code or grpc.StatusCode.UNKNOWN, details or "")


class InvalidArgument(GridQueueError, ValueError):
    """INVALID_ARGUMENT: a field is missing or out of range (the message names it)."""


class NotFound(GridQueueError):
    """NOT_FOUND: an unknown or closed session, or a shared-data level that is absent or expired."""


class FailedPrecondition(GridQueueError):
    """FAILED_PRECONDITION: e.g. a shared-data update whose level is not the latest plus one."""


class Unavailable(GridQueueError):
    """UNAVAILABLE: no grid node answered (after trying every address given to ``connect``)."""


class Unimplemented(GridQueueError):
    """UNIMPLEMENTED: an RPC of a later release."""


class Unauthenticated(GridQueueError):
    """The grid needs an API key and the call carried none, or one it does not know."""


class PermissionDenied(GridQueueError):
    """The key may not make this call (another key's session, or the wrong role)."""


_BY_CODE: Dict[grpc.StatusCode, Type[GridQueueError]] = {
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
}


def of(code: grpc.StatusCode, details: str) -> GridQueueError:
    """The most specific exception class for ``code``."""
    return _BY_CODE.get(code, GridQueueError)(code, details)


def invalid(field: str, message: str) -> InvalidArgument:
    """A client-side check failed: the message names the field, as the server's would."""
    return InvalidArgument(grpc.StatusCode.INVALID_ARGUMENT, f"{field} {message}")


class TaskFailed(Exception):
    """A task ended without a result payload (its handler failed, or it was dead-lettered).

    Raised by :meth:`gridqueue.Session.map` and :meth:`gridqueue.TaskResult.value`; task
    failures are data in the wire contract, never RPC errors, so this is not a GridQueueError.
    """

    def __init__(self, result: "TaskResult") -> None:
        kind = "dead letter" if result.dead_letter else "failed"
        super().__init__(f"task {result.id} {kind} after {result.attempts} attempt(s): {result.error}")
        self.result = result


def error_for(error: Optional[BaseException]) -> Optional[BaseException]:
    """``error`` as the client raises it: gRPC errors become GridQueueError, others stay."""
    if isinstance(error, grpc.RpcError):
        return GridQueueError.from_rpc_error(error)
    return error
