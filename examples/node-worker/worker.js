#!/usr/bin/env node
// Polyglot gridqueue worker in Node.js: ALPCRUN.CH's worker protocol (Queue.WorkerUpdate and
// Queue.WorkerStream) on the .proto contract alone, loaded at run time (no generated code, no Java).
//
// Usage: node worker.js [--grid host:port] [--apps echo,upper] [--tags a,b] [--slots N]
//                       [--cores N] [--memory MB] [--disk MB] [--gpus N] [--fail-on TEXT]
//                       [--delay-ms N] [--quiet]
// Every option may also come from the environment: GRIDQUEUE_GRID, GRIDQUEUE_APPS, GRIDQUEUE_TAGS,
// GRIDQUEUE_SLOTS, GRIDQUEUE_CORES, GRIDQUEUE_MEMORY, GRIDQUEUE_DISK, GRIDQUEUE_GPUS,
// GRIDQUEUE_FAIL_ON, GRIDQUEUE_DELAY_MS (command-line options win).
'use strict';

const grpc = require('@grpc/grpc-js');
const { loadContract, connection } = require('./contract');

// ---------------------------------------------------------------------------------------------
// Apps: put your own here. A handler gets a task's payload (a Buffer) and the task message, and
// returns (or resolves to) the result payload: a Buffer or a string (sent as UTF-8). Throwing (or
// rejecting) fails that task: its result carries `error` instead of a payload.
// ---------------------------------------------------------------------------------------------
const APPS = {
  echo: (payload) => payload,
  upper: (payload) => Buffer.from(payload.toString('utf8').toUpperCase(), 'utf8'),
};

const OPTIONS = {
  grid: { env: 'GRIDQUEUE_GRID', def: 'localhost:1337', help: 'host:port of a gridqueue server' },
  apps: { env: 'GRIDQUEUE_APPS', def: 'echo', help: `app ids to serve, comma separated (built in: ${Object.keys(APPS).join(', ')})` },
  tags: { env: 'GRIDQUEUE_TAGS', def: '', help: 'tags the worker carries, comma separated' },
  slots: { env: 'GRIDQUEUE_SLOTS', def: '1', help: 'batches run at once' },
  cores: { env: 'GRIDQUEUE_CORES', def: '0', help: 'cores offered (0: the server counts one per slot)' },
  memory: { env: 'GRIDQUEUE_MEMORY', def: '0', help: 'memory offered, MB' },
  disk: { env: 'GRIDQUEUE_DISK', def: '0', help: 'disk offered, MB' },
  gpus: { env: 'GRIDQUEUE_GPUS', def: '0', help: 'GPUs offered' },
  'fail-on': { env: 'GRIDQUEUE_FAIL_ON', def: '', help: 'demo: tasks whose payload contains this text fail' },
  'delay-ms': { env: 'GRIDQUEUE_DELAY_MS', def: '0', help: 'demo: sleep this long per batch (to watch a slow worker)' },
  quiet: { env: 'GRIDQUEUE_QUIET', def: '', flag: true, help: 'log only errors, BIND/UNBIND and the exit summary' },
};

function usage(message) {
  const lines = Object.entries(OPTIONS).map(([k, o]) =>
    `  --${k}${o.flag ? '' : ' <value>'}`.padEnd(24) + `${o.help} (env ${o.env}${o.def ? `, default ${o.def}` : ''})`);
  console.error(`${message ? `${message}\n` : ''}usage: node worker.js [options]\n${lines.join('\n')}`);
  process.exit(message ? 2 : 0);
}

function parseOptions(argv) {
  const values = {};
  for (const [k, o] of Object.entries(OPTIONS)) values[k] = process.env[o.env] !== undefined ? process.env[o.env] : o.def;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    if (arg === '-h' || arg === '--help') usage();
    if (!arg.startsWith('--')) usage(`unexpected argument ${arg}`);
    let value;
    const eq = arg.indexOf('=');
    if (eq > 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const name = arg.slice(2);
    const o = OPTIONS[name];
    if (!o) usage(`unknown option ${arg}`);
    if (o.flag) { values[name] = value === undefined ? 'true' : value; continue; }
    if (value === undefined) {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      value = argv[++i];
    }
    values[name] = value;
  }
  const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const count = (name) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) usage(`--${name} must be a non-negative integer, got "${values[name]}"`);
    return n;
  };
  const opts = {
    grid: values.grid,
    apps: list(values.apps),
    tags: list(values.tags),
    slots: Math.max(1, count('slots')),
    resources: { cores: count('cores'), memory_mb: count('memory'), disk_mb: count('disk'), gpus: count('gpus') },
    failOn: values['fail-on'],
    delayMs: count('delay-ms'),
    quiet: values.quiet !== '' && values.quiet !== 'false',
  };
  if (!opts.apps.length) usage('--apps names no app');
  const unknown = opts.apps.filter((a) => !APPS[a]);
  if (unknown.length) usage(`unknown app(s) ${unknown.join(', ')}; built in: ${Object.keys(APPS).join(', ')}`);
  return opts;
}

const opts = parseOptions(process.argv.slice(2));
const gridqueue = loadContract();
const client = new gridqueue.Queue(opts.grid, ...connection());

const log = (...a) => console.log(new Date().toISOString(), ...a);
const debug = (...a) => { if (!opts.quiet) log(...a); };
const warn = (...a) => console.error(new Date().toISOString(), ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// How long to wait for the `workerid` response header before registering without it (the id is
// then taken from the header when it arrives, at the latest with the first instruction).
const HEADER_WAIT_MS = 1000;
// After UNBIND, the server completes the session's WorkerStream once every batch sent on it is
// answered. If that has not happened this long after UNBIND with nothing left to answer, the
// worker ends the stream itself (covers a stream opened just after the server drained it).
const UNBIND_CLOSE_MS = 3000;
// A WorkerStream the server completes while the session still looks bound is reopened after this
// delay, unless the UNBIND shows up meanwhile.
const REOPEN_DELAY_MS = 300;
// How long a SIGINT/SIGTERM waits for running batches before leaving anyway.
const SHUTDOWN_GRACE_MS = 10_000;

let workerId = '';
let updates = null; // the WorkerUpdate call
let shuttingDown = false;
let reconnectDelay = 1000;
const sessions = new Map(); // session id -> Session
const queue = []; // batches received, not started: { session, call, batch }
let running = 0; // batches being processed
let statusSent = null; // last WorkerState status sent
const totals = { batches: 0, tasks: 0, failed: 0, binds: 0, unbinds: 0 };

// --------------------------------------------------------------------------- WorkerUpdate

function connect() {
  const call = client.WorkerUpdate();
  updates = call;
  statusSent = null;
  let registered = false;
  const register = (why) => {
    if (registered || updates !== call) return;
    registered = true;
    // The first WorkerState registers the worker: what it serves and offers.
    call.write({
      worker_id: workerId,
      status: running > 0 ? 'BUSY' : 'IDLE',
      app_ids: opts.apps,
      tags: opts.tags,
      slots: opts.slots,
      resources: opts.resources,
    });
    statusSent = running > 0 ? 'BUSY' : 'IDLE';
    log(`registered${workerId ? ` as ${workerId}` : ''} with ${opts.grid}: apps [${opts.apps}] tags [${opts.tags}] ` +
      `slots ${opts.slots}${why ? ` (${why})` : ''}`);
  };
  const headerTimer = setTimeout(() => register(`no workerid header after ${HEADER_WAIT_MS} ms; the id follows with the first instruction`), HEADER_WAIT_MS);

  call.on('metadata', (md) => {
    const id = md.get('workerid')[0];
    if (id) {
      const late = registered;
      workerId = String(id);
      if (late) log(`worker id ${workerId} (workerid header)`);
    }
    clearTimeout(headerTimer);
    register();
  });
  call.on('data', (instruction) => {
    reconnectDelay = 1000;
    onInstruction(instruction);
  });
  call.on('error', () => { /* reported through 'status' */ });
  call.on('status', (status) => {
    clearTimeout(headerTimer);
    if (updates !== call) return;
    updates = null;
    // Unregistered: the server re-runs elsewhere whatever this worker held, so drop it all.
    for (const s of sessions.values()) s.drop('WorkerUpdate ended');
    sessions.clear();
    queue.length = 0;
    if (shuttingDown) return;
    warn(`WorkerUpdate ended: ${grpc.status[status.code]} ${status.details || ''}; reconnecting in ${reconnectDelay} ms`);
    workerId = '';
    setTimeout(() => { if (!shuttingDown) connect(); }, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 15_000);
  });
}

function onInstruction(instruction) {
  const sessionId = instruction.session_id;
  if (instruction.type === 'BIND') {
    totals.binds++;
    log(`BIND ${sessionId}`);
    let s = sessions.get(sessionId);
    if (!s) { s = new Session(sessionId); sessions.set(sessionId, s); }
    s.bind();
  } else if (instruction.type === 'UNBIND') {
    totals.unbinds++;
    const s = sessions.get(sessionId);
    log(`UNBIND ${sessionId}${s ? ` (${s.outstanding} batches to answer)` : ''}`);
    if (s) s.unbind();
  } else {
    warn(`unknown instruction ${JSON.stringify(instruction)}; ignored`);
  }
}

/** Sends IDLE/BUSY when it changes (informational for the server). */
function reportStatus() {
  const status = running > 0 || queue.length > 0 ? 'BUSY' : 'IDLE';
  if (!updates || statusSent === null || status === statusSent) return;
  statusSent = status;
  updates.write({ worker_id: workerId, status });
}

// --------------------------------------------------------------------------- WorkerStream

/** One session this worker is bound to, and its WorkerStream. */
class Session {
  constructor(id) {
    this.id = id;
    this.bound = false;
    this.call = null;
    this.outstanding = 0; // batches received on the current stream and not yet answered
    this.failures = 0; // consecutive WorkerStreams that ended in error
    this.unbindTimer = null;
    this.stats = { batches: 0, tasks: 0, failed: 0 };
    this.app = appOf(id); // a promise of the app id
  }

  bind() {
    this.bound = true;
    clearTimeout(this.unbindTimer);
    // A BIND while the previous stream is still open (draining after UNBIND) keeps that stream:
    // the server sends the new batches on it.
    if (!this.call) this.open();
  }

  unbind() {
    this.bound = false;
    if (this.call) this.armUnbindTimer();
    else this.finished(); // its stream already ended (see REOPEN_DELAY_MS)
  }

  armUnbindTimer() {
    clearTimeout(this.unbindTimer);
    if (!this.call || this.bound || this.outstanding > 0) return;
    const call = this.call;
    this.unbindTimer = setTimeout(() => {
      if (this.call === call && !this.bound && this.outstanding === 0) {
        debug(`session ${this.id}: WorkerStream still open ${UNBIND_CLOSE_MS} ms after UNBIND with nothing to answer; ending it`);
        this.call = null;
        call.end();
        call.cancel();
        this.finished();
      }
    }, UNBIND_CLOSE_MS);
  }

  open() {
    const metadata = new grpc.Metadata();
    metadata.set('sessionid', this.id);
    metadata.set('workerid', workerId);
    const call = client.WorkerStream(metadata);
    this.call = call;
    this.outstanding = 0;
    call.on('data', (batch) => {
      if (this.call !== call) return;
      this.outstanding++;
      queue.push({ session: this, call, batch });
      pump();
    });
    call.on('error', () => { /* reported through 'status' */ });
    call.on('status', (status) => {
      if (this.call !== call) return; // ended by this worker
      this.call = null;
      clearTimeout(this.unbindTimer);
      // Batches of this stream not answered yet can no longer be answered: the server runs them again.
      const dropped = dropQueued(call);
      if (status.code === grpc.status.OK) {
        this.failures = 0;
      } else if (!shuttingDown && updates) {
        this.failures++;
        warn(`session ${this.id}: WorkerStream ended with ${grpc.status[status.code]}: ${status.details}` +
          `${dropped ? ` (${dropped} unstarted batches dropped)` : ''}`);
      }
      if (this.bound && !shuttingDown && updates) {
        // Still bound: either the UNBIND that preceded this completion has not been read yet
        // (WorkerUpdate and WorkerStream are separate calls, their events are not ordered), or a
        // new BIND came while the old stream was being completed. Wait a little, then reopen if
        // still bound.
        if (this.failures > 5) {
          warn(`session ${this.id}: giving up after ${this.failures} failed WorkerStreams`);
        } else {
          setTimeout(() => {
            if (this.call) return;
            if (this.bound && updates && !shuttingDown) this.open();
            else this.finished();
          }, this.failures ? 500 * this.failures : REOPEN_DELAY_MS);
          return;
        }
      }
      this.finished();
    });
  }

  /** Called when a batch of this session has been answered. */
  answered(call) {
    if (this.call === call) {
      this.outstanding--;
      if (!this.bound) this.armUnbindTimer();
    }
  }

  finished() {
    if (this.bound || this.call || sessions.get(this.id) !== this) return;
    sessions.delete(this.id);
    log(`session ${this.id} done here: ${this.stats.batches} batches, ${this.stats.tasks} tasks` +
      `${this.stats.failed ? ` (${this.stats.failed} failed)` : ''}`);
  }

  drop(why) {
    clearTimeout(this.unbindTimer);
    this.bound = false;
    if (this.call) {
      const call = this.call;
      this.call = null;
      call.cancel();
      debug(`session ${this.id}: WorkerStream dropped (${why})`);
    }
  }
}

function dropQueued(call) {
  let dropped = 0;
  for (let i = queue.length - 1; i >= 0; i--) {
    if (queue[i].call === call) { queue.splice(i, 1); dropped++; }
  }
  return dropped;
}

// --------------------------------------------------------------------------- running batches

/** Starts queued batches while slots are free. */
function pump() {
  while (running < opts.slots && queue.length > 0 && !shuttingDown) {
    const item = queue.shift();
    running++;
    runBatch(item).catch((e) => warn(`batch ${item.batch.id}: ${e && e.stack ? e.stack : e}`)).finally(() => {
      running--;
      pump();
      reportStatus();
      if (shuttingDown && running === 0 && onIdle) onIdle();
    });
  }
  reportStatus();
}

async function runBatch({ session, call, batch }) {
  const app = await session.app;
  const handler = APPS[app] || null;
  if (opts.delayMs) await sleep(opts.delayMs);
  const results = [];
  let failed = 0;
  for (const task of batch.messages) {
    try {
      if (!handler) throw new Error(`this worker cannot tell the app of session ${session.id}`);
      if (opts.failOn && task.payload.includes(opts.failOn)) {
        throw new Error(`payload contains "${opts.failOn}" (--fail-on)`);
      }
      let out = handler(task.payload, task);
      if (out && typeof out.then === 'function') out = await out;
      results.push({ id: task.id, payload: typeof out === 'string' ? Buffer.from(out, 'utf8') : (out || Buffer.alloc(0)) });
    } catch (e) {
      failed++;
      results.push({ id: task.id, error: e && e.message ? e.message : String(e) });
    }
  }
  // The stream may have ended meanwhile (worker unregistered, server gone): the batch runs elsewhere.
  if (session.call !== call) return;
  // Exactly one result batch per task batch, with the task batch's id.
  call.write({ id: batch.id, session_id: batch.session_id, messages: results });
  session.stats.batches++;
  session.stats.tasks += results.length;
  session.stats.failed += failed;
  totals.batches++;
  totals.tasks += results.length;
  totals.failed += failed;
  if (totals.batches % 100 === 0) {
    debug(`${totals.batches} batches, ${totals.tasks} tasks answered so far (${totals.failed} failed)`);
  }
  session.answered(call);
}

// The BIND instruction names the session, not its app. With one app the answer is clear; with
// several, ask GetStats once per session (SessionStats names the app id).
function appOf(sessionId) {
  if (opts.apps.length === 1) return Promise.resolve(opts.apps[0]);
  return new Promise((resolve) => {
    client.GetStats({ session_id: sessionId }, { deadline: Date.now() + 10_000 }, (err, stats) => {
      const s = !err && stats.sessions.find((x) => x.session_id === sessionId);
      if (!s) warn(`session ${sessionId}: cannot learn its app (${err ? err.details : 'not in GetStats'})`);
      else debug(`session ${sessionId} runs app ${s.app_id}`);
      resolve(s ? s.app_id : null);
    });
  });
}

// --------------------------------------------------------------------------- shutdown

let onIdle = null;
async function shutdown(signal) {
  if (shuttingDown) {
    warn(`${signal} again: leaving now`);
    process.exit(130);
  }
  shuttingDown = true;
  log(`${signal}: finishing ${running} running batches (at most ${SHUTDOWN_GRACE_MS / 1000} s); ` +
    `${queue.length} not started go back to the queue`);
  if (running > 0) {
    await Promise.race([new Promise((r) => { onIdle = r; }), sleep(SHUTDOWN_GRACE_MS)]);
  }
  // Let the last results leave before unregistering.
  for (const s of sessions.values()) if (s.call) s.call.end();
  await sleep(200);
  if (updates) {
    const call = updates;
    const ended = new Promise((r) => call.on('status', r));
    call.end(); // unregisters the worker
    await Promise.race([ended, sleep(2000)]);
  }
  for (const s of sessions.values()) s.drop('shutdown');
  client.close();
  log(`stopped: ${totals.batches} batches, ${totals.tasks} tasks answered (${totals.failed} failed); ` +
    `${totals.binds} BIND, ${totals.unbinds} UNBIND`);
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

connect();
