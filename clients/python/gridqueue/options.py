"""Session options: keyword arguments checked here, turned into the contract's SessionAttributes.

The checks mirror the server's documented limits so a typo fails at once, with a message naming
the field, instead of after a round trip; the server still validates everything and is the
authority (a limit changed there is reported by it as INVALID_ARGUMENT).
"""
from __future__ import annotations

import datetime
import math
from typing import Any, Iterable, List, Mapping, NamedTuple, Optional, Union

from google.protobuf import duration_pb2

from .errors import invalid
from .v1 import queue_pb2

Seconds = Union[int, float, datetime.timedelta]

#: Tasks per batch on the wire unless the session says otherwise.
DEFAULT_BATCH_SIZE = 100
MAX_BATCH_SIZE = 100_000


class Resources(NamedTuple):
    """What a batch needs or a worker offers (Work Queue's names; memory and disk in MB)."""

    cores: int = 0
    memory_mb: int = 0
    disk_mb: int = 0
    gpus: int = 0

    def to_proto(self) -> queue_pb2.Resources:
        return queue_pb2.Resources(cores=self.cores, memory_mb=self.memory_mb, disk_mb=self.disk_mb, gpus=self.gpus)


def session_request(
    app: str,
    *,
    priority: Optional[int] = None,
    client_id: Optional[str] = None,
    min_workers: Optional[int] = None,
    max_workers: Optional[int] = None,
    idle_timeout: Optional[Seconds] = None,
    preemptible: Optional[bool] = None,
    cleanup_on_client_exit: Optional[bool] = None,
    max_inflight_batches_per_worker: Optional[int] = None,
    tags: Optional[Iterable[str]] = None,
    max_retries: Optional[int] = None,
    task_resources: Union[Resources, Mapping[str, int], None] = None,
    categories: Optional[Mapping[str, Union[Resources, Mapping[str, int]]]] = None,
    max_task_running_time: Optional[Seconds] = None,
    fast_abort_multiplier: Optional[float] = None,
    blocked_worker_hosts: Optional[Iterable[str]] = None,
) -> queue_pb2.Session:
    """The CreateSession request for ``app`` with the given attributes (None: server default)."""
    if not isinstance(app, str) or not app.strip():
        raise invalid("app", f"must be a non-empty app id, got {app!r}")
    a = queue_pb2.SessionAttributes()
    if priority is not None:
        a.priority = _int("priority", priority, 0, 10)
    if client_id is not None:
        a.client_id = _str("client_id", client_id)
    lo = _int("min_workers", min_workers, 0, 2**32 - 1) if min_workers is not None else 0
    hi = _int("max_workers", max_workers, 0, 2**32 - 1) if max_workers is not None else 0
    if hi and lo > hi:
        raise invalid("max_workers", f"must be >= min_workers ({lo}) when set, got {hi}")
    a.min_workers, a.max_workers = lo, hi
    if idle_timeout is not None:
        a.idle_timeout.CopyFrom(_duration("idle_timeout", idle_timeout))
    if preemptible is not None:
        a.preemptible = _bool("preemptible", preemptible)
    if cleanup_on_client_exit is not None:
        a.cleanup_on_client_exit = _bool("cleanup_on_client_exit", cleanup_on_client_exit)
    if max_inflight_batches_per_worker is not None:
        a.max_inflight_batches_per_worker = _int(
            "max_inflight_batches_per_worker", max_inflight_batches_per_worker, 1, 1000)
    if tags is not None:
        a.tags.extend(strings("tags", tags))
    if max_retries is not None:
        a.max_retries = _int("max_retries", max_retries, 0, 100)
    if task_resources is not None:
        a.task_resources.CopyFrom(resources("task_resources", task_resources).to_proto())
    if categories is not None:
        if not isinstance(categories, Mapping):
            raise invalid("categories", f"must map category names to resources, got {type(categories).__name__}")
        for name, need in categories.items():
            _str("categories", name)
            a.categories[name].CopyFrom(resources(f"categories[{name!r}]", need).to_proto())
    if max_task_running_time is not None:
        a.max_task_running_time.CopyFrom(_duration("max_task_running_time", max_task_running_time, positive=True))
    if fast_abort_multiplier is not None:
        if isinstance(fast_abort_multiplier, bool) or not isinstance(fast_abort_multiplier, (int, float)) \
                or math.isnan(fast_abort_multiplier) or (fast_abort_multiplier != 0 and fast_abort_multiplier < 1):
            raise invalid("fast_abort_multiplier", f"must be 0 (off) or at least 1, got {fast_abort_multiplier!r}")
        a.fast_abort_multiplier = float(fast_abort_multiplier)
    if blocked_worker_hosts is not None:
        a.blocked_worker_hosts.extend(strings("blocked_worker_hosts", blocked_worker_hosts))
    return queue_pb2.Session(app=queue_pb2.App(id=app), attributes=a)


#: The attributes UpdateSession may change (the rest are fixed when the session is created).
UPDATABLE = ("priority", "min_workers", "max_workers", "preemptible", "tags",
             "max_inflight_batches_per_worker", "idle_timeout", "blocked_worker_hosts")


def update_request(session_id: str, **changes: Any) -> queue_pb2.Session:
    """The UpdateSession request changing exactly ``changes`` (its ``update_mask`` names them):
    an attribute not given stays as it is; ``tags=[]`` or ``blocked_worker_hosts=[]`` clears it.
    Values are checked as ``session_request`` checks them; min_workers > max_workers against the
    session's current values is the server's to refuse."""
    if not isinstance(session_id, str) or not session_id:
        raise invalid("session_id", f"must be a non-empty string, got {session_id!r}")
    for name in changes:
        if name not in UPDATABLE:
            raise invalid(name, f"cannot be changed by UpdateSession; updatable: {', '.join(UPDATABLE)}")
    if any(v is None for v in changes.values()):
        raise invalid(next(k for k, v in changes.items() if v is None), "must not be None")
    checked = session_request("-", **changes).attributes
    a = queue_pb2.SessionAttributes()
    for name in changes:
        field = a.DESCRIPTOR.fields_by_name[name]
        if field.label == field.LABEL_REPEATED:
            getattr(a, name).extend(getattr(checked, name))
        elif field.message_type is not None:
            getattr(a, name).CopyFrom(getattr(checked, name))
        else:
            setattr(a, name, getattr(checked, name))
    request = queue_pb2.Session(id=session_id, attributes=a)
    request.update_mask.paths.extend(changes)
    return request


def batch_size(value: Any) -> int:
    """Tasks per batch on the wire (a client-side setting)."""
    return _int("batch_size", value, 1, MAX_BATCH_SIZE)


def resources(field: str, value: Union[Resources, Mapping[str, int]]) -> Resources:
    """A Resources from a Resources or a dict with some of its field names."""
    if isinstance(value, Resources):
        r = value
    elif isinstance(value, Mapping):
        unknown = set(value) - set(Resources._fields)
        if unknown:
            raise invalid(field, f"has unknown keys {sorted(unknown)}; known: {list(Resources._fields)}")
        r = Resources(**value)
    else:
        raise invalid(field, f"must be gridqueue.Resources or a dict, got {type(value).__name__}")
    for name, v in zip(Resources._fields, r):
        _int(f"{field}.{name}", v, 0, 2**63 - 1)
    return r


def strings(field: str, values: Iterable[str]) -> List[str]:
    """A list of non-empty strings; a lone string counts as one item (not as its characters)."""
    if isinstance(values, str):
        values = [values]
    try:
        out = list(values)
    except TypeError:
        raise invalid(field, f"must be a list of strings, got {type(values).__name__}") from None
    for v in out:
        if not isinstance(v, str) or not v:
            raise invalid(field, f"must hold non-empty strings, got {v!r}")
    return out


def seconds(field: str, value: Seconds) -> float:
    """Seconds as a float from a number or a timedelta; negative is refused."""
    if isinstance(value, datetime.timedelta):
        s = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        s = float(value)
    else:
        raise invalid(field, f"must be seconds (a number) or a timedelta, got {type(value).__name__}")
    if math.isnan(s) or s < 0 or math.isinf(s):
        raise invalid(field, f"must be a finite number of seconds >= 0, got {value!r}")
    return s


def duration(s: float) -> duration_pb2.Duration:
    whole = int(s)
    return duration_pb2.Duration(seconds=whole, nanos=int(round((s - whole) * 1e9)))


def _duration(field: str, value: Seconds, positive: bool = False) -> duration_pb2.Duration:
    s = seconds(field, value)
    if positive and s == 0:
        raise invalid(field, "must be more than 0 seconds")
    return duration(s)


def _int(field: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field, f"must be an integer, got {value!r}")
    if not lo <= value <= hi:
        raise invalid(field, f"must be between {lo} and {hi}, got {value}")
    return value


def _bool(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid(field, f"must be True or False, got {value!r}")
    return value


def _str(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise invalid(field, f"must be a non-empty string, got {value!r}")
    return value
