"""Worker-side apps: ``@gridqueue.app("name")`` registers a handler, ``TaskContext`` is what it gets.

A handler is ``fn(payload: bytes, ctx: TaskContext) -> bytes`` (``str`` is sent as UTF-8, None as
empty). Raising fails that task only: it ends as a dead letter carrying the exception's type and
message. Handlers are registered when their module is imported, which is what ``python3 -m
gridqueue.worker --module mymodule`` does (in every worker process, with ``--processes``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

Handler = Callable[[bytes, "TaskContext"], Any]
H = TypeVar("H", bound=Handler)
T = TypeVar("T")

_registry: Dict[str, Handler] = {}


def app(name: str) -> Callable[[H], H]:
    """Registers the decorated function as the handler of app ``name``; returns it unchanged."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"app name must be a non-empty string, got {name!r}")

    def register(fn: H) -> H:
        if not callable(fn):
            raise TypeError(f"@gridqueue.app({name!r}) must decorate a function, got {fn!r}")
        known = _registry.get(name)
        if known is not None and _qualname(known) != _qualname(fn):
            raise ValueError(f"app {name!r} is already served by {_qualname(known)}; cannot also use {_qualname(fn)}")
        _registry[name] = fn
        return fn

    return register


def registered_apps() -> Dict[str, Handler]:
    """App name to handler, for every app registered in this process so far."""
    return dict(_registry)


def _qualname(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


class SharedView:
    """The shared-data level a batch reads, loaded at most once however many tasks ask."""

    __slots__ = ("session_id", "level", "_load", "_data", "_lock")

    def __init__(self, session_id: str, level: int, load: Callable[[], bytes]) -> None:
        self.session_id = session_id
        self.level = level
        self._load = load
        self._data: Optional[bytes] = None
        self._lock = threading.Lock()

    def data(self) -> bytes:
        if self._data is None:
            with self._lock:
                if self._data is None:
                    self._data = self._load()
        return self._data


class _DecodedObjects:
    """Objects decoded from shared data, per process: one decode per (session, level, decoder).
    A few recent ones are kept; older levels fall out first."""

    def __init__(self, capacity: int = 8) -> None:
        self._capacity = capacity
        self._items: "OrderedDict[Tuple[str, int, Any], Any]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, view: SharedView, decode: Callable[[bytes], T]) -> T:
        key = (view.session_id, view.level, decode)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = decode(view.data())  # outside the lock: decoding may be slow; a race decodes twice
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return value


_decoded = _DecodedObjects()


class TaskContext:
    """What a handler knows about the task it runs."""

    __slots__ = ("task_id", "tag", "session_id", "app_id", "worker_id", "_shared")

    def __init__(self, task_id: str, tag: str, session_id: str, app_id: str, worker_id: str,
                 shared: Optional[SharedView]) -> None:
        self.task_id = task_id
        self.tag = tag
        self.session_id = session_id
        self.app_id = app_id
        self.worker_id = worker_id
        self._shared = shared

    @property
    def shared_data_level(self) -> Optional[int]:
        """The shared-data level the task's batch reads, or None if it reads none."""
        return self._shared.level if self._shared is not None else None

    def shared_data(self) -> bytes:
        """The session's shared data at the level the task was submitted with. Fetched from the
        grid once per worker and level, however many tasks and processes read it."""
        if self._shared is None:
            raise LookupError(f"task {self.task_id} reads no shared data (its client did not call use_shared_data)")
        return self._shared.data()

    def shared_object(self, decode: Callable[[bytes], T]) -> T:
        """``decode(shared_data())``, decoded once per process and level and then kept: for
        parameters that are costly to parse (a numpy array, a model)."""
        if self._shared is None:
            raise LookupError(f"task {self.task_id} reads no shared data (its client did not call use_shared_data)")
        return _decoded.get(self._shared, decode)

    def __repr__(self) -> str:
        return f"<TaskContext task={self.task_id} session={self.session_id} app={self.app_id}>"
