#!/usr/bin/env python3
"""Estimates pi by Monte Carlo on a gridqueue grid.

Each task is "<seed> <samples>": a worker draws that many random points of the unit square and
answers how many fell inside the quarter circle. The grid's built-in JVM app "pi" does it out of
the box; "pi-numpy" is the same in numpy, served by ``numpy_worker.py`` (see README.md).

    python3 pi_client.py --grid localhost:1337 --tasks 200 --samples 1000000 [--app pi-numpy]
"""
import argparse
import math
import time

import gridqueue


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grid", default="localhost:1337", help="grid node address(es), host:port[,host:port]")
    p.add_argument("--app", default="pi", help="pi (JVM, built in) or pi-numpy (numpy_worker.py)")
    p.add_argument("--tasks", type=int, default=200)
    p.add_argument("--samples", type=int, default=1_000_000, help="random points per task")
    args = p.parse_args()

    started = time.perf_counter()
    with gridqueue.connect(args.grid) as grid, grid.session(args.app, batch_size=10) as session:
        hits = sum(int(out) for out in session.map(f"{seed} {args.samples}" for seed in range(args.tasks)))
    total = args.tasks * args.samples
    estimate = 4.0 * hits / total
    print(f"pi ~ {estimate:.6f} (error {abs(estimate - math.pi):.6f}) from {total:,} samples in "
          f"{args.tasks} tasks of app {args.app!r}, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
