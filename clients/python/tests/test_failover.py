"""Failover between the grid nodes of one grid, with its own two-server grid."""
import time

import gridqueue
from gridtest import LocalGrid, python_worker_argv, python_worker_env, wait_until

TIMEOUT = 180


def test_session_and_worker_move_to_the_other_node_when_theirs_is_killed(procs):
    # given: a grid of two nodes A and B (no JVM workers), a Python worker and a client that
    # both talk to A first and know B
    grid = LocalGrid(procs, "failover")
    a = grid.start_server("server-a", local_worker=False)
    grid.await_server("server-a")  # A is the oldest node: it runs the scheduler
    b = grid.start_server("server-b", local_worker=False)
    grid.await_server("server-b")
    procs.start("worker", python_worker_argv(f"{a},{b}", "--apps", "py-sleep", "--slots", "2"),
                env=python_worker_env())
    procs.await_log("worker", f"with {a}", 60)
    n = 2000
    with gridqueue.connect(a, b, give_up_after=TIMEOUT) as client, client.session("py-sleep", batch_size=20) as s:
        for i in range(n):
            s.submit(b"2", id=f"t{i}")
        s.flush()
        results = {}
        ended = s.as_completed(timeout=TIMEOUT)
        while len(results) < n * 0.3:
            r = next(ended)
            results[r.id] = r

        # when: A dies (SIGKILL) mid-run
        procs.kill("server-a")
        killed_at = time.monotonic()
        try:
            for r in ended:
                assert r.id not in results, f"{r.id} reached the caller twice"
                results[r.id] = r
        except TimeoutError:
            missing = sorted(set(f"t{i}" for i in range(n)) - set(results))
            raise AssertionError(
                f"{len(missing)} of {n} tasks never ended after the failover (first: {missing[:5]}); "
                f"stats of B: {_stats(b)}; logs in {procs.dir}") from None
        took = time.monotonic() - killed_at

        # then: the session re-attached to B and every task reached the caller exactly once ...
        assert sorted(results) == sorted(f"t{i}" for i in range(n))
        assert all(r.ok for r in results.values())
        assert s.failovers >= 1
    # ... and the worker registered again, with B
    wait_until(lambda: f"with {b}" in procs.log("worker"), 30, "the worker to register with B")
    print(f"failover: the last {n - int(n * 0.3)} tasks ended {took:.1f} s after the kill; "
          f"{s.duplicates_dropped} repeats dropped")


def _stats(address):
    try:
        with gridqueue.connect(address, call_timeout=10) as c:
            st = c.stats()
            return (f"waiting {st.tasks_waiting} running {st.tasks_running} done {st.tasks_done} "
                    f"workers {[(w.worker_id, w.kind, w.batches_held) for w in st.workers]}")
    except gridqueue.GridQueueError as e:
        return repr(e)
