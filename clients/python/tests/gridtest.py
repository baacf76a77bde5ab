"""Real grids for the tests: ``./gridqueue server`` processes and Python workers, as children.

The conventions of the Java process tests (``cli/.../ChildProcesses``, ``ChaosCommandIT``):
every grid gets its own free loopback discovery range (nodes on one host with overlapping
ranges would join each other), every node its own communication range and gRPC port, logs and
work files go under ``target/``, the launcher runs with ``GRIDQUEUE_NO_BUILD=1`` when the build
that runs the tests has just packaged it, and every child is killed at the end. Nothing sleeps
for a fixed time where a condition can be polled.
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

PYTHON_DIR = Path(__file__).resolve().parents[1]
ROOT = PYTHON_DIR.parents[1]
LAUNCHER = ROOT / "gridqueue"
TARGET = PYTHON_DIR / "target"
APPS_DIR = Path(__file__).resolve().parent / "apps"
#: The servers' JVM: small, as in the Java process tests (CI has 2 cores for everything).
SERVER_JAVA_OPTS = "-Xms128m -Xmx384m -XX:+UseSerialGC"
SERVER_START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_range(count: int) -> int:
    """The first of ``count`` consecutive loopback ports free right now (as FreePorts.findRange)."""
    for _ in range(200):
        base = random.randint(20000, 60000 - count)
        if all(_is_free(p) for p in range(base, base + count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports found")


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def wait_until(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.05) -> object:
    """Polls ``condition`` until it is truthy; AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class Children:
    """Child processes, each in its own process group, logging to ``<dir>/<name>.log``."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.procs: Dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: Sequence[str], env: Optional[Dict[str, str]] = None,
              cwd: Optional[Path] = None) -> subprocess.Popen:
        full_env = dict(os.environ)
        full_env["TMPDIR"] = str(self.dir)  # temporary files of killed children stay under target/
        full_env.update(env or {})
        log = open(self.log_path(name), "wb")
        try:
            p = subprocess.Popen(list(argv), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 env=full_env, cwd=str(cwd) if cwd else None, start_new_session=True)
        finally:
            log.close()
        self.procs[name] = p
        return p

    def log_path(self, name: str) -> Path:
        return self.dir / f"{name}.log"

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def await_log(self, name: str, text: str, timeout: float, count: int = 1) -> None:
        """Waits until ``name``'s log shows ``text`` (``count`` times); fails early if it exited."""
        deadline = time.monotonic() + timeout
        while self.log(name).count(text) < count:
            p = self.procs.get(name)
            if p is not None and p.poll() is not None:
                raise AssertionError(f"{name} exited with {p.returncode} before logging {text!r}; see "
                                     f"{self.log_path(name)}:\n{_tail(self.log(name))}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} did not log {text!r} within {timeout:.0f} s; see "
                                     f"{self.log_path(name)}:\n{_tail(self.log(name))}")
            time.sleep(0.1)

    def kill(self, name: str) -> None:
        """SIGKILL of the process itself (not its group), and wait until it is gone."""
        p = self.procs[name]
        if p.poll() is None:
            p.kill()
        p.wait(30)

    def signal(self, name: str, sig: int) -> None:
        self.procs[name].send_signal(sig)

    def close(self) -> None:
        for p in self.procs.values():
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the process and whatever it started
            except (ProcessLookupError, PermissionError):
                pass
        for p in self.procs.values():
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                pass


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


class LocalGrid:
    """One private grid: servers sharing a discovery range, each with its own ports."""

    def __init__(self, children: Children, name: str) -> None:
        self.children = children
        self.name = name
        self.discovery = free_range(10)
        self.seeds = f"127.0.0.1:{self.discovery}..{self.discovery + 9}"
        self.work_dir = children.dir / f"{name}-ignite"
        self.servers: Dict[str, str] = {}  # name -> gRPC address

    def start_server(self, name: str, local_worker: bool = True, extra: Sequence[str] = ()) -> str:
        """Starts a grid node (not waiting for it); returns its gRPC address."""
        _check_launcher()
        port = free_port()
        argv = [str(LAUNCHER), "server", "--port", str(port), "--grpc-host", "127.0.0.1",
                "--discovery-port", str(self.discovery), "--grid", self.seeds,
                "--communication-port", str(free_range(100)), "--work-dir", str(self.work_dir),
                "--data-region-mb", "256", "--backups", "1"]
        if not local_worker:
            argv.append("--no-local-worker")
        argv.extend(extra)
        env = {"JAVA_OPTS": SERVER_JAVA_OPTS}
        if os.environ.get("GRIDQUEUE_NO_BUILD"):
            env["GRIDQUEUE_NO_BUILD"] = "1"
        # The node ignores SIGTERM (inherited through the launcher's exec; the JVM then installs
        # no shutdown handler for it): tests end their nodes with SIGKILL only, and on a shared
        # developer machine a `pkill -f 'cli.Main server'` aimed at another grid must not stop a
        # test grid mid-run (it did while these tests were written).
        argv = ["bash", "-c", "trap '' TERM; exec \"$0\" \"$@\"", *argv]
        self.children.start(name, argv, env=env)
        address = f"127.0.0.1:{port}"
        self.servers[name] = address
        return address

    def await_server(self, name: str) -> None:
        self.children.await_log(name, "gridqueue server up", SERVER_START_TIMEOUT)


def _check_launcher() -> None:
    jar = ROOT / "cli" / "target" / "gridqueue-cli.jar"
    if not jar.exists() and os.environ.get("GRIDQUEUE_NO_BUILD"):
        raise AssertionError(f"{jar} is missing: build it first (mvn -B -DskipTests package -pl cli -am)")


def python_worker_argv(grid: str, *args: str) -> List[str]:
    """``python3 -m gridqueue.worker`` with this interpreter, serving the test apps module."""
    return [sys.executable, "-m", "gridqueue.worker", "--grid", grid, "--module", "gq_testapps", *args]


def python_worker_env() -> Dict[str, str]:
    """The package under test and the test apps on the path of the worker processes."""
    path = os.pathsep.join([str(PYTHON_DIR), str(APPS_DIR), os.environ.get("PYTHONPATH", "")])
    return {"PYTHONPATH": path.rstrip(os.pathsep), "PYTHONUNBUFFERED": "1"}
