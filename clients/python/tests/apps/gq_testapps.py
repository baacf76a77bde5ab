"""Handlers the tests' Python workers serve (each test's workers pick theirs with --apps)."""
import os
import time

import gridqueue

_decodes = {}


@gridqueue.app("py-echo")
def echo(payload: bytes, ctx: gridqueue.TaskContext) -> bytes:
    return payload


@gridqueue.app("py-fail")
def upper_or_fail(payload: bytes, ctx: gridqueue.TaskContext) -> bytes:
    if b"boom" in payload:
        raise ValueError("payload says boom")
    return payload.upper()


@gridqueue.app("py-pid")
def pid(payload: bytes, ctx: gridqueue.TaskContext) -> str:
    """Which process ran the task."""
    return str(os.getpid())


@gridqueue.app("py-shared")
def shared(payload: bytes, ctx: gridqueue.TaskContext) -> bytes:
    """The shared data the task sees, its level, how often this process decoded it, and the pid."""
    decodes = ctx.shared_object(_count_decode)
    return b"%s|%d|%d|%d" % (ctx.shared_data(), ctx.shared_data_level, decodes, os.getpid())


def _count_decode(data: bytes) -> int:
    _decodes[data] = _decodes.get(data, 0) + 1
    return _decodes[data]


@gridqueue.app("py-sleep")
def sleep_ms(payload: bytes, ctx: gridqueue.TaskContext) -> str:
    """Sleeps the milliseconds in the payload; answers with the worker process id."""
    time.sleep(int(payload) / 1000.0)
    return str(os.getpid())
