"""The Python worker's app for bench.py: echo."""
import gridqueue


@gridqueue.app("py-echo")
def echo(payload: bytes, ctx: gridqueue.TaskContext) -> bytes:
    return payload
