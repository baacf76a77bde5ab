"""The checked-in stubs are what generate_stubs.sh makes of the repository's .proto files."""
import ast
import filecmp
import shutil
import subprocess
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
STUBS = PYTHON_DIR / "gridqueue" / "v1"
GENERATED = ["queue_pb2.py", "queue_pb2_grpc.py", "cache_pb2.py", "cache_pb2_grpc.py",
             "command_pb2.py", "command_pb2_grpc.py", "files_pb2.py", "files_pb2_grpc.py"]
FIX = "clients/python/generate_stubs.sh, then commit gridqueue/v1/"


def test_checked_in_stubs_match_the_proto_files(tmp_path: Path):
    if shutil.which("protoc") is None or shutil.which("grpc_python_plugin") is None:
        pytest.fail("protoc and grpc_python_plugin are needed: "
                    "apt-get install -y protobuf-compiler protobuf-compiler-grpc libprotobuf-dev")
    # when
    subprocess.run([str(PYTHON_DIR / "generate_stubs.sh"), str(tmp_path)], check=True)

    # then: the contract they carry is the .proto files' (whatever protoc made them) ...
    fresh = tmp_path / "gridqueue" / "v1"
    for name in ("queue_pb2.py", "cache_pb2.py", "command_pb2.py", "files_pb2.py"):
        same = _descriptor(fresh / name) == _descriptor(STUBS / name)
        assert same, f"gridqueue/v1/{name} is out of date with the .proto files: run {FIX}"
    # ... and, with the protoc that wrote them, they are the same files byte for byte.
    if (fresh / "GENERATED_WITH").read_text() == (STUBS / "GENERATED_WITH").read_text():
        stale = [n for n in GENERATED if not filecmp.cmp(fresh / n, STUBS / n, shallow=False)]
        assert not stale, f"out of date: {stale}: run {FIX}"


def _descriptor(path: Path) -> bytes:
    """The serialized FileDescriptorProto embedded in a generated _pb2.py, read without importing
    it (importing a second copy would clash in protobuf's default descriptor pool)."""
    text = path.read_text()
    start = text.index("AddSerializedFile(") + len("AddSerializedFile(")
    end = text.index(")\n", start)
    return ast.literal_eval(text[start:end])  # a bytes literal written by protoc
