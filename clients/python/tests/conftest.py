"""Fixtures: one shared grid for the client and worker tests, per-test process sets for the rest."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package under test, uninstalled
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gridqueue  # noqa: E402
from gridtest import TARGET, Children, LocalGrid, python_worker_argv, python_worker_env  # noqa: E402

#: Apps of the shared Python worker; tests that start their own workers use other apps.
SHARED_WORKER_APPS = "py-echo,py-fail,py-shared"


@pytest.fixture(scope="session")
def run_dir() -> Path:
    d = TARGET / "pytest" / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def grid(run_dir: Path) -> Iterator[SimpleNamespace]:
    """One grid node with its local JVM worker (apps echo, sleep, pi, ...) and one Python worker
    (threads, 2 slots) serving py-echo, py-fail and py-shared."""
    children = Children(run_dir / "shared-grid")
    try:
        local = LocalGrid(children, "shared")
        address = local.start_server("server", local_worker=True)
        local.await_server("server")
        children.start("py-worker", python_worker_argv(address, "--apps", SHARED_WORKER_APPS, "--slots", "2"),
                       env=python_worker_env())
        children.await_log("py-worker", "registered", 60)
        yield SimpleNamespace(address=address, children=children, local=local)
    finally:
        children.close()


@pytest.fixture
def client(grid: SimpleNamespace) -> Iterator[gridqueue.Client]:
    with gridqueue.connect(grid.address) as c:
        yield c


@pytest.fixture
def procs(request: pytest.FixtureRequest, run_dir: Path) -> Iterator[Children]:
    """Processes of one test, killed when it ends; logs under target/pytest/<run>/<test>/."""
    children = Children(run_dir / request.node.name)
    try:
        yield children
    finally:
        children.close()
