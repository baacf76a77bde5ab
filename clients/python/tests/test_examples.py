"""examples/python runs as its README says (against the test grid instead of localhost:1337)."""
import subprocess
import sys

import pytest

from gridtest import PYTHON_DIR, ROOT

EXAMPLES = ROOT / "examples" / "python"


def _env():
    return {"PYTHONPATH": str(PYTHON_DIR), "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"}


def _run(grid, *args):
    done = subprocess.run([sys.executable, *args, "--grid", grid.address], cwd=EXAMPLES, env=_env(),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_pi_client_on_the_built_in_jvm_app(grid):
    out = _run(grid, "pi_client.py", "--tasks", "40", "--samples", "100000")
    assert "pi ~ 3.1" in out and "4,000,000 samples in 40 tasks of app 'pi'" in out


def test_the_numpy_worker_serves_the_pi_and_matvec_clients(grid, procs):
    pytest.importorskip("numpy", reason="the numpy examples need python3-numpy")
    procs.start("numpy-worker", [sys.executable, "-m", "gridqueue.worker", "--grid", grid.address,
                                 "--module", "numpy_worker", "--processes"], env=_env(), cwd=EXAMPLES)
    procs.await_log("numpy-worker", "registered", 60)
    out = _run(grid, "pi_client.py", "--app", "pi-numpy", "--tasks", "40", "--samples", "100000")
    assert "pi ~ 3.1" in out and "of app 'pi-numpy'" in out
    out = _run(grid, "matvec_client.py", "--size", "100", "--vectors", "200")
    assert "200 products of a 100x100 matrix" in out
