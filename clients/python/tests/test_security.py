"""A grid with TLS and API keys, from Python: the client and the worker SDK send their key and
trust the grid's CA; no key is UNAUTHENTICATED, another client's key PERMISSION_DENIED, no CA no
connection."""
import subprocess
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

import gridqueue
from gridtest import LAUNCHER, Children, LocalGrid, python_worker_argv, python_worker_env

TIMEOUT = 120


@pytest.fixture(scope="module")
def secured(run_dir: Path) -> Iterator[SimpleNamespace]:
    """One grid node (TLS, API keys, SSL between nodes) and a Python worker holding a worker key."""
    work = run_dir / "secured-grid"
    certs = work / "certs"
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(LAUNCHER), "certs", str(certs)], check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    keys = work / "keys"
    keys.write_text("client key-alice alice\nclient key-mallory mallory\nworker key-pool pool\n")
    (work / "pool.key").write_text("key-pool\n")
    children = Children(work)
    try:
        local = LocalGrid(children, "secured")
        address = local.start_server("server", local_worker=False, extra=[
            "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"),
            "--api-keys", str(keys), "--node-ssl", str(certs)])
        local.await_server("server")
        address = address.replace("127.0.0.1", "localhost")  # the name the certificate carries
        children.start("py-worker", python_worker_argv(
            address, "--apps", "py-echo", "--slots", "2", "--api-key-file", str(work / "pool.key"),
            "--ca", str(certs / "ca.pem")), env=python_worker_env())
        children.await_log("py-worker", "registered", 60)
        yield SimpleNamespace(address=address, ca=str(certs / "ca.pem"))
    finally:
        children.close()


def test_a_client_with_the_ca_and_its_key_runs_tasks_on_a_worker_with_its_key(secured):
    with gridqueue.connect(secured.address, api_key="key-alice", ca=secured.ca) as grid:
        with grid.session("py-echo", batch_size=10) as s:
            payloads = {s.submit(b"p%d" % i): b"p%d" % i for i in range(200)}
            results = list(s.as_completed(timeout=TIMEOUT))
    assert Counter(r.id for r in results) == Counter(payloads.keys())
    assert all(r.ok and r.payload == payloads[r.id] for r in results)


def test_no_key_is_unauthenticated_and_no_ca_no_connection(secured, monkeypatch):
    monkeypatch.delenv("GRIDQUEUE_API_KEY", raising=False)
    with gridqueue.connect(secured.address, ca=secured.ca) as grid:
        with pytest.raises(gridqueue.Unauthenticated):
            grid.stats()
    with gridqueue.connect(secured.address, api_key="key-alice", call_timeout=20) as grid:
        with pytest.raises(gridqueue.Unavailable):
            grid.stats()


def test_another_clients_key_is_denied_her_session(secured, monkeypatch):
    monkeypatch.setenv("GRIDQUEUE_API_KEY", "key-alice")  # the environment's key, when none is given
    with gridqueue.connect(secured.address, ca=secured.ca) as alice, \
            gridqueue.connect(secured.address, api_key="key-mallory", ca=secured.ca) as mallory:
        with alice.session("py-echo") as s:
            s.shared_data.set(1, b"hers", ttl=60)
            with pytest.raises(gridqueue.PermissionDenied):
                mallory.stats(s.id)
            with pytest.raises(gridqueue.PermissionDenied):
                mallory.shared_data(s.id).get(1)
            assert s.id not in [x.session_id for x in mallory.stats().sessions]
            assert len(mallory.stats().workers) == 0  # no worker ids or hosts for clients
