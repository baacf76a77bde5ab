"""Running a batch's tasks through a handler; loading the modules that register handlers.

Plain functions of plain data, so that the same code runs in the worker's threads and, pickled
arguments in and out, in its child processes (``--processes``).
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Any, List, Optional, Sequence, Tuple

from ..app import Handler, SharedView, TaskContext

#: (task id, payload, tag)
Task = Tuple[str, bytes, str]
#: (task id, output or None, error or None)
Outcome = Tuple[str, Optional[bytes], Optional[str]]


def run_tasks(handler: Handler, tasks: Sequence[Task], session_id: str, app_id: str, worker_id: str,
              shared: Optional[SharedView]) -> List[Outcome]:
    """Runs every task of a batch, one after another; a task that raises fails alone."""
    out: List[Outcome] = []
    for task_id, payload, tag in tasks:
        ctx = TaskContext(task_id, tag, session_id, app_id, worker_id, shared)
        try:
            out.append((task_id, _output(handler(payload, ctx)), None))
        except Exception as e:  # the task's failure is data: it goes back as its error
            out.append((task_id, None, describe(e)))
    return out


def _output(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"the handler returned {type(value).__name__}; return bytes, str (sent as UTF-8) or None")


def describe(error: BaseException) -> str:
    """A task's error as the client sees it: the exception's type and message."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def load_module(spec: str) -> Any:
    """Imports a handler module by name (``pkg.mod``) or by file path (``path/to/mod.py``)."""
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise ImportError(f"no such module file: {spec}")
        name = os.path.splitext(os.path.basename(path))[0]
        if name in sys.modules and getattr(sys.modules[name], "__file__", None) == path:
            return sys.modules[name]
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {spec} as a Python module")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module
    return importlib.import_module(spec)


def load_modules(specs: Sequence[str], search_path: Sequence[str] = ()) -> None:
    """Imports every module in ``specs`` (registering their apps), with ``search_path`` first."""
    for p in reversed(list(search_path)):
        if p not in sys.path:
            sys.path.insert(0, p)
    for spec in specs:
        load_module(spec)
