#!/usr/bin/env bash
# Work Queue and gridqueue side by side on one machine, one local worker each (2 cores):
#  1. Work Queue's own example, gzip of a set of files: the outputs must be the same byte for byte;
#  2. N no-op command tasks (":"), tasks/s end to end.
#
#   examples/workqueue-side-by-side/run.sh [N] [FILES]      (N default 1000, FILES default 20)
#
# Needs Debian's coop-computing-tools and python3-workqueue (Work Queue 9.9) and a built
# distribution (./gridqueue builds it when needed). Ports: gRPC 21337 and Ignite's defaults
# offset by +300 so a grid already running here is left alone.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-1000}"
FILES="${2:-20}"
WORK="$(mktemp -d /tmp/gq-wq-XXXXXX)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true' EXIT

mkdir -p "$WORK/in"
for i in $(seq 1 "$FILES"); do
  head -c 300000 /dev/urandom | base64 > "$WORK/in/file$i.txt"
done

echo "== Work Queue"
/usr/bin/python3 "$HERE/wq_tasks.py" "$WORK/in" "$WORK/wq-out" "$N" 2

echo "== gridqueue"
PORT=21337
"$ROOT/gridqueue" server --port "$PORT" --slots 2 --discovery-port 47800 --communication-port 47400 \
  --work-dir "$WORK/grid" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  grep -q "serving gRPC" "$WORK/server.log" && break
  sleep 1
done
mkdir -p "$WORK/gq-out"
: > "$WORK/gzip.jsonl"
for f in "$WORK"/in/*; do
  name="$(basename "$f")"
  echo "{\"id\": \"$name\", \"command\": \"gzip -n -c infile > outfile.gz\", \"inputs\": [{\"local\": \"$f\", \"remote\": \"infile\", \"cache\": false}], \"outputs\": [{\"remote\": \"outfile.gz\", \"local\": \"$WORK/gq-out/$name.gz\"}]}" >> "$WORK/gzip.jsonl"
done
GRIDQUEUE_NO_BUILD=1 "$ROOT/gridqueue" submit --server "127.0.0.1:$PORT" --tasks "$WORK/gzip.jsonl" | tail -1
seq 1 "$N" | sed 's/.*/{"command": ":"}/' > "$WORK/noop.jsonl"
GRIDQUEUE_NO_BUILD=1 "$ROOT/gridqueue" submit --server "127.0.0.1:$PORT" --batch-size 10 \
  --tasks "$WORK/noop.jsonl" | tail -1

echo "== same outputs byte for byte"
diff -r "$WORK/wq-out" "$WORK/gq-out" && echo "identical: $(ls "$WORK/gq-out" | wc -l) files"
