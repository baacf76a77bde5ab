#!/usr/bin/env bash
# Work Queue and gridqueue side by side on one machine, one local worker each running 2 tasks at once:
#  1. Work Queue's own example, gzip of a set of files: the outputs must be the same byte for byte;
#  2. N no-op command tasks (":"), tasks/s end to end (submit of the first to the result of the last).
# Each side runs REPS times, alternating (Work Queue, gridqueue, Work Queue, ...), and the medians
# and their ratio are printed with the machine's load average: on a shared machine only figures of
# one run, compared as a ratio, mean something.
#
#   examples/workqueue-side-by-side/run.sh [N] [FILES] [REPS]      (defaults 1000, 20, 3)
#
# Settings. Work Queue 9.9: one manager (wq_tasks.py), one work_queue_worker --cores 2, every task
# specify_cores(1): 2 tasks at once. gridqueue: one `gridqueue server --slots 2` (grid node with its
# local worker), `submit --tasks` with --batch-size 10 for the no-ops (1 for gzip): 2 batches at
# once, each running its tasks one after the other: 2 tasks at once. Both run gzip first, then the
# no-ops; the gridqueue server is started once (the first repetition also warms its JVM up).
#
# Needs Debian's coop-computing-tools and python3-workqueue (Work Queue 9.9) and a built
# distribution (./gridqueue builds it when needed). The grid's ports are picked free at random, so
# grids already running here are left alone.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-1000}"
FILES="${2:-20}"
REPS="${3:-3}"
WORK="$(mktemp -d /tmp/gq-wq-XXXXXX)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true' EXIT

mkdir -p "$WORK/in"
for i in $(seq 1 "$FILES"); do
  head -c 300000 /dev/urandom | base64 > "$WORK/in/file$i.txt"
done
: > "$WORK/gzip.jsonl"
for f in "$WORK"/in/*; do
  name="$(basename "$f")"
  echo "{\"id\": \"$name\", \"command\": \"gzip -n -c infile > outfile.gz\", \"inputs\": [{\"local\": \"$f\", \"remote\": \"infile\", \"cache\": false}], \"outputs\": [{\"remote\": \"outfile.gz\", \"local\": \"$WORK/gq-out/$name.gz\"}]}" >> "$WORK/gzip.jsonl"
done
seq 1 "$N" | sed 's/.*/{"command": ":"}/' > "$WORK/noop.jsonl"

# Free ports: gRPC, then Ignite discovery (+9) and communication (+99) ranges, none in use.
read -r PORT DISCOVERY COMMUNICATION < <(/usr/bin/python3 - <<'PY'
import random, socket
def free(port, count):
    for p in range(port, port + count + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                return False
    return True
while True:
    base = random.randrange(20000, 29000, 10)
    if free(base, 0) and free(base + 1000, 9) and free(base + 2000, 99):
        print(base, base + 1000, base + 2000)
        break
PY
)
"$ROOT/gridqueue" server --port "$PORT" --slots 2 --discovery-port "$DISCOVERY" \
  --communication-port "$COMMUNICATION" --work-dir "$WORK/grid" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 180); do
  grep -q "serving gRPC" "$WORK/server.log" && break
  sleep 1
done

submit() { GRIDQUEUE_NO_BUILD=1 "$ROOT/gridqueue" submit --server "127.0.0.1:$PORT" "$@" | tail -1; }
# "ended: 1,000 succeeded, 0 failed, 0 missing; 15.6 s (64 tasks/s)" -> seconds
seconds() { sed -n 's/.*; \([0-9.]*\) s (.*/\1/p'; }

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$WORK/figures"
for rep in $(seq 1 "$REPS"); do
  echo "== repetition $rep: Work Queue"
  rm -rf "$WORK/wq-out"
  /usr/bin/python3 "$HERE/wq_tasks.py" "$WORK/in" "$WORK/wq-out" "$N" 2 | tee "$WORK/wq.txt"
  echo "wq_gzip $(sed -n 's/.*gzip .* seconds=\([0-9.]*\).*/\1/p' "$WORK/wq.txt")" >> "$WORK/figures"
  echo "wq_noop $(sed -n 's/.*noop .* tasks_per_s=\([0-9.]*\).*/\1/p' "$WORK/wq.txt")" >> "$WORK/figures"
  echo "== repetition $rep: gridqueue"
  rm -rf "$WORK/gq-out"
  mkdir -p "$WORK/gq-out"
  line="$(submit --tasks "$WORK/gzip.jsonl")"
  echo "gridqueue gzip: $line"
  echo "gq_gzip $(echo "$line" | seconds)" >> "$WORK/figures"
  line="$(submit --batch-size 10 --tasks "$WORK/noop.jsonl")"
  echo "gridqueue noop: $line"
  echo "gq_noop $(echo "$line" | seconds | awk -v n="$N" '{printf "%.1f", n / $1}')" >> "$WORK/figures"
  diff -r "$WORK/wq-out" "$WORK/gq-out" > /dev/null \
    && echo "same outputs byte for byte: $(ls "$WORK/gq-out" | wc -l) files" \
    || { echo "outputs differ"; exit 1; }
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$WORK/figures" "$N" "$FILES" "$REPS" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY'
import statistics, sys
path, n, files, reps, before, after = sys.argv[1:]
fig = {}
for line in open(path):
    k, v = line.split()
    fig.setdefault(k, []).append(float(v))
m = {k: statistics.median(v) for k, v in fig.items()}
print(f"== medians of {reps} alternating repetitions (load average before: {before}, after: {after})")
print(f"no-op x{n}  Work Queue {m['wq_noop']:.1f} tasks/s {fig['wq_noop']}, "
      f"gridqueue {m['gq_noop']:.1f} tasks/s {fig['gq_noop']}: {m['gq_noop'] / m['wq_noop']:.1f}x")
print(f"gzip x{files} Work Queue {m['wq_gzip']:.2f} s {fig['wq_gzip']}, "
      f"gridqueue {m['gq_gzip']:.2f} s {fig['gq_gzip']}")
PY
