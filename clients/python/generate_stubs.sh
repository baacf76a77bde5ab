#!/usr/bin/env bash
# Regenerates the Python gRPC stubs in gridqueue/v1/ from the repository's .proto files
# (client-api/src/main/proto/gridqueue/v1/*.proto, the only place the contract is declared).
#
#   clients/python/generate_stubs.sh            # rewrite gridqueue/v1/*_pb2*.py in place
#   clients/python/generate_stubs.sh OUT_DIR     # write OUT_DIR/gridqueue/v1/*_pb2*.py instead
#
# Needs protoc with proto3 `optional` support (3.15+) and the gRPC Python plugin; on Debian:
#   apt-get install -y protobuf-compiler protobuf-compiler-grpc libprotobuf-dev (the well-known types)
# The stubs are checked in (so `pip install` needs no protoc); tests/test_stubs.py fails when
# they differ from what this script generates. Run it after changing a .proto file, then commit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROTO_ROOT="$HERE/../../client-api/src/main/proto"
OUT="${1:-$HERE}"

PROTOC="${PROTOC:-protoc}"
PLUGIN="${GRPC_PYTHON_PLUGIN:-$(command -v grpc_python_plugin || true)}"
if ! command -v "$PROTOC" >/dev/null || [[ -z "$PLUGIN" ]]; then
  echo "generate_stubs.sh: needs protoc and grpc_python_plugin: apt-get install -y protobuf-compiler protobuf-compiler-grpc libprotobuf-dev" >&2
  exit 2
fi

mkdir -p "$OUT"
# The stubs import each other as `gridqueue.v1.*` (the proto package), which is exactly where
# they live in this Python package: no import rewriting needed.
"$PROTOC" -I "$PROTO_ROOT" \
  --python_out="$OUT" \
  --grpc_out="$OUT" --plugin=protoc-gen-grpc="$PLUGIN" \
  gridqueue/v1/queue.proto gridqueue/v1/cache.proto gridqueue/v1/command.proto gridqueue/v1/files.proto
# Which protoc wrote them: tests/test_stubs.py compares the files byte for byte when its protoc is
# the same, and the contract they carry (the serialized descriptors) with any other.
"$PROTOC" --version > "$OUT/gridqueue/v1/GENERATED_WITH"
