"""Command tasks from Python (Work Queue's Task) against a real grid node, whose local JVM worker
runs them: inputs uploaded through the Files service once per session and cached, buffers, env,
outputs written where asked (inline and downloaded), exit codes, result codes; bad tasks refused
naming the field before anything is sent."""
import hashlib
import os

import pytest

import gridqueue
from gridqueue.v1 import command_pb2

TIMEOUT = 120


def by_id(session):
    return {r.id: r for r in session.as_completed(timeout=TIMEOUT)}


def test_inputs_buffers_env_and_outputs_written_where_asked(client, tmp_path):
    # given: a 3 MB input (through the file store, not the batch) read by 5 tasks
    data = os.urandom(3 << 20)
    (tmp_path / "data.bin").write_bytes(data)
    with client.session("command") as s:
        asked = []
        stat = s.files.has
        s.files.has = lambda sha: asked.append(sha) or stat(sha)  # counts StatFile calls
        for i in range(5):
            t = (gridqueue.CommandTask("sha256sum in.bin | cut -c1-64 > sum.txt; cat p.txt; echo \" $SEED\"; "
                                       "head -c 100000 /dev/zero > big.out")
                 .input(tmp_path / "data.bin", "in.bin", cache=True)
                 .buffer(f"param-{i}", "p.txt")
                 .env("SEED", str(i))
                 .output("sum.txt", tmp_path / "out" / f"sum-{i}.txt")
                 .output("big.out", tmp_path / "out" / f"big-{i}.out"))
            s.submit(t, id=f"t{i}")

        # when
        results = by_id(s)

        # then: every task ran with its own buffer and env, and its outputs are on disk
        sha = hashlib.sha256(data).hexdigest()
        assert asked == [sha]  # asked about and uploaded once for the session, named by its SHA-256
        assert stat(sha)
        for i in range(5):
            r = results[f"t{i}"]
            assert r.ok and r.result_name == "RESULT_SUCCESS" and r.exit_code == 0
            assert r.stdout == f"param-{i} {i}\n".encode()
            assert (tmp_path / "out" / f"sum-{i}.txt").read_text().strip() == sha
            assert (tmp_path / "out" / f"big-{i}.out").read_bytes() == bytes(100000)  # above 64 KiB: downloaded
            assert r.run is not None and r.run.worker_id and r.run.attempt == 1
        assert not list((tmp_path / "out").glob("*.part"))


def test_exit_codes_and_result_codes(client, tmp_path):
    with client.session("command") as s:
        s.submit(gridqueue.CommandTask("echo oops >&2; exit 3"), id="exit3")
        s.submit(gridqueue.CommandTask("true").output("never.txt", tmp_path / "never.txt"), id="missing")
        s.submit(gridqueue.CommandTask("sleep 30").max_running_time(0.5), id="slow")
        s.submit(gridqueue.CommandTask("echo kept > k.txt").output("k.txt"), id="kept")

        results = by_id(s)

        # a command that exits non-zero still ran to its end: a result with its exit code
        assert results["exit3"].result_name == "RESULT_SUCCESS"
        assert results["exit3"].exit_code == 3 and results["exit3"].stderr == b"oops\n"
        # the other codes arrive as dead letters saying why
        assert results["missing"].dead_letter and results["missing"].result_name == "RESULT_OUTPUT_MISSING"
        assert not (tmp_path / "never.txt").exists()
        assert results["slow"].dead_letter and results["slow"].result_code == command_pb2.RESULT_MAX_RUNNING_TIME
        # an output without a local path stays in the result
        kept = results["kept"].command.outputs[0]
        assert kept.remote_name == "k.txt" and kept.inline and kept.content == b"kept\n"


def test_plain_results_and_dead_letters_beside_command_results(client):
    with client.session("echo") as s:
        s.submit(b"x", id="x")
        r = s.next_result(timeout=TIMEOUT)
        assert r.ok and r.command is None and r.exit_code is None and r.stdout == b""
    with client.session("sleep") as s:
        s.submit(b"", id="bad")  # not a number of milliseconds: the handler fails
        r = s.next_result(timeout=TIMEOUT)
        assert r.dead_letter and r.result_name == "RESULT_TASK_ERROR"
        assert r.run is not None and r.run.worker_id


def test_bad_command_tasks_are_refused_naming_the_field(client, tmp_path):
    with pytest.raises(gridqueue.InvalidArgument, match="command must be a non-empty command line"):
        gridqueue.CommandTask("  ")
    t = gridqueue.CommandTask("true")
    with pytest.raises(gridqueue.InvalidArgument, match=r"output remote name '\.\./x' must be a relative path"):
        t.output("../x")
    with pytest.raises(gridqueue.InvalidArgument, match=r"output remote name '/etc/x' must be a relative path"):
        t.output("/etc/x")
    with pytest.raises(gridqueue.InvalidArgument, match=r"buffer 'b' is 1048577 bytes; the limit is 1048576"):
        t.buffer(bytes((1 << 20) + 1), "b")
    with pytest.raises(gridqueue.InvalidArgument, match="env has an invalid variable name 'A=B'"):
        t.env("A=B", "1")
    t.buffer(b"x", "same")
    with pytest.raises(gridqueue.InvalidArgument, match="'same' names an input twice"):
        t.buffer(b"y", "same")

    missing = tmp_path / "nope.txt"
    with client.session("command") as s:
        with pytest.raises(gridqueue.InvalidArgument, match=r"input '.*nope\.txt' '.*nope\.txt' cannot be read"):
            s.submit(gridqueue.CommandTask("cat nope.txt").input(missing))
        assert s.pending == 0
        s.submit(gridqueue.CommandTask("echo still-serving"), id="ok")  # nothing broke the session
        assert s.next_result(timeout=TIMEOUT).stdout == b"still-serving\n"
    with client.session("echo") as s:
        with pytest.raises(gridqueue.InvalidArgument, match="a command task needs a session of app 'command'"):
            s.submit(gridqueue.CommandTask("true"))


def test_work_queue_method_names_build_the_same_task(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    ours = (gridqueue.CommandTask("gzip -c a.txt > a.gz").input(tmp_path / "a.txt", "a.txt", cache=False)
            .buffer(b"1", "p").output("a.gz", tmp_path / "a.gz").env("X", "1").max_running_time(60))
    wq = (gridqueue.CommandTask("gzip -c a.txt > a.gz").specify_input_file(tmp_path / "a.txt", "a.txt", cache=False)
          .specify_buffer(b"1", "p").specify_output_file(tmp_path / "a.gz", "a.gz")
          .specify_environment_variable("X", "1").specify_running_time_max(60))
    hashes = {tmp_path / "a.txt": "0" * 64}
    assert ours.to_proto(hashes) == wq.to_proto(hashes)
    assert ours.outputs == wq.outputs == {"a.gz": tmp_path / "a.gz"}
    proto = ours.to_proto(hashes)
    assert proto.max_running_time.seconds == 60 and proto.inputs[0].sha256 == "0" * 64
    assert proto.inputs[1].content == b"1" and list(proto.output_names) == ["a.gz"]


def test_directories_in_and_out_byte_for_byte_links_not_followed(client, tmp_path):
    # given: a tree with nested files (one above the inline limit) and an empty directory
    tree = tmp_path / "tree"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / "empty").mkdir()
    (tree / "a.txt").write_text("alpha\n")
    (tree / "sub" / "deeper" / "c.bin").write_bytes(os.urandom(200_000))
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n")
    with client.session("command") as s:
        # when: the command copies it into an output directory, with a link out of the sandbox
        t = (gridqueue.CommandTask(f"cp -r in out && ln -s {secret} out/link")
             .input(tree, "in")  # a directory: sent with everything under it
             .output_directory("out", tmp_path / "back"))
        s.submit(t, id="copy")
        r = by_id(s)["copy"]

    # then: the tree came back whole, the link listed and not followed
    assert r.ok and r.result_name == "RESULT_SUCCESS", r
    assert (tmp_path / "back" / "a.txt").read_text() == "alpha\n"
    assert (tmp_path / "back" / "sub" / "deeper" / "c.bin").read_bytes() == (tree / "sub" / "deeper" / "c.bin").read_bytes()
    assert (tmp_path / "back" / "empty").is_dir() and not any((tmp_path / "back" / "empty").iterdir())
    assert not (tmp_path / "back" / "link").exists()
    assert list(r.command.output_directories[0].skipped_links) == ["out/link"]


def test_bad_directories_are_refused_naming_the_field(tmp_path):
    with pytest.raises(gridqueue.InvalidArgument, match="is not a directory"):
        gridqueue.CommandTask("true").input_directory(tmp_path / "missing", "in")
    with pytest.raises(gridqueue.InvalidArgument, match="output directory remote name"):
        gridqueue.CommandTask("true").output_directory("../x")
