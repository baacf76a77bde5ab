"""Client-side checks and error mapping, without a grid: fast feedback, messages naming fields."""
import datetime

import grpc
import pytest

import gridqueue
from gridqueue.options import session_request
from gridqueue._internal.endpoints import parse_addresses


def test_out_of_range_attributes_are_refused_naming_the_field():
    with pytest.raises(gridqueue.InvalidArgument, match="priority must be between 0 and 10, got 11") as e:
        session_request("echo", priority=11)
    assert e.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert isinstance(e.value, ValueError)  # also catchable as a plain ValueError
    with pytest.raises(gridqueue.InvalidArgument, match="max_workers must be >= min_workers"):
        session_request("echo", min_workers=3, max_workers=2)
    with pytest.raises(gridqueue.InvalidArgument, match="max_inflight_batches_per_worker"):
        session_request("echo", max_inflight_batches_per_worker=0)
    with pytest.raises(gridqueue.InvalidArgument, match="max_retries"):
        session_request("echo", max_retries=101)
    with pytest.raises(gridqueue.InvalidArgument, match="task_resources has unknown keys"):
        session_request("echo", task_resources={"cpus": 2})
    with pytest.raises(gridqueue.InvalidArgument, match="idle_timeout"):
        session_request("echo", idle_timeout=-1)
    with pytest.raises(gridqueue.InvalidArgument, match="fast_abort_multiplier"):
        session_request("echo", fast_abort_multiplier=0.5)
    with pytest.raises(gridqueue.InvalidArgument, match="preemptible must be True or False"):
        session_request("echo", preemptible="yes")
    with pytest.raises(gridqueue.InvalidArgument, match="app"):
        session_request("")


def test_an_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="priorty"):
        session_request("echo", priorty=3)


def test_attributes_reach_the_request_as_the_contract_names_them():
    s = session_request(
        "echo", priority=0, tags="gpu", max_workers=4, min_workers=1, preemptible=False,
        idle_timeout=datetime.timedelta(minutes=2), max_task_running_time=1.5,
        task_resources=gridqueue.Resources(cores=2, gpus=1), categories={"big": {"memory_mb": 4096}},
        max_retries=0, blocked_worker_hosts=["10.0.0.7"])
    a = s.attributes
    assert s.app.id == "echo"
    assert a.HasField("priority") and a.priority == 0  # an explicit 0 is sent, not the default 5
    assert list(a.tags) == ["gpu"]  # a lone string is one tag
    assert (a.min_workers, a.max_workers) == (1, 4)
    assert a.HasField("preemptible") and not a.preemptible
    assert a.idle_timeout.seconds == 120
    assert (a.max_task_running_time.seconds, a.max_task_running_time.nanos) == (1, 500_000_000)
    assert (a.task_resources.cores, a.task_resources.gpus) == (2, 1)
    assert a.categories["big"].memory_mb == 4096
    assert a.HasField("max_retries") and a.max_retries == 0
    assert not session_request("echo").attributes.HasField("priority")  # absent: the server's default


def test_addresses_are_host_port():
    assert parse_addresses(["a:1", "b:2,c:3"]) == ["a:1", "b:2", "c:3"]
    for bad in (["nohost"], ["host:0"], ["host:http"], []):
        with pytest.raises(gridqueue.InvalidArgument, match="address"):
            parse_addresses(bad)


def test_grpc_errors_become_grid_queue_errors_with_their_status():
    class FakeRpcError(grpc.RpcError):
        def code(self):
            return grpc.StatusCode.NOT_FOUND

        def details(self):
            return "session s-1 not found"

    e = gridqueue.GridQueueError.from_rpc_error(FakeRpcError())
    assert isinstance(e, gridqueue.NotFound)
    assert (e.code, e.details) == (grpc.StatusCode.NOT_FOUND, "session s-1 not found")
    assert str(e) == "NOT_FOUND: session s-1 not found"


def test_a_failed_result_raises_task_failed_when_its_value_is_asked_for():
    ok = gridqueue.TaskResult("t1", b"out", None, 1)
    dead = gridqueue.TaskResult("t2", b"", "cancelled by the client", 0, True)
    assert ok.ok and ok.value() == b"out"
    assert dead.cancelled and not dead.ok
    with pytest.raises(gridqueue.TaskFailed, match="t2 dead letter") as e:
        dead.value()
    assert e.value.result is dead
