"""``pip install ./clients/python`` gives a working package, stubs included, nothing else needed.

Installs into a fresh virtual environment that sees the system's grpcio and protobuf (so no
package index is needed) and uses the package from outside the source tree.
"""
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from gridtest import PYTHON_DIR


def test_pip_install_gives_an_importable_package_and_the_worker_command(tmp_path: Path):
    try:
        import ensurepip  # noqa: F401  (Debian ships it in python3-venv)
    except ImportError:
        pytest.fail("venv needs ensurepip: apt-get install -y python3-venv")
    # given: a copy of the source tree (pip builds in place; the repository stays clean)
    source = tmp_path / "src"
    shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("target", "__pycache__", "*.egg-info", "build"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"

    # when
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--no-build-isolation", str(source)],
                             capture_output=True, text=True, timeout=300)

    # then
    assert install.returncode == 0, install.stdout + install.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    probe = ("import gridqueue, gridqueue.worker, gridqueue.v1.queue_pb2 as q; "
             "print(gridqueue.__file__); print(q.Batch(id='b').id)")
    used = subprocess.run([str(python), "-c", probe], cwd=outside, capture_output=True, text=True, timeout=60)
    assert used.returncode == 0, used.stderr
    where, batch_id = used.stdout.split()
    assert Path(where).is_relative_to(env_dir) and batch_id == "b"
    cli = subprocess.run([str(python), "-m", "gridqueue.worker", "--help"], cwd=outside, capture_output=True,
                         text=True, timeout=60)
    assert cli.returncode == 0 and "--module" in cli.stdout
