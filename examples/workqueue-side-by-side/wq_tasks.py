#!/usr/bin/python3
"""Work Queue's side: gzip of every file in IN_DIR into OUT_DIR (Work Queue's own example), then N
no-op command tasks; one manager, one local worker with CORES cores. Prints tasks/s of each part.

    /usr/bin/python3 wq_tasks.py IN_DIR OUT_DIR N [CORES]
"""
import os
import subprocess
import sys
import time

import work_queue as wq

in_dir, out_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
cores = sys.argv[4] if len(sys.argv) > 4 else "2"
os.makedirs(out_dir, exist_ok=True)
q = wq.WorkQueue(0)
worker = subprocess.Popen(["work_queue_worker", "--cores", cores, "--single-shot", "localhost", str(q.port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
started = time.time()
while q.stats.workers_connected < 1 and time.time() - started < 30:
    q.wait(1)


def run(tasks):
    t0 = time.time()
    for t in tasks:
        q.submit(t)
    ok = 0
    while not q.empty():
        t = q.wait(5)
        if t and t.result == wq.WORK_QUEUE_RESULT_SUCCESS and t.return_status == 0:
            ok += 1
    return ok, time.time() - t0


gzip_tasks = []
for name in sorted(os.listdir(in_dir)):
    t = wq.Task("gzip -n -c infile > outfile.gz")
    t.specify_input_file(os.path.join(in_dir, name), "infile", cache=False)
    t.specify_output_file(os.path.join(out_dir, name + ".gz"), "outfile.gz", cache=False)
    t.specify_cores(1)
    gzip_tasks.append(t)
ok, el = run(gzip_tasks)
print(f"workqueue gzip files={len(gzip_tasks)} ok={ok} seconds={el:.3f}")

noop = []
for i in range(n):
    t = wq.Task(":")
    t.specify_cores(1)
    noop.append(t)
ok, el = run(noop)
print(f"workqueue noop n={n} ok={ok} seconds={el:.3f} tasks_per_s={n / el:.1f}")
worker.kill()
