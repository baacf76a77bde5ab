#!/usr/bin/env python3
"""Dask distributed, for comparison: N no-op tasks through a local scheduler and one worker
process with 2 threads (the shape of gridqueue's one worker with 2 slots). Prints tasks/s.

    python3 dask_peer.py [N]        # needs python3-distributed (Debian) or `pip install distributed`
"""
import sys
import time


def noop(x):
    return x


def main() -> None:
    from dask.distributed import Client, LocalCluster

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.submit(noop, -1, pure=False).result()  # the worker is up and warm
        started = time.perf_counter()
        futures = client.map(noop, range(n), pure=False)
        results = client.gather(futures)
        elapsed = time.perf_counter() - started
        assert results == list(range(n))
    print(f"dask tasks={n} seconds={elapsed:.3f} tasks_per_s={n / elapsed:.1f}")


if __name__ == "__main__":
    main()
