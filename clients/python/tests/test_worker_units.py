"""Worker pieces without a grid: handler results, the app registry, the command line."""
import subprocess
import sys

import pytest

import gridqueue
from gridqueue.app import registered_apps
from gridqueue._internal.handlers import run_tasks
from gridtest import PYTHON_DIR, python_worker_env


def _run(handler, payload=b"in"):
    return run_tasks(handler, [("t1", payload, "tag")], "s1", "app", "w1", None)[0]


def test_handler_results_become_bytes_and_failures_errors():
    assert _run(lambda p, ctx: p + b"!") == ("t1", b"in!", None)
    assert _run(lambda p, ctx: "grüße") == ("t1", "grüße".encode(), None)
    assert _run(lambda p, ctx: None) == ("t1", b"", None)
    assert _run(lambda p, ctx: f"{ctx.task_id} {ctx.tag} {ctx.session_id} {ctx.app_id}") == ("t1", b"t1 tag s1 app", None)
    assert _run(lambda p, ctx: 42) == ("t1", None, "TypeError: the handler returned int; return bytes, str (sent as UTF-8) or None")
    assert _run(lambda p, ctx: 1 / 0) == ("t1", None, "ZeroDivisionError: division by zero")

    def needs_shared(p, ctx):
        return ctx.shared_data()
    task_id, output, error = _run(needs_shared)
    assert output is None and error.startswith("LookupError: task t1 reads no shared data")


def test_an_app_name_serves_one_function():
    @gridqueue.app("units-one")
    def first(payload, ctx):
        return payload

    assert registered_apps()["units-one"] is first
    with pytest.raises(ValueError, match="already served by"):
        @gridqueue.app("units-one")
        def second(payload, ctx):
            return payload
    with pytest.raises(ValueError, match="non-empty"):
        gridqueue.app("")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "gridqueue.worker", *args], capture_output=True, text=True,
                          env={**python_worker_env(), "PATH": "/usr/bin:/bin"}, cwd=PYTHON_DIR, timeout=60)


def test_the_command_line_explains_itself_and_refuses_bad_options():
    help_text = _cli("--help")
    assert help_text.returncode == 0 and "--processes" in help_text.stdout and "--grid" in help_text.stdout
    no_module = _cli("--grid", "localhost:1")
    assert no_module.returncode == 2 and "--module is required" in no_module.stderr
    unknown_app = _cli("--module", "gq_testapps", "--apps", "nope")
    assert unknown_app.returncode == 2 and "apps names apps no module registered: ['nope']" in unknown_app.stderr
    missing = _cli("--module", "no_such_module_here")
    assert missing.returncode == 2 and "no_such_module_here" in missing.stderr
