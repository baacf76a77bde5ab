#!/usr/bin/env python3
"""Multiplies one matrix by many vectors on a gridqueue grid: the matrix goes once, as shared
data; each task carries one vector. Needs ``numpy_worker.py`` running (see README.md).

    python3 matvec_client.py --grid localhost:1337 --size 500 --vectors 1000
"""
import argparse
import time

import numpy as np

import gridqueue
from numpy_worker import from_bytes, to_bytes


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--grid", default="localhost:1337", help="grid node address(es), host:port[,host:port]")
    p.add_argument("--size", type=int, default=500, help="the matrix is size x size")
    p.add_argument("--vectors", type=int, default=1000)
    args = p.parse_args()

    rng = np.random.default_rng(7)
    matrix = rng.random((args.size, args.size))
    vectors = rng.random((args.vectors, args.size))
    started = time.perf_counter()
    with gridqueue.connect(args.grid) as grid, grid.session("matvec", batch_size=20) as session:
        session.shared_data.set(1, to_bytes(matrix))  # level 1: uploaded once, read by every task
        session.use_shared_data(1)
        products = [from_bytes(out) for out in session.map(to_bytes(v) for v in vectors)]
    worst = max(float(np.abs(product - matrix @ v).max()) for product, v in zip(products, vectors))
    print(f"{args.vectors} products of a {args.size}x{args.size} matrix in {time.perf_counter() - started:.1f} s; "
          f"largest difference from local numpy: {worst:.2e}")
    if worst > 1e-9:
        raise SystemExit("results differ from numpy's")


if __name__ == "__main__":
    main()
