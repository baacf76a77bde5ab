"""The client against a real grid node (its local JVM worker serves echo and sleep)."""
import queue
from collections import Counter

import grpc
import pytest

import gridqueue
from gridqueue.v1 import queue_pb2, queue_pb2_grpc

TIMEOUT = 120


def test_every_task_reaches_the_caller_exactly_once(client):
    # given
    n = 10_000
    with client.session("echo", batch_size=100) as s:
        payloads = {s.submit(f"payload-{i}".encode(), id=f"t{i}"): f"payload-{i}".encode() for i in range(n)}

        # when
        results = list(s.as_completed(timeout=TIMEOUT))

        # then
        assert Counter(r.id for r in results) == Counter(payloads.keys())  # every id, each once
        assert all(r.ok and r.payload == payloads[r.id] and r.attempts == 1 for r in results)
        assert s.pending == 0 and s.duplicates_dropped == 0 and s.failovers == 0


def test_batches_of_one_and_generated_ids(client):
    with client.session("echo", batch_size=1) as s:
        ids = [s.submit(b"x%d" % i) for i in range(300)]
        assert len(set(ids)) == 300
        assert sorted(r.id for r in s) == sorted(ids)  # iterating a session is as_completed()


def test_map_yields_outputs_in_input_order(client):
    with client.session("echo", batch_size=7) as s:
        inputs = [f"in-{i}".encode() for i in range(250)]
        assert list(s.map(inputs, timeout=TIMEOUT)) == inputs
        # results of other tasks arriving during a map are kept for as_completed
        s.submit(b"other", id="other")
        assert list(s.map([b"a", b"b"], timeout=TIMEOUT)) == [b"a", b"b"]
        assert [r.id for r in s.as_completed(timeout=TIMEOUT)] == ["other"]


def test_dead_letters_are_delivered_once_and_marked(client):
    # given: the "sleep" app fails on a payload that is not a number
    with client.session("sleep", batch_size=10) as s:
        for i in range(20):
            s.submit(b"not-a-number" if i % 5 == 0 else b"1", id=f"t{i}")

        # when
        results = {r.id: r for r in s.as_completed(timeout=TIMEOUT)}

        # then
        assert len(results) == 20
        dead = {i for i, r in results.items() if r.dead_letter}
        assert dead == {"t0", "t5", "t10", "t15"}
        assert all("NumberFormatException" in results[i].error and results[i].attempts == 1 for i in dead)
        assert all(r.ok and r.payload == b"1" for i, r in results.items() if i not in dead)

        # map raises the failed task's TaskFailed when its turn comes
        outputs = s.map([b"2", b"oops", b"3"], timeout=TIMEOUT)
        assert next(outputs) == b"2"
        with pytest.raises(gridqueue.TaskFailed, match="NumberFormatException") as e:
            next(outputs)
        assert e.value.result.dead_letter


def test_cancel_by_id_by_tag_and_everything(client):
    # given: 40 tasks of 200 ms that run one at a time
    with client.session("sleep", batch_size=1, max_workers=1, max_inflight_batches_per_worker=1) as s:
        for i in range(40):
            s.submit(b"200", id=f"t{i}", tag="odd" if i % 2 else "even")
        s.flush()

        # when
        accepted_ids = s.cancel(ids=["t30", "t32"])
        accepted_tags = s.cancel(tags=["odd"])
        accepted_all = s.cancel(all=True)
        results = {r.id: r for r in s.as_completed(timeout=TIMEOUT)}

        # then: each task ended once, as a result or a dead letter saying it was cancelled; the
        # named ones and the odd ones never ran (the first few may have started before the
        # cancels arrived: tasks run one after another, t20 not before 4 s)
        assert (accepted_ids, accepted_tags) == (2, 1) and accepted_all >= 0
        assert len(results) == 40
        cancelled = {i for i, r in results.items() if r.cancelled}
        assert {"t30", "t32"} <= cancelled
        assert {f"t{i}" for i in range(21, 40, 2)} <= cancelled
        assert all(r.ok for i, r in results.items() if i not in cancelled)
        assert {f"t{i}" for i in range(20, 40)} <= cancelled  # cancel(all=True) took the rest
        assert all(results[i].dead_letter and results[i].error.startswith("cancelled") for i in cancelled)
    with pytest.raises(gridqueue.InvalidArgument, match="needs ids=, tags= or all=True"):
        with client.session("sleep") as s:
            s.cancel()


def test_shared_data_levels(client):
    with client.session("py-shared", batch_size=10) as s:
        data = s.shared_data
        # given: two levels
        data.set(1, b"one", ttl=120)
        s.use_shared_data(1)
        first = [s.submit(b"") for _ in range(30)]
        data.update(2, b"two")
        s.use_shared_data(2)
        second = [s.submit(b"") for _ in range(30)]

        # then: tasks read the level they were submitted with, even after a later one came
        results = {r.id: r for r in s.as_completed(timeout=TIMEOUT)}
        assert {tuple(results[i].payload.split(b"|")[:2]) for i in first} == {(b"one", b"1")}
        assert {tuple(results[i].payload.split(b"|")[:2]) for i in second} == {(b"two", b"2")}
        assert (data.get(1), data.get(2), data.get(), data.latest_level()) == (b"one", b"two", b"two", 2)

        # the server's rules, as exceptions carrying its status
        with pytest.raises(gridqueue.FailedPrecondition, match="update level mismatch: expected 3, got 5") as e:
            data.update(5, b"five")
        assert e.value.code == grpc.StatusCode.FAILED_PRECONDITION
        with pytest.raises(gridqueue.InvalidArgument, match="600"):
            data.set(3, b"x", ttl=3600)  # above the server's maximum: the server refuses it
        data.delete()
        with pytest.raises(gridqueue.NotFound, match="shared data not found"):
            data.get(1)

    # a task whose level is gone ends as a dead letter carrying the server's NOT_FOUND message
    # (the JVM worker's "shared-digest" app: its near cache sees the deletion; see the worker tests)
    with client.session("shared-digest") as s:
        s.shared_data.set(1, b"one")
        s.shared_data.delete()
        s.use_shared_data(1)
        s.submit(b"", id="orphan")
        r = next(s.as_completed(timeout=TIMEOUT))
        assert r.id == "orphan" and r.dead_letter and "shared data not found" in r.error


def test_errors_carry_the_grpc_status(client):
    with pytest.raises(gridqueue.NotFound, match="no-such-session") as e:
        client.close_session("no-such-session")
    assert e.value.code == grpc.StatusCode.NOT_FOUND and "no-such-session" in e.value.details
    with pytest.raises(gridqueue.InvalidArgument, match="priority"):
        client.session("echo", priority=11)  # refused client-side, naming the field
    s = client.session("echo")
    client.close_session(s.id)  # closed behind the session's back
    with pytest.raises(gridqueue.NotFound):
        s.submit(b"x")
        s.flush()
        list(s.as_completed(timeout=TIMEOUT))
    s.close()  # harmless on a session the server no longer knows
    with pytest.raises(gridqueue.Unavailable):
        with gridqueue.connect("127.0.0.1:1", call_timeout=10) as nowhere:
            nowhere.stats()


def test_acknowledged_results_are_not_sent_again_unacknowledged_ones_are(grid, client):
    # given: a session whose 500 results the client read, then one more task read as a marker:
    # its batch went after every acknowledgement of the 500 on the same stream, so once its
    # result is back the server has seen those acknowledgements
    s = client.session("echo")
    try:
        assert len(list(s.map([b"x"] * 500, timeout=TIMEOUT))) == 500
        s.submit(b"m", id="marker")
        assert [r.id for r in s.as_completed(timeout=TIMEOUT)] == ["marker"]
        s._stream.close()  # white box: its streams end, the session stays open
        # ... and 20 results that a raw stream received without acknowledging before it broke
        with RawStream(grid.address, s.id) as raw:
            unacked = {f"u{i}" for i in range(20)}
            raw.send(sorted(unacked))
            raw.receive_all(unacked)

        # when: a stream attaches to the session again
        with RawStream(grid.address, s.id) as again:
            received = again.receive_all(unacked)  # the unacknowledged 20 come again, first
            again.send(["probe"])  # then one more round trip, and the stream ends
            received += again.finish()
    finally:
        client.close_session(s.id)

    # then: nothing the Python client had read (and so acknowledged) before the marker came again
    assert set(received) - {"marker"} == set(unacked) | {"probe"}


class RawStream:
    """A ClientStream of the generated stubs, attached with the sessionid header: sends task ids
    (payload b"p"), receives task ids, never acknowledges anything."""

    def __init__(self, address, session_id):
        self._channel = grpc.insecure_channel(address)
        self._session_id = session_id
        self._requests = queue.Queue()
        self._call = queue_pb2_grpc.QueueStub(self._channel).ClientStream(
            iter(self._requests.get, None), metadata=(("sessionid", session_id),), timeout=TIMEOUT)

    def send(self, ids):
        self._requests.put(queue_pb2.Batch(session_id=self._session_id,
                                           messages=[queue_pb2.Message(id=i, payload=b"p") for i in ids]))

    def receive_all(self, expected):
        """Receives until every id of ``expected`` came; returns every id received."""
        ids = []
        while not set(expected) <= set(ids):
            ids.extend(m.id for m in next(self._call).messages)
        return ids

    def finish(self):
        """Half-closes and returns every id received until the server completes the stream."""
        self._requests.put(None)
        return [m.id for batch in self._call for m in batch.messages]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._call.cancel()
        self._requests.put(None)
        self._channel.close()


def test_update_session_changes_only_what_it_names_and_refuses_bad_input(client):
    with client.session("sleep", priority=3, max_workers=2, tags=[]) as s:
        # when: named attributes change, the others stay
        updated = s.update(priority=8, blocked_worker_hosts=["10.0.0.7"])
        assert updated.attributes.priority == 8
        assert updated.attributes.max_workers == 2
        assert list(s.block_host("gpu-7.example.org").attributes.blocked_worker_hosts) == \
            ["10.0.0.7", "gpu-7.example.org"]
        assert list(s.unblock_host("10.0.0.7").attributes.blocked_worker_hosts) == ["gpu-7.example.org"]

        # then: bad input is refused naming the field, nothing changes
        with pytest.raises(gridqueue.InvalidArgument, match=r"min_workers \(3\) must not exceed"):
            client.update_session(s.id, min_workers=3)
        with pytest.raises(gridqueue.InvalidArgument, match="is not a host name or an IP address"):
            s.update(blocked_worker_hosts=["not a host"])
        with pytest.raises(gridqueue.InvalidArgument,
                           match=r"block_worker_hosts\[0\] 'not a host' is not a host name"):
            s.block_host("not a host")
        with pytest.raises(gridqueue.InvalidArgument, match="max_retries cannot be changed"):
            s.update(max_retries=1)
        now = client.update_session(s.id).attributes
        assert (now.priority, now.min_workers, list(now.blocked_worker_hosts)) == (8, 0, ["gpu-7.example.org"])
        sid = s.id
    with pytest.raises(gridqueue.NotFound):
        client.update_session(sid, priority=1)


def test_a_session_closed_by_another_client_ends_the_wait(grid, client):
    # given: a task that waits (its session asks for a tag no worker carries)
    with client.session("sleep", batch_size=1, tags=["nowhere"]) as s:
        s.submit(b"1")
        s.flush()
        # when: another client closes the session
        with gridqueue.connect(grid.address) as other:
            other.close_session(s.id)
        # then: the wait ends NOT_FOUND naming the session, instead of at the timeout
        with pytest.raises(gridqueue.NotFound, match=s.id):
            s.next_result(timeout=60)
