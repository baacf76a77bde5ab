"""Command line of the worker: ``python3 -m gridqueue.worker --grid host:port --module mymodule``."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import List, Optional

from ..errors import GridQueueError
from ..options import Resources

LOG = logging.getLogger("gridqueue.worker")


def _split(values: List[str]) -> List[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _read_key(path: Optional[str]) -> Optional[str]:
    """The first line of the key file (None without a file: the environment's key, if any)."""
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        key = f.readline().strip()
    if not key:
        raise ValueError(f"API key file {path} is empty")
    return key


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    p = argparse.ArgumentParser(
        prog="python3 -m gridqueue.worker",
        description="Serve the apps registered with @gridqueue.app in the given modules to a gridqueue grid. "
                    "Every option also reads the environment variable shown.")
    p.add_argument("--grid", default=env("GRIDQUEUE_GRID", "localhost:1337"), metavar="HOST:PORT[,HOST:PORT...]",
                   help="gRPC address(es) of grid nodes; the worker moves to the next one when a node is lost "
                        "(GRIDQUEUE_GRID, default %(default)s)")
    p.add_argument("--api-key-file", default=env("GRIDQUEUE_API_KEY_FILE"), metavar="FILE",
                   help="file whose first line is this worker's API key (a worker key of the grid); "
                        "without it the key is read from GRIDQUEUE_API_KEY, if set (GRIDQUEUE_API_KEY_FILE)")
    p.add_argument("--ca", default=env("GRIDQUEUE_CA"), metavar="FILE",
                   help="speak TLS, trusting server certificates signed by this CA (PEM) (GRIDQUEUE_CA)")
    p.add_argument("--module", "-m", action="append", default=[], metavar="MODULE",
                   help="module to import, by name (run from its directory) or as a path to a .py file; repeat "
                        "or separate with commas (GRIDQUEUE_MODULE)")
    p.add_argument("--apps", default=env("GRIDQUEUE_APPS", ""), metavar="A,B",
                   help="serve only these apps (GRIDQUEUE_APPS, default: every registered app)")
    p.add_argument("--slots", type=int, default=int(env("GRIDQUEUE_SLOTS", "0")) or None, metavar="N",
                   help="batches run at once (GRIDQUEUE_SLOTS, default: the CPU count)")
    p.add_argument("--processes", nargs="?", type=int, const=0, default=None, metavar="N",
                   help="run handlers in N child processes (default N: one per slot) instead of threads: for "
                        "CPU-bound pure-Python handlers")
    p.add_argument("--tags", default=env("GRIDQUEUE_TAGS", ""), metavar="A,B",
                   help="tags the worker carries; sessions with tags go only to workers carrying them all "
                        "(GRIDQUEUE_TAGS)")
    p.add_argument("--cores", type=int, default=int(env("GRIDQUEUE_CORES", "0")), metavar="N",
                   help="cores offered to batches that declare resources (GRIDQUEUE_CORES, default: slots)")
    p.add_argument("--memory", type=int, default=int(env("GRIDQUEUE_MEMORY", "0")), metavar="MB",
                   help="memory offered, MB (GRIDQUEUE_MEMORY)")
    p.add_argument("--disk", type=int, default=int(env("GRIDQUEUE_DISK", "0")), metavar="MB",
                   help="disk offered, MB (GRIDQUEUE_DISK)")
    p.add_argument("--gpus", type=int, default=int(env("GRIDQUEUE_GPUS", "0")), metavar="N",
                   help="GPUs offered (GRIDQUEUE_GPUS)")
    p.add_argument("--shutdown-grace", type=float, default=10.0, metavar="SECONDS",
                   help="on SIGTERM/Ctrl+C, how long running batches may take to finish (default %(default)s)")
    p.add_argument("--quiet", "-q", action="store_true", help="log warnings and errors only")
    p.add_argument("--verbose", "-v", action="store_true", help="log protocol details too")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s - %(message)s", stream=sys.stderr)
    modules = _split(args.module or [os.environ.get("GRIDQUEUE_MODULE", "")])
    if not modules:
        print("python3 -m gridqueue.worker: --module is required (the module whose @gridqueue.app "
              "handlers to serve)", file=sys.stderr)
        return 2
    from . import Worker  # after logging is set up: importing handler modules may log

    try:
        worker = Worker(
            _split([args.grid]), modules=modules, apps=_split([args.apps]) or None, slots=args.slots,
            processes=args.processes, tags=_split([args.tags]),
            resources=Resources(cores=args.cores, memory_mb=args.memory, disk_mb=args.disk, gpus=args.gpus),
            api_key=_read_key(args.api_key_file), ca=args.ca)
    except (GridQueueError, ImportError, OSError, ValueError) as e:
        print(f"python3 -m gridqueue.worker: {e}", file=sys.stderr)
        return 2

    stop = threading.Event()
    signals = {"count": 0}

    def on_signal(signum: int, _frame: object) -> None:
        signals["count"] += 1
        if signals["count"] > 1:
            os._exit(130)  # a second signal: leave now
        LOG.info("%s: finishing running batches (at most %.0f s); batches not started go back to the grid",
                 signal.Signals(signum).name, args.shutdown_grace)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    worker.start()
    while not stop.wait(0.5):
        pass
    finished = worker.stop(args.shutdown_grace)
    LOG.info("stopped%s", "" if finished else " (some batches were still running: they run again elsewhere)")
    return 0
