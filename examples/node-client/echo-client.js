#!/usr/bin/env node
// Independent gridqueue client: submits echo tasks over the Queue.ClientStream RPC and checks
// every result. Uses only the .proto files of client-api, loaded at run time (no generated code,
// no Java client).
//
// Usage: node echo-client.js [host:port] [tasks] [batchSize]
//        (defaults: localhost:1337 10000 100)
'use strict';

const grpc = require('@grpc/grpc-js');
const { loadContract, connection } = require('./contract');

const TIMEOUT_MS = 120_000;
const UNARY_DEADLINE_MS = 30_000;
// Documented defaults of SessionAttributes (queue.proto) that CreateSession must fill in.
const DOCUMENTED_DEFAULTS = { priority: 5, max_inflight_batches_per_worker: 10, max_retries: 3 };

function usage(msg) {
  console.error(`${msg}\nusage: node echo-client.js [host:port] [tasks] [batchSize]`);
  process.exit(1);
}

const target = process.argv[2] || 'localhost:1337';
const tasks = Number(process.argv[3] || 10000);
const batchSize = Number(process.argv[4] || 100);
if (!Number.isInteger(tasks) || tasks < 1) usage(`tasks must be a positive integer, got ${process.argv[3]}`);
if (!Number.isInteger(batchSize) || batchSize < 1) usage(`batchSize must be a positive integer, got ${process.argv[4]}`);

const gridqueue = loadContract();
const client = new gridqueue.Queue(target, ...connection());

let sessionId = null;

function fail(message) {
  console.error(`FAIL: ${message}`);
  finish(1);
}

let finishing = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  // Best effort: do not leave an open session behind when something went wrong.
  if (code !== 0 && sessionId) {
    try {
      await unary('CloseSession', { id: sessionId });
    } catch (e) {
      console.error(`(CloseSession after failure: ${describe(e)})`);
    }
  }
  client.close();
  process.exit(code);
}

const overall = setTimeout(() => fail(`no completion within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);

function describe(err) {
  return err && err.code !== undefined ? `${grpc.status[err.code]} (${err.code}): ${err.details}` : String(err);
}

function unary(method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + UNARY_DEADLINE_MS }, (err, response) =>
      err ? reject(err) : resolve(response));
  });
}

async function main() {
  // 1. Session.
  let session;
  try {
    session = await unary('CreateSession', { app: { id: 'echo' } });
  } catch (e) {
    return fail(`CreateSession: ${describe(e)}`);
  }
  sessionId = session.id;
  if (!sessionId) return fail('CreateSession returned an empty session id');
  const attrs = session.attributes || {};
  const wrongDefaults = Object.entries(DOCUMENTED_DEFAULTS)
    .filter(([k, v]) => attrs[k] !== v)
    .map(([k, v]) => `${k}=${attrs[k]} (documented default ${v})`);
  if (wrongDefaults.length) return fail(`CreateSession defaults: ${wrongDefaults.join(', ')}`);
  console.log(`session ${sessionId} (app ${session.app && session.app.id}, priority ${attrs.priority}, ` +
    `max_inflight_batches_per_worker ${attrs.max_inflight_batches_per_worker}, max_retries ${attrs.max_retries})`);

  // 2. Task stream.
  const start = process.hrtime.bigint();
  const call = client.ClientStream();
  const seen = new Set();
  const sentBatchIds = new Set();
  let results = 0;
  let duplicates = 0;
  let mismatches = 0;
  let failedTasks = 0;
  let unknownBatchIds = 0;
  const examples = [];
  const note = (what) => { if (examples.length < 5) examples.push(what); };

  let statusReceived = null;
  let ended = false;
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  const maybeDone = () => {
    // OK: wait for both 'end' (all data consumed) and 'status'. Non-OK: the status is final.
    if (statusReceived && (ended || statusReceived.code !== grpc.status.OK)) resolveDone();
  };

  call.on('data', (batch) => {
    if (!sentBatchIds.has(batch.id)) {
      unknownBatchIds++;
      note(`result batch id "${batch.id}" was never sent`);
    }
    for (const m of batch.messages) {
      results++;
      if (seen.has(m.id)) {
        duplicates++;
        note(`duplicate result for ${m.id}`);
        continue;
      }
      seen.add(m.id);
      const match = /^task-(\d+)$/.exec(m.id);
      const i = match ? Number(match[1]) : -1;
      if (i < 0 || i >= tasks) {
        mismatches++;
        note(`result for unknown task id "${m.id}"`);
        continue;
      }
      if (m.error !== undefined && m.error !== null) {
        failedTasks++;
        note(`${m.id} failed: ${m.error}`);
        continue;
      }
      if (!Buffer.from(`payload-${i}`).equals(m.payload)) {
        mismatches++;
        note(`${m.id}: payload "${m.payload.toString()}", expected "payload-${i}"`);
      } else if (m.related_id !== undefined && m.related_id !== m.id) {
        mismatches++;
        note(`${m.id}: related_id "${m.related_id}" differs from id`);
      }
    }
  });
  call.on('end', () => { ended = true; maybeDone(); });
  call.on('error', () => { /* reported through 'status' */ });
  call.on('status', (status) => { statusReceived = status; maybeDone(); });

  let drainWaits = 0;
  const streamClosed = () => statusReceived !== null;
  const waitDrain = () => new Promise((resolve) => {
    const onDrain = () => { call.off('status', onDrain); call.off('drain', onDrain); resolve(); };
    call.on('drain', onDrain);
    call.on('status', onDrain);
  });

  for (let first = 0, n = 0; first < tasks && !streamClosed(); first += batchSize, n++) {
    const messages = [];
    for (let i = first; i < Math.min(first + batchSize, tasks); i++) {
      messages.push({ id: `task-${i}`, payload: Buffer.from(`payload-${i}`) });
    }
    const id = `batch-${n}`;
    sentBatchIds.add(id);
    if (!call.write({ id, session_id: sessionId, messages })) {
      drainWaits++;
      await waitDrain(); // the server requests the next batch only once this one is stored
    }
  }
  if (!streamClosed()) call.end(); // half-close: the server completes once all results are delivered
  const sentAt = process.hrtime.bigint();

  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const writeSeconds = Number(sentAt - start) / 1e9;

  if (statusReceived.code !== grpc.status.OK) {
    return fail(`ClientStream ended with ${grpc.status[statusReceived.code]} (${statusReceived.code}): ` +
      `${statusReceived.details} after ${results} results`);
  }

  // 3. Close the session.
  try {
    await unary('CloseSession', { id: sessionId });
    sessionId = null;
  } catch (e) {
    return fail(`CloseSession: ${describe(e)}`);
  }
  clearTimeout(overall);

  const summary = `${results} results for ${tasks} tasks in ${seconds.toFixed(2)} s ` +
    `(${Math.round(tasks / seconds)} tasks/s), ${duplicates} duplicates, ${mismatches} mismatches`;
  const problems = [];
  if (seen.size !== tasks) problems.push(`${tasks - seen.size} tasks without a result`);
  if (failedTasks) problems.push(`${failedTasks} failed tasks`);
  if (unknownBatchIds) problems.push(`${unknownBatchIds} result batches with an unknown batch id`);
  if (results !== tasks || duplicates || mismatches || problems.length) {
    for (const e of examples) console.error(`  ${e}`);
    return fail(`${summary}${problems.length ? `; ${problems.join(', ')}` : ''}`);
  }
  console.log(`(${sentBatchIds.size} batches of up to ${batchSize} written in ${writeSeconds.toFixed(2)} s, ` +
    `${drainWaits} waits for 'drain')`);
  console.log(`OK: ${summary}`);
  return finish(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
