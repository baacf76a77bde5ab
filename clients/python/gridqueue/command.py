"""Command tasks (Work Queue's ``Task``): a command line run by a JVM worker in a sandbox of its
own, with input files sent to it and output files brought back. Submit one to a session of app
``"command"`` with ``session.submit(task)``."""
from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Union

from . import errors
from .options import duration, seconds
from .v1 import command_pb2

#: Bytes of an input given as bytes (Work Queue's buffer), inline in the task.
INLINE_INPUT_MAX_BYTES = 1 << 20
#: Files in one input or output directory (ContractLimits.DIRECTORY_FILES_MAX).
DIRECTORY_FILES_MAX = 10_000
#: Bytes, all files together, in one input or output directory (ContractLimits.DIRECTORY_MAX_BYTES).
DIRECTORY_MAX_BYTES = 1 << 30
#: The app whose sessions run command tasks.
COMMAND_APP = "command"

PathLike = Union[str, Path]


class _Input(NamedTuple):
    remote: str
    local: Optional[Path]
    content: Optional[bytes]
    cache: bool


class CommandTask:
    """A command line with its files, built in the spirit of Work Queue's Python ``Task``::

        t = gridqueue.CommandTask("gzip -c in.txt > out.gz")
        t.input("data/a.txt", "in.txt", cache=True)    # specify_input_file
        t.buffer(b"alpha=2", "params.txt")             # specify_buffer
        t.output("out.gz", "results/a.gz")             # specify_output_file
        t.env("OMP_NUM_THREADS", "1").max_running_time(300)
        session.submit(t, id="a")

    Every method returns the task, so calls chain. Local input files are uploaded through the
    grid's file store when the task is submitted (once per session); outputs are written where
    asked before the task's result is handed over. Names in the sandbox must be relative paths
    inside it; a bad name, an empty command, a missing input or one over its limit raise
    :class:`gridqueue.InvalidArgument` naming the field.
    """

    def __init__(self, command: str) -> None:
        if not isinstance(command, str) or not command.strip():
            raise errors.invalid("command", f"must be a non-empty command line, got {command!r}")
        self.command = command
        self._inputs: List[_Input] = []
        self._outputs: Dict[str, Optional[Path]] = {}
        self._directories: List[str] = []
        self._cached_outputs: List[str] = []
        self._output_directories: Dict[str, Optional[Path]] = {}
        self._env: Dict[str, str] = {}
        self._max_running_time: Optional[float] = None
        self.tag: Optional[str] = None

    # -- Work Queue's Task, the short names ---------------------------------------------------

    def input(self, local: PathLike, remote: Optional[str] = None, cache: bool = True) -> "CommandTask":
        """A local file placed in the sandbox as ``remote`` (default: its file name); ``cache``
        keeps it in the worker's on-disk cache for later tasks reading it. A directory is sent
        with everything under it (:meth:`input_directory`)."""
        path = Path(local)
        if path.is_dir():
            return self.input_directory(path, remote, cache)
        name = _name(f"input {str(path)!r} remote name", remote if remote is not None else path.name)
        self._add_input(_Input(name, path, None, bool(cache)))
        return self

    def buffer(self, data: Union[bytes, str], remote: str) -> "CommandTask":
        """Bytes placed in the sandbox as file ``remote`` (at most 1 MiB, sent inside the task)."""
        content = data.encode() if isinstance(data, str) else data
        if not isinstance(content, (bytes, bytearray)):
            raise errors.invalid("buffer", f"must be bytes or str, got {type(data).__name__}")
        if len(content) > INLINE_INPUT_MAX_BYTES:
            raise errors.invalid(f"buffer {remote!r}", f"is {len(content)} bytes; the limit is "
                                 f"{INLINE_INPUT_MAX_BYTES} (use input() for larger files)")
        self._add_input(_Input(_name("buffer remote name", remote), None, bytes(content), False))
        return self

    def output(self, remote: str, local: Optional[PathLike] = None, cache: bool = False) -> "CommandTask":
        """A file the command writes in the sandbox as ``remote``, brought back and written to
        ``local`` before the result is handed over. Without ``local`` it stays in the result
        (``TaskResult.command.outputs``: inline up to 64 KiB, and in the session's file store)."""
        name = _name("output remote name", remote)
        if name in self._outputs:
            raise errors.invalid("output", f"{name!r} is named twice")
        self._outputs[name] = Path(local) if local is not None else None
        if cache:  # Work Queue's cache flag on an output: the worker keeps it for later tasks
            self._cached_outputs.append(name)
        return self

    def input_directory(self, local: PathLike, remote: Optional[str] = None,
                        cache: bool = True) -> "CommandTask":
        """The directory ``local`` with everything under it, placed in the sandbox as ``remote``
        (default: its name): each regular file an input at its path under ``remote`` (uploaded
        once per session), each empty subdirectory created. Read now; links to directories are
        not followed. At most 10,000 files and 1 GiB."""
        root = Path(local)
        field = f"input directory {str(root)!r}"
        if not root.is_dir():
            raise errors.invalid(field, "is not a directory")
        base = _name(f"{field} remote name", remote if remote is not None else root.name)
        files, size = 0, 0
        for here, dirs, names in sorted(os.walk(root)):
            dirs.sort()
            rel = Path(here).relative_to(root).as_posix()
            prefix = base if rel == "." else f"{base}/{rel}"
            if not dirs and not names:
                self._directories.append(prefix)
            for n in sorted(names):
                path = Path(here) / n
                if not path.is_file():
                    continue
                files += 1
                size += path.stat().st_size
                if files > DIRECTORY_FILES_MAX:
                    raise errors.invalid(field, f"holds more than {DIRECTORY_FILES_MAX} files; "
                                         f"the limit is {DIRECTORY_FILES_MAX}")
                if size > DIRECTORY_MAX_BYTES:
                    raise errors.invalid(field, f"holds more than {DIRECTORY_MAX_BYTES} bytes; "
                                         f"the limit is {DIRECTORY_MAX_BYTES}")
                self._add_input(_Input(_name(f"{field} file", f"{prefix}/{n}"), path, None, bool(cache)))
        return self

    def output_directory(self, remote: str, local: Optional[PathLike] = None) -> "CommandTask":
        """A directory the command writes in the sandbox as ``remote``, brought back with every
        regular file and empty subdirectory under it and written under ``local`` before the result
        is handed over (``TaskResult.command.output_directories``). Links in it are not followed."""
        name = _name("output directory remote name", remote)
        if name in self._output_directories:
            raise errors.invalid("output_directory", f"{name!r} is named twice")
        self._output_directories[name] = Path(local) if local is not None else None
        return self

    def env(self, name: str, value: str) -> "CommandTask":
        """An environment variable added to the worker's for this command."""
        if not isinstance(name, str) or not name or "=" in name or "\0" in name:
            raise errors.invalid("env", f"has an invalid variable name {name!r}")
        self._env[name] = str(value)
        return self

    def max_running_time(self, limit: Union[float, datetime.timedelta]) -> "CommandTask":
        """Stops the command (SIGTERM to its process group, SIGKILL 2 s later) after ``limit``
        seconds; its result is then RESULT_MAX_RUNNING_TIME."""
        self._max_running_time = seconds("max_running_time", limit)
        return self

    def with_tag(self, tag: str) -> "CommandTask":
        """A label ``session.cancel(tags=...)`` can name."""
        if not isinstance(tag, str):
            raise errors.invalid("tag", f"must be a string, got {type(tag).__name__}")
        self.tag = tag
        return self

    # -- Work Queue's own method names, for code moving over ----------------------------------

    def specify_input_file(self, local_name: PathLike, remote_name: Optional[str] = None,
                           cache: bool = True) -> "CommandTask":
        return self.input(local_name, remote_name, cache)

    def specify_buffer(self, buffer: Union[bytes, str], remote_name: str) -> "CommandTask":
        return self.buffer(buffer, remote_name)

    def specify_output_file(self, local_name: PathLike, remote_name: Optional[str] = None,
                            cache: bool = False) -> "CommandTask":
        return self.output(remote_name if remote_name is not None else Path(local_name).name, local_name, cache)

    def specify_directory(self, local_name: PathLike, remote_name: Optional[str] = None,
                          type: str = "input", cache: bool = True) -> "CommandTask":
        """Work Queue's specify_directory: ``type`` is ``"input"`` (sent with everything under
        it) or ``"output"`` (brought back with everything under it)."""
        if type == "output":
            return self.output_directory(remote_name if remote_name is not None else Path(local_name).name,
                                         local_name)
        if type != "input":
            raise errors.invalid("type", f"must be 'input' or 'output', got {type!r}")
        return self.input_directory(local_name, remote_name, cache)

    def specify_environment_variable(self, name: str, value: str) -> "CommandTask":
        return self.env(name, value)

    def specify_running_time_max(self, limit: float) -> "CommandTask":
        return self.max_running_time(limit)

    def specify_tag(self, tag: str) -> "CommandTask":
        return self.with_tag(tag)

    # -- what the session uses -----------------------------------------------------------------

    @property
    def outputs(self) -> Dict[str, Optional[Path]]:
        """Output names in the sandbox, and where each is written (None: not written)."""
        return dict(self._outputs)

    @property
    def output_directories(self) -> Dict[str, Optional[Path]]:
        """Output directory names in the sandbox, and where each is written (None: not written)."""
        return dict(self._output_directories)

    def local_inputs(self) -> List[Path]:
        return [i.local for i in self._inputs if i.local is not None]

    def to_proto(self, sha256_of_local: Dict[Path, str]) -> command_pb2.Command:
        """The contract's Command, local inputs named by the SHA-256 they were uploaded under."""
        command = command_pb2.Command(command_line=self.command, env=self._env,
                                      output_names=list(self._outputs),
                                      directories=self._directories,
                                      cached_outputs=self._cached_outputs,
                                      output_directories=list(self._output_directories))
        for i in self._inputs:
            if i.local is not None:
                command.inputs.add(remote_name=i.remote, sha256=sha256_of_local[i.local], cache=i.cache)
            else:
                command.inputs.add(remote_name=i.remote, content=i.content)
        if self._max_running_time is not None:
            command.max_running_time.CopyFrom(duration(self._max_running_time))
        return command

    def _add_input(self, new: _Input) -> None:
        if any(i.remote == new.remote for i in self._inputs):
            raise errors.invalid("input", f"{new.remote!r} names an input twice")
        self._inputs.append(new)

    def __repr__(self) -> str:
        return (f"<gridqueue.CommandTask {self.command!r} inputs={[i.remote for i in self._inputs]} "
                f"outputs={list(self._outputs)}>")


def _name(field: str, name: object) -> str:
    """A name in the sandbox: a non-empty relative path that stays inside it (the contract's rule)."""
    if not isinstance(name, str) or not name:
        raise errors.invalid(field, f"must be a non-empty string, got {name!r}")
    if name.startswith("/") or "\0" in name or "\\" in name or any(p in ("", ".", "..") for p in name.split("/")):
        raise errors.invalid(field, f"{name!r} must be a relative path inside the sandbox (no '..', '.' or '//')")
    return name
