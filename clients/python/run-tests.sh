#!/usr/bin/env bash
# Runs the Python client and worker tests (pytest). They start their own grid nodes with the
# repository's ./gridqueue launcher and their own Python workers, and kill them at the end.
#
# `mvn -B verify` runs this (module clients/python, integration-test phase, after the cli module
# has packaged the distribution, with GRIDQUEUE_NO_BUILD=1). By hand, after a build:
#   GRIDQUEUE_NO_BUILD=1 clients/python/run-tests.sh [pytest options, e.g. -k failover]
# Logs of every grid node and worker: clients/python/target/pytest/<run>/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PY="${PYTHON:-/usr/bin/python3}"
PACKAGES="python3-grpcio python3-protobuf python3-pytest python3-numpy python3-venv python3-pip protobuf-compiler protobuf-compiler-grpc libprotobuf-dev"
missing() {
  echo "clients/python/run-tests.sh: $1" >&2
  echo "  The Python tests need Debian's Python packages: apt-get update && apt-get install -y $PACKAGES" >&2
  echo "  (.ci/run installs them; or set PYTHON to an interpreter with grpcio, protobuf and pytest)" >&2
  exit 1
}
[[ -x "$PY" ]] || missing "no Python interpreter at $PY"
"$PY" -c "import grpc, google.protobuf, pytest" 2>/dev/null || missing "$PY cannot import grpc, google.protobuf and pytest"
command -v protoc >/dev/null && command -v grpc_python_plugin >/dev/null || missing "protoc and grpc_python_plugin are missing"

# A hung test must not hold CI until its limit: pytest gets SIGINT (its fixtures then kill every
# grid node and worker they started) after 25 minutes, SIGKILL a minute later.
exec timeout --signal=INT --kill-after=60 1500 "$PY" -m pytest -ra -p no:cacheprovider "$@"
