#!/usr/bin/env node
// End-to-end proof of the Node worker against a running gridqueue server, using only the .proto
// contract on both sides (this client and worker.js): no Java client, no generated code.
//
// Usage: node smoke.js [host:port] [tasks] [batchSize]      (defaults: localhost:1337 10000 100)
// The server must run without a local worker and with no other worker serving "upper":
//   ./gridqueue server --no-local-worker --port 1337
//
// 1. throughput  one Node worker serves an "upper" session: every result id once, payload uppercased.
// 2. tags        a session tagged "gpu" is not served by a worker without the tag (GetStats shows
//                its tasks waiting), then is served once a worker with --tags gpu registers.
// 3. concurrency two sessions bound to one worker at once (one WorkerStream each), both complete.
// 4. SIGKILL     a slow worker is killed mid-run; a new worker finishes; every task exactly once.
// 5. --fail-on   observed (not asserted): where the failed tasks end up in this server version.
// Exits 0 when 1-4 pass, 1 otherwise. SMOKE_VERBOSE=1 also prints the workers' logs.
'use strict';

const path = require('path');
const { spawn } = require('child_process');
const grpc = require('@grpc/grpc-js');
const { loadContract, connection } = require('./contract');

const target = process.argv[2] || 'localhost:1337';
const TASKS = Number(process.argv[3] || 10000);
const BATCH = Number(process.argv[4] || 100);
if (!Number.isInteger(TASKS) || TASKS < 100) fatal(`tasks must be an integer >= 100, got ${process.argv[3]}`);
if (!Number.isInteger(BATCH) || BATCH < 1) fatal(`batchSize must be a positive integer, got ${process.argv[4]}`);

const gridqueue = loadContract();
const client = new gridqueue.Queue(target, ...connection());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const workers = new Set(); // child processes started here
const openSessions = new Set();
let failures = 0;

function fatal(message) {
  console.error(`FAIL: ${message}`);
  cleanup().then(() => process.exit(1));
}

function check(ok, message) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures++;
  return ok;
}

function describe(err) {
  return err && err.code !== undefined ? `${grpc.status[err.code]}: ${err.details}` : String(err);
}

function unary(method, request, deadlineMs = 30_000) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + deadlineMs }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

const stats = () => unary('GetStats', {});
const sessionStats = async (id) => (await unary('GetStats', { session_id: id })).sessions.find((s) => s.session_id === id) || {};

async function createSession(attributes) {
  const s = await unary('CreateSession', { app: { id: 'upper' }, attributes });
  openSessions.add(s.id);
  return s.id;
}

async function closeSession(id) {
  openSessions.delete(id);
  try { await unary('CloseSession', { id }); } catch (e) { console.error(`  (CloseSession ${id}: ${describe(e)})`); }
}

// ------------------------------------------------------------------------------------ workers

/** Starts worker.js with the given arguments; resolves once the server lists a new grpc worker. */
async function startWorker(name, args) {
  const before = new Set((await stats()).workers.map((w) => w.worker_id));
  const child = spawn(process.execPath, [path.join(__dirname, 'worker.js'), '--grid', target, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  child.name = name;
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => { workers.delete(child); resolve({ code, signal }); }));
  workers.add(child);
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      if (process.env.SMOKE_VERBOSE) for (const l of lines) out.write(`    [${name}] ${l}\n`);
      child.log = (child.log || []).concat(lines).slice(-50);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const fresh = (await stats()).workers.filter((w) => w.kind === 'grpc' && !before.has(w.worker_id));
    if (fresh.length) {
      child.workerId = fresh[0].worker_id;
      console.log(`  started ${name} (pid ${child.pid}, ${args.join(' ')}): registered as ${child.workerId}`);
      return child;
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`${name} did not register within 15 s; its output:\n${(child.log || []).join('\n')}`);
}

async function stopWorker(child, signal) {
  child.kill(signal);
  const { code, signal: sig } = await child.exited;
  return sig ? sig : `exit code ${code}`;
}

async function cleanup() {
  for (const w of workers) w.kill('SIGKILL');
  for (const id of [...openSessions]) await closeSession(id);
  client.close();
}

// ------------------------------------------------------------------------------------ tasks

const payloadOf = (i) => `tâche-${i} grüße ñ`;
const expectedOf = (i) => payloadOf(i).toUpperCase(); // "TÂCHE-7 GRÜSSE Ñ": not a byte-for-byte copy

/**
 * Sends `tasks` tasks in batches of `batchSize` on one ClientStream, half-closes, and collects the
 * results until the server completes the stream, `timeoutMs` passes, or `stopWhen(run)` is true.
 */
function runTasks(sessionId, tasks, batchSize, { timeoutMs = 120_000, onResult = () => {} } = {}) {
  const run = { counts: new Map(), attempts: {}, retriedIds: [], wrong: [], results: 0, retried: 0, errors: [], status: null, seconds: 0 };
  const start = process.hrtime.bigint();
  const call = client.ClientStream();
  return new Promise((resolve) => {
    let finished = false;
    const finish = (why) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      run.seconds = Number(process.hrtime.bigint() - start) / 1e9;
      run.end = why;
      if (why !== 'completed') call.cancel();
      resolve(run);
    };
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs / 1000} s`), timeoutMs);
    call.on('data', (batch) => {
      for (const m of batch.messages) {
        run.results++;
        run.counts.set(m.id, (run.counts.get(m.id) || 0) + 1);
        run.attempts[m.attempts] = (run.attempts[m.attempts] || 0) + 1;
        if (m.attempts > 1) { run.retried++; run.retriedIds.push(Number(m.id.slice(1))); }
        const i = Number(m.id.slice('t'.length));
        if (m.error !== undefined && m.error !== null) run.errors.push(`${m.id}: ${m.error}`);
        else if (m.payload.toString('utf8') !== expectedOf(i) && run.wrong.length < 5) {
          run.wrong.push(`${m.id}: "${m.payload.toString('utf8')}" instead of "${expectedOf(i)}"`);
        }
      }
      onResult(run);
    });
    call.on('error', () => {});
    call.on('status', (status) => { run.status = status; if (status.code !== grpc.status.OK) finish(`status ${grpc.status[status.code]}: ${status.details}`); });
    call.on('end', () => finish('completed'));
    (async () => {
      for (let first = 0, n = 0; first < tasks; first += batchSize, n++) {
        const messages = [];
        for (let i = first; i < Math.min(first + batchSize, tasks); i++) messages.push({ id: `t${i}`, payload: Buffer.from(payloadOf(i), 'utf8') });
        if (!call.write({ id: `b${n}`, session_id: sessionId, messages })) {
          await new Promise((r) => { call.once('drain', r); call.once('status', r); });
        }
        if (run.status) return;
      }
      call.end();
    })();
  });
}

/** Every task 0..tasks-1 has exactly one correct result. */
function checkExactlyOnce(run, tasks, label) {
  const missing = [];
  const dup = [];
  for (let i = 0; i < tasks; i++) {
    const c = run.counts.get(`t${i}`) || 0;
    if (c === 0) missing.push(`t${i}`);
    if (c > 1) dup.push(`t${i}`);
  }
  const extra = [...run.counts.keys()].filter((id) => !/^t\d+$/.test(id) || Number(id.slice(1)) >= tasks);
  const ok = check(run.end === 'completed' && missing.length === 0 && dup.length === 0 && extra.length === 0 &&
      run.wrong.length === 0 && run.errors.length === 0,
    `${label}: ${run.results} results for ${tasks} tasks (stream ${run.end}); ${missing.length} missing, ` +
    `${dup.length} duplicated, ${run.wrong.length} wrong payloads, ${run.errors.length} errors`);
  if (!ok) for (const x of [...missing.slice(0, 3), ...dup.slice(0, 3), ...run.wrong, ...run.errors.slice(0, 3)]) console.log(`       ${x}`);
  return ok;
}

// ------------------------------------------------------------------------------------ steps

async function preconditions() {
  const s = await stats();
  const others = s.workers.filter((w) => w.app_ids.includes('upper') || w.kind === 'jvm');
  console.log(`server ${target}: ${s.grid_nodes} grid node(s), ${s.workers_connected} worker(s) connected`);
  if (others.length) {
    throw new Error(`other workers could serve the test sessions (${others.map((w) => `${w.worker_id} ${w.kind}`).join(', ')}); ` +
      'run the server with --no-local-worker and no other worker');
  }
}

async function throughput() {
  console.log(`\n1. throughput: ${TASKS} "upper" tasks in batches of ${BATCH}, one Node worker`);
  const w1 = await startWorker('w1', ['--apps', 'echo,upper', '--slots', '2']);
  const id = await createSession({});
  const run = await runTasks(id, TASKS, BATCH);
  checkExactlyOnce(run, TASKS, 'every result once, uppercased');
  console.log(`  ${TASKS} tasks in ${run.seconds.toFixed(2)} s = ${Math.round(TASKS / run.seconds)} tasks/s ` +
    `(create-to-last-result on one ClientStream)`);
  await closeSession(id);
  return w1;
}

async function tags(w1) {
  const n = Math.min(1000, TASKS);
  console.log(`\n2. tags: a session tagged "gpu" (${n} tasks) with only an untagged Node worker connected`);
  const id = await createSession({ tags: ['gpu'] });
  let firstResultAt = null;
  const running = runTasks(id, n, BATCH, { onResult: () => { if (!firstResultAt) firstResultAt = Date.now(); } });
  await sleep(3000);
  const before = await sessionStats(id);
  check(firstResultAt === null && Number(before.tasks_waiting) === n && Number(before.tasks_done) === 0 && before.workers === 0,
    `after 3 s: no result; GetStats tasks_waiting ${before.tasks_waiting}, tasks_running ${before.tasks_running}, ` +
    `tasks_done ${before.tasks_done}, workers ${before.workers} (w1 ${w1.workerId} carries no tag)`);
  const w2 = await startWorker('w2', ['--apps', 'upper', '--tags', 'gpu']);
  const run = await running;
  checkExactlyOnce(run, n, 'once w2 (--tags gpu) registered');
  await closeSession(id);
  const how = await stopWorker(w2, 'SIGTERM');
  check(how === 'exit code 0', `w2 stopped by SIGTERM: ${how}`);
}

async function concurrentSessions(w1) {
  const n = Math.min(4000, TASKS);
  console.log(`\n3. two sessions at once on one worker (--slots 2 --cores 2; each session's batches declare 1 core)`);
  const how = await stopWorker(w1, 'SIGTERM');
  check(how === 'exit code 0', `w1 stopped by SIGTERM: ${how}`);
  const wc = await startWorker('wc', ['--apps', 'echo,upper', '--slots', '2', '--cores', '2', '--delay-ms', '5']);
  const ids = [await createSession({ task_resources: { cores: 1 } }), await createSession({ task_resources: { cores: 1 } })];
  let maxBound = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const w = (await stats()).workers.find((x) => x.worker_id === wc.workerId);
      if (w) maxBound = Math.max(maxBound, w.bound_sessions.length);
      await sleep(50);
    }
  })();
  const t0 = Date.now();
  const runs = await Promise.all(ids.map((id) => runTasks(id, n, BATCH)));
  const seconds = (Date.now() - t0) / 1000;
  polling = false;
  await poll;
  runs.forEach((run, k) => checkExactlyOnce(run, n, `session ${k + 1}`));
  check(maxBound === 2, `GetStats showed the worker bound to ${maxBound} sessions at once`);
  console.log(`  ${2 * n} tasks over 2 sessions in ${seconds.toFixed(2)} s (worker sleeps 5 ms per batch)`);
  for (const id of ids) await closeSession(id);
  return wc;
}

async function killMidRun(w1) {
  const n = Math.min(5000, TASKS);
  const batch = 50;
  console.log(`\n4. SIGKILL: ${n} tasks in batches of ${batch}; a slow worker (--delay-ms 40) is killed mid-run`);
  const how1 = await stopWorker(w1, 'SIGTERM');
  check(how1 === 'exit code 0', `${w1.name} stopped by SIGTERM (so the slow worker is alone): ${how1}`);
  const w3 = await startWorker('w3', ['--apps', 'upper', '--slots', '2', '--delay-ms', '40']);
  const id = await createSession({});
  let killed = null;
  let resultsAtKill = 0;
  const running = runTasks(id, n, batch, {
    onResult: (run) => {
      if (!killed && run.results >= n * 0.3) {
        resultsAtKill = run.results;
        killed = Date.now();
        w3.kill('SIGKILL');
      }
    },
  });
  while (!killed) await sleep(20);
  await w3.exited;
  await sleep(1500);
  const between = await sessionStats(id);
  const s = await stats();
  console.log(`  killed w3 after ${resultsAtKill} results; 1.5 s later: session tasks_waiting ${between.tasks_waiting}, ` +
    `tasks_running ${between.tasks_running}, tasks_done ${between.tasks_done}; workers_connected ${s.workers_connected}`);
  check(s.workers.every((w) => w.worker_id !== w3.workerId), `w3 ${w3.workerId} is no longer listed by GetStats`);
  const w4 = await startWorker('w4', ['--apps', 'upper', '--slots', '2']);
  const run = await running;
  checkExactlyOnce(run, n, 'after w4 took over');
  const ids = run.retriedIds.sort((a, b) => a - b);
  console.log(`  results by attempts: ${JSON.stringify(run.attempts)}; tasks with attempts > 1: ${ids.length ? `t${ids[0]}..t${ids[ids.length - 1]}` : 'none'}`);
  check(run.retried > 0, 'some batches ran again after the kill');
  await closeSession(id);
  return w4;
}

async function failOn(w4) {
  const n = 100;
  console.log(`\n5. --fail-on (observed, not asserted): ${n} tasks, every 10th contains "boom"`);
  await stopWorker(w4, 'SIGTERM');
  const w5 = await startWorker('w5', ['--apps', 'upper', '--fail-on', 'boom']);
  const id = await createSession({});
  const call = client.ClientStream();
  const got = { ok: 0, errors: [] };
  let ended = null;
  call.on('data', (b) => { for (const m of b.messages) (m.error != null ? got.errors : (got.ok++, [])).push(`${m.id}: ${m.error}`); });
  call.on('error', () => {});
  call.on('status', (st) => { ended = `${grpc.status[st.code]}${st.details ? `: ${st.details}` : ''}`; });
  const messages = [];
  for (let i = 0; i < n; i++) messages.push({ id: `t${i}`, payload: Buffer.from(i % 10 === 0 ? `boom ${i}` : `fine ${i}`) });
  call.write({ id: 'b0', session_id: id, messages });
  call.end();
  for (let t = 0; t < 50 && !ended; t++) await sleep(100);
  const st = await sessionStats(id);
  console.log(`  ClientStream: ${got.ok} results, ${got.errors.length} results with error; ` +
    `stream ${ended ? `ended ${ended}` : 'still open after 5 s (half-closed)'}`);
  console.log(`  GetStats: tasks_done ${st.tasks_done}, tasks_failed ${st.tasks_failed}, tasks_dead_lettered ${st.tasks_dead_lettered}`);
  if (!ended) call.cancel();
  const dl = client.ClientStreamDeadLetters({ id });
  const dead = [];
  const dlEnd = await new Promise((resolve) => {
    const t = setTimeout(() => { dl.cancel(); resolve('open, nothing more after 3 s (cancelled)'); }, 3000);
    dl.on('data', (b) => { for (const m of b.messages) dead.push(`${m.id}: ${m.error} (attempts ${m.attempts})`); });
    dl.on('error', () => {});
    dl.on('status', (s2) => { clearTimeout(t); resolve(`${grpc.status[s2.code]}${s2.details ? `: ${s2.details}` : ''}`); });
  });
  console.log(`  ClientStreamDeadLetters: ${dead.length} dead letters${dead.length ? ` (e.g. ${dead[0]})` : ''}; stream ${dlEnd}`);
  await closeSession(id);
  await stopWorker(w5, 'SIGTERM');
}

async function main() {
  console.log(`gridqueue Node worker smoke test against ${target}`);
  await preconditions();
  const w1 = await throughput();
  await tags(w1);
  const wc = await concurrentSessions(w1);
  const w4 = await killMidRun(wc);
  await failOn(w4);
  await cleanup();
  console.log(failures ? `\nFAIL: ${failures} check(s) failed` : '\nOK: every check passed');
  process.exit(failures ? 1 : 0);
}

process.on('SIGINT', () => fatal('interrupted'));
main().catch((e) => fatal(e && e.stack ? e.stack : String(e)));
