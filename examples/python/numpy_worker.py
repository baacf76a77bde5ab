"""A gridqueue worker module serving numpy functions. Run it with

    python3 -m gridqueue.worker --grid localhost:1337 --module numpy_worker --processes

(from this directory; ``--processes`` runs the handlers in one child process per slot).

* "pi-numpy": the Monte Carlo pi task of ``pi_client.py`` ("<seed> <samples>" -> hits), vectorised.
* "matvec": multiplies the session's shared matrix (uploaded once per level with
  ``session.shared_data.set``) by the vector in each task; the matrix is decoded once per worker
  process and level (``ctx.shared_object``), not once per task. See ``matvec_client.py``.
"""
import io

import numpy as np

import gridqueue

CHUNK = 1_000_000  # points drawn at a time: bounded memory for any sample count


@gridqueue.app("pi-numpy")
def pi_hits(payload: bytes, ctx: gridqueue.TaskContext) -> str:
    seed, samples = (int(x) for x in payload.split())
    rng = np.random.default_rng(seed)
    hits = 0
    for start in range(0, samples, CHUNK):
        xy = rng.random((min(CHUNK, samples - start), 2))
        hits += int(np.count_nonzero((xy * xy).sum(axis=1) <= 1.0))
    return str(hits)


def to_bytes(array: np.ndarray) -> bytes:
    """An array as .npy bytes (dtype and shape included)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def from_bytes(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


@gridqueue.app("matvec")
def matvec(payload: bytes, ctx: gridqueue.TaskContext) -> bytes:
    matrix = ctx.shared_object(from_bytes)  # decoded once per process and shared-data level
    return to_bytes(matrix @ from_bytes(payload))
