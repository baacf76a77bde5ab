#!/usr/bin/env python3
"""Throughput of the Python client and worker, beside Dask's, on this machine in one run.

    /usr/bin/python3 clients/python/bench/bench.py                 # starts its own grid node
    /usr/bin/python3 clients/python/bench/bench.py --grid host:1337  # a running grid (echo served)

Each measure is end to end with no-op tasks (100-byte payloads), closed loop: submit N tasks,
read the N results, tasks/s = N / elapsed. Measures:

* client, batch 100 / batch 1: the Python client, app "echo" on the grid's JVM worker;
* Python worker: the Python client (batch 100), app "py-echo" on one ``python3 -m
  gridqueue.worker`` (threads, 2 slots), so the JVM worker takes no part;
* raw gRPC, batch 1: the generated stubs alone on the same grid, one task per message, no
  acknowledgements: what grpcio's sync streaming API itself allows (the SDK without
  acknowledgements measures the same; acknowledging costs the server the removal of what it
  delivered, which the raw stream leaves for the 30 s ack timeout);
* Dask: ``dask_peer.py`` (a local scheduler, one worker process with 2 threads, client.map).

Runs take turns (client, worker, Dask, then again), so a noisy neighbour hits all of them; the
table gives each measure's median and the ratio of medians. A first untimed round warms the
server's JIT. Nothing here asserts a figure: it reports them.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON_DIR = HERE.parent
sys.path.insert(0, str(PYTHON_DIR))
sys.path.insert(0, str(PYTHON_DIR / "tests"))

import grpc  # noqa: E402

import gridqueue  # noqa: E402
from gridtest import Children, LocalGrid  # noqa: E402

PAYLOAD = b"x" * 100


def client_rate(grid: gridqueue.Client, app: str, tasks: int, batch_size: int) -> float:
    with grid.session(app, batch_size=batch_size) as s:
        started = time.perf_counter()
        for _ in range(tasks):
            s.submit(PAYLOAD)
        ended = sum(1 for r in s.as_completed(timeout=600) if r.ok)
        elapsed = time.perf_counter() - started
    if ended != tasks:
        raise SystemExit(f"{app}: {ended} of {tasks} tasks succeeded")
    return tasks / elapsed


def raw_rate(address: str, tasks: int) -> float:
    """Batches of one task through a bare ClientStream of the generated stubs."""
    from gridqueue.v1 import queue_pb2, queue_pb2_grpc

    with grpc.insecure_channel(address) as channel:
        stub = queue_pb2_grpc.QueueStub(channel)
        session = stub.CreateSession(queue_pb2.Session(app=queue_pb2.App(id="echo")), timeout=60)
        batches = [queue_pb2.Batch(id=str(i), session_id=session.id,
                                   messages=[queue_pb2.Message(id=f"t{i}", payload=PAYLOAD)]) for i in range(tasks)]
        started = time.perf_counter()
        call = stub.ClientStream(iter(batches), metadata=(("sessionid", session.id),), timeout=600)
        ended = 0
        for batch in call:
            ended += len(batch.messages)
            if ended >= tasks:
                break
        elapsed = time.perf_counter() - started
        call.cancel()
        stub.CloseSession(session, timeout=60)
    return tasks / elapsed


def dask_rate(tasks: int) -> float:
    out = subprocess.run([sys.executable, str(HERE / "dask_peer.py"), str(tasks)], capture_output=True, text=True,
                         timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"dask_peer.py failed:\n{out.stderr[-2000:]}")
    line = [x for x in out.stdout.splitlines() if x.startswith("dask ")][-1]
    return float(line.rsplit("tasks_per_s=", 1)[1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grid", help="address of a running grid node (default: start one)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--tasks-100", type=int, default=100_000, help="tasks per run at batch 100")
    p.add_argument("--tasks-1", type=int, default=10_000, help="tasks per run at batch 1")
    p.add_argument("--worker-tasks", type=int, default=50_000, help="tasks per run through the Python worker")
    p.add_argument("--dask-tasks", type=int, default=5_000, help="tasks per Dask run (0: skip Dask)")
    args = p.parse_args()

    children = Children(PYTHON_DIR / "target" / "bench" / time.strftime("%Y%m%d-%H%M%S"))
    try:
        address = args.grid
        if address is None:
            local = LocalGrid(children, "bench")
            address = local.start_server("server", local_worker=True, extra=["--slots", "2"])
            local.await_server("server")
        children.start("py-worker", [sys.executable, "-m", "gridqueue.worker", "--grid", address, "--module",
                                     "bench_apps", "--slots", "2", "--quiet"],
                       env={"PYTHONPATH": f"{PYTHON_DIR}{os.pathsep}{HERE}"})
        figures: dict[str, list[float]] = {"client, batch 100": [], "client, batch 1": [],
                                           "raw gRPC stubs, batch 1 (no SDK, no acks)": [],
                                           "Python worker, batch 100": [], "Dask": []}
        with gridqueue.connect(address) as grid:
            _wait_for_python_worker(grid)
            print("warming up ...", file=sys.stderr)
            client_rate(grid, "echo", args.tasks_100, 100)
            client_rate(grid, "echo", args.tasks_1 // 2, 1)
            client_rate(grid, "py-echo", args.worker_tasks // 2, 100)
            for run in range(1, args.runs + 1):
                figures["client, batch 100"].append(client_rate(grid, "echo", args.tasks_100, 100))
                figures["client, batch 1"].append(client_rate(grid, "echo", args.tasks_1, 1))
                figures["raw gRPC stubs, batch 1 (no SDK, no acks)"].append(raw_rate(address, args.tasks_1))
                figures["Python worker, batch 100"].append(client_rate(grid, "py-echo", args.worker_tasks, 100))
                if args.dask_tasks:
                    figures["Dask"].append(dask_rate(args.dask_tasks))
                print(f"run {run}: " + ", ".join(f"{k} {v[-1]:,.0f}" for k, v in figures.items() if v),
                      file=sys.stderr)
    finally:
        children.close()

    medians = {k: statistics.median(v) for k, v in figures.items() if v}
    print(f"\n{os.cpu_count()} cores, Python {sys.version.split()[0]}, grpcio {_version('grpc')}, "
          f"protobuf {_version('google.protobuf')}; {args.runs} runs, medians (tasks/s)\n")
    print("| measure | tasks/s (median) | runs | vs Dask |")
    print("| --- | ---: | --- | ---: |")
    for name, values in figures.items():
        if not values:
            continue
        ratio = f"{medians[name] / medians['Dask']:,.0f}x" if "Dask" in medians and name != "Dask" else ""
        runs = " / ".join(f"{v:,.0f}" for v in values)
        print(f"| {name} | {medians[name]:,.0f} | {runs} | {ratio} |")


def _wait_for_python_worker(grid: gridqueue.Client) -> None:
    deadline = time.monotonic() + 60
    while not any("py-echo" in w.app_ids for w in grid.stats().workers):
        if time.monotonic() > deadline:
            raise SystemExit("the Python worker did not register within 60 s")
        time.sleep(0.2)


def _version(module: str) -> str:
    try:
        return __import__(module, fromlist=["__version__"]).__version__
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
