"""The worker SDK against a real grid: python3 -m gridqueue.worker processes serving test apps."""
import signal
import uuid
from collections import Counter
from pathlib import Path

import gridqueue
from gridtest import python_worker_argv, python_worker_env, wait_until

TIMEOUT = 120


def _start_worker(procs, grid, name, *args):
    p = procs.start(name, python_worker_argv(grid.address, *args), env=python_worker_env())
    procs.await_log(name, "registered", 60)
    return p


def _grpc_workers(client):
    return [w for w in client.stats().workers if w.kind == "grpc"]


def test_a_python_worker_serves_every_task_once(client):
    # given: the shared Python worker (threads, 2 slots) serves py-echo
    with client.session("py-echo", batch_size=50) as s:
        payloads = {s.submit(b"p%d" % i): b"p%d" % i for i in range(5000)}

        # when
        results = list(s.as_completed(timeout=TIMEOUT))

    # then
    assert Counter(r.id for r in results) == Counter(payloads.keys())
    assert all(r.ok and r.payload == payloads[r.id] for r in results)
    assert any("py-echo" in w.app_ids for w in _grpc_workers(client))


def test_a_handler_exception_fails_only_its_task(client):
    with client.session("py-fail", batch_size=10) as s:
        for p in (b"a", b"boom", b"c", b"kaboom!"):
            s.submit(p, id=p.decode())
        results = {r.id: r for r in s.as_completed(timeout=TIMEOUT)}
    assert results["a"].payload == b"A" and results["c"].payload == b"C"
    for failed in ("boom", "kaboom!"):
        assert results[failed].dead_letter and results[failed].error == "ValueError: payload says boom"


def test_processes_run_handlers_in_child_processes_and_registration_is_announced(grid, client, procs):
    # given: a worker running handlers in 2 child processes, with tags and cores
    tag = f"proc-{uuid.uuid4().hex[:6]}"
    worker = _start_worker(procs, grid, "proc-worker", "--apps", "py-pid", "--processes", "2", "--slots", "2",
                           "--tags", f"{tag},fast", "--cores", "6")

    # when
    with client.session("py-pid", batch_size=10, tags=[tag]) as s:
        pids = {int(p) for p in s.map([b""] * 400, timeout=TIMEOUT)}

    # then: no task ran in the worker's own process; each ran in one of its children
    assert worker.pid not in pids
    assert all(_parent_of(p) == worker.pid for p in pids), f"pids {pids} are not children of {worker.pid}"
    mine = [w for w in _grpc_workers(client) if tag in w.tags]
    assert len(mine) == 1
    w = mine[0]
    assert (list(w.app_ids), sorted(w.tags), w.slots, w.total.cores) == (["py-pid"], sorted([tag, "fast"]), 2, 6)


def test_shared_data_is_fetched_once_per_worker_and_level(grid, client, procs):
    # given: a worker with 2 child processes; a session with two levels, tasks on both
    tag = f"sd-{uuid.uuid4().hex[:6]}"
    _start_worker(procs, grid, "sd-worker", "--apps", "py-shared", "--processes", "2", "--slots", "2", "--tags", tag)
    with client.session("py-shared", batch_size=5, tags=[tag]) as s:
        s.shared_data.set(1, b"alpha")
        s.use_shared_data(1)
        first = [s.submit(b"") for _ in range(100)]
        s.shared_data.update(2, b"beta")
        s.use_shared_data(2)
        second = [s.submit(b"") for _ in range(100)]

        # when
        results = {r.id: r.payload.split(b"|") for r in s.as_completed(timeout=TIMEOUT)}
        session_id = s.id

    # then: every task read its own level, decoded once per process and level ...
    assert {tuple(results[i][:3]) for i in first} == {(b"alpha", b"1", b"1")}
    assert {tuple(results[i][:3]) for i in second} == {(b"beta", b"2", b"1")}
    # ... and each level crossed the network once for the whole worker
    log = procs.log("sd-worker")
    for level in (1, 2):
        assert log.count(f"fetched shared data of session {session_id} level {level}:") == 1, log


def test_a_worker_killed_mid_batch_loses_nothing(grid, client, procs):
    # given: two workers of one slot each serving 10 ms tasks, in batches of 5
    a = _start_worker(procs, grid, "worker-a", "--apps", "py-sleep", "--slots", "1")
    b = _start_worker(procs, grid, "worker-b", "--apps", "py-sleep", "--slots", "1")
    with client.session("py-sleep", batch_size=5) as s:
        for i in range(300):
            s.submit(b"10", id=f"t{i}")
        s.flush()
        results = {}
        results_iter = s.as_completed(timeout=TIMEOUT)
        while len(results) < 60 or str(a.pid).encode() not in {r.payload for r in results.values()}:
            r = next(results_iter)
            results[r.id] = r

        # when: worker A is SIGKILLed while it holds batches
        procs.kill("worker-a")
        for r in results_iter:
            assert r.id not in results, f"{r.id} reached the caller twice"
            results[r.id] = r

    # then: every task ended once, with a result; the batches A held ran again on B
    assert sorted(results) == sorted(f"t{i}" for i in range(300))
    assert all(r.ok for r in results.values()), [r for r in results.values() if not r.ok][:3]
    rerun = [r for r in results.values() if r.attempts >= 2]
    assert rerun, "no batch of the killed worker was run again"
    assert {r.payload for r in rerun} == {str(b.pid).encode()}
    wait_until(lambda: len(_grpc_workers(client)) == 2, 30, "the grid to drop the killed worker")  # shared + B


def test_sigterm_lets_running_batches_finish_and_returns_the_rest(grid, client, procs):
    # given: two workers of one slot; batches of two 100 ms tasks
    c = _start_worker(procs, grid, "worker-c", "--apps", "py-sleep", "--slots", "1")
    _start_worker(procs, grid, "worker-d", "--apps", "py-sleep", "--slots", "1")
    with client.session("py-sleep", batch_size=2) as s:
        for i in range(40):
            s.submit(b"100", id=f"t{i}")
        s.flush()
        results_iter = s.as_completed(timeout=TIMEOUT)
        results = {}
        while str(c.pid).encode() not in {r.payload for r in results.values()}:
            r = next(results_iter)
            results[r.id] = r

        # when: worker C is told to stop
        procs.signal("worker-c", signal.SIGTERM)
        for r in results_iter:
            assert r.id not in results
            results[r.id] = r

    # then: C finished its running batch, answered it, and exited cleanly; nothing was lost
    assert c.wait(30) == 0, procs.log("worker-c")
    log = procs.log("worker-c")
    assert "SIGTERM: finishing running batches" in log and "stopped" in log and "still running" not in log
    assert sorted(results) == sorted(f"t{i}" for i in range(40))
    assert all(r.ok for r in results.values())


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])
