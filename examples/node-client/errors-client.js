#!/usr/bin/env node
// Checks gridqueue's documented error contract (queue.proto, cache.proto) from an independent
// Node.js client that uses only the .proto files.
//
// Usage: node errors-client.js [host:port]   (default: localhost:1337)
'use strict';

const grpc = require('@grpc/grpc-js');
const { loadContract, connection } = require('./contract');

const TIMEOUT_MS = 120_000;
const DEADLINE_MS = 30_000;
const target = process.argv[2] || 'localhost:1337';

const gridqueue = loadContract();
const queue = new gridqueue.Queue(target, ...connection());
const cache = new gridqueue.Cache(target, ...connection());

const overall = setTimeout(() => {
  console.error(`FAIL: checks did not finish within ${TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TIMEOUT_MS);

const deadline = () => ({ deadline: Date.now() + DEADLINE_MS });
const statusName = (code) => `${grpc.status[code]} (${code})`;

/** Resolves with the call's final status ({code, details}); a success resolves with code OK. */
function unaryStatus(stub, method, request) {
  return new Promise((resolve) => {
    stub[method](request, deadline(), (err) => resolve(err ? err : { code: grpc.status.OK, details: '' }));
  });
}

/** Opens a bidi stream, writes `batches`, half-closes, and resolves with the final status. */
function streamStatus(stub, method, batches, metadata) {
  return new Promise((resolve) => {
    const call = metadata ? stub[method](metadata, deadline()) : stub[method](deadline());
    let received = 0;
    call.on('data', () => { received++; });
    call.on('error', () => { /* reported through 'status' */ });
    call.on('status', (s) => resolve({ code: s.code, details: s.details, received }));
    for (const b of batches) call.write(b);
    call.end();
  });
}

/** Opens a server-streaming call and resolves with the final status. */
function serverStreamStatus(stub, method, request) {
  return new Promise((resolve) => {
    const call = stub[method](request, deadline());
    let received = 0;
    call.on('data', () => { received++; });
    call.on('error', () => { /* reported through 'status' */ });
    call.on('status', (s) => resolve({ code: s.code, details: s.details, received }));
  });
}

let failures = 0;
let checks = 0;
function check(name, status, expectedCode, mustMention) {
  checks++;
  const missing = (mustMention || []).filter((s) => !String(status.details).includes(s));
  const ok = status.code === expectedCode && missing.length === 0;
  if (!ok) failures++;
  const why = ok ? '' : `  <-- expected ${statusName(expectedCode)}` +
    (mustMention && mustMention.length ? ` mentioning ${mustMention.map((s) => `"${s}"`).join(', ')}` : '');
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${statusName(status.code)} "${status.details}"${why}`);
}

const task = (id) => ({ id, payload: Buffer.from('x') });

async function main() {
  console.log(`gridqueue error contract at ${target}`);

  // The four required checks.
  check('CreateSession with empty app.id',
    await unaryStatus(queue, 'CreateSession', { app: { id: '' } }),
    grpc.status.INVALID_ARGUMENT, ['app.id']);

  check('ClientStream batch for session "no-such-session"',
    await streamStatus(queue, 'ClientStream', [{ session_id: 'no-such-session', messages: [task('t-1')] }]),
    grpc.status.NOT_FOUND, ['no-such-session']);

  check('CloseSession of unknown id',
    await unaryStatus(queue, 'CloseSession', { id: 'no-such-session' }),
    grpc.status.NOT_FOUND, ['no-such-session']);

  check('ClientStreamDeadLetters of session "no-such-session"',
    await serverStreamStatus(queue, 'ClientStreamDeadLetters', { id: 'no-such-session' }),
    grpc.status.NOT_FOUND, ['no-such-session']);

  check('UpdateSession of an unknown session',
    await unaryStatus(queue, 'UpdateSession', { id: 'no-such-session', app: { id: 'echo' } }),
    grpc.status.NOT_FOUND, ['no-such-session']);

  // Further documented behaviour.
  check('CreateSession with attributes.priority 11',
    await unaryStatus(queue, 'CreateSession', { app: { id: 'echo' }, attributes: { priority: 11 } }),
    grpc.status.INVALID_ARGUMENT, ['priority']);

  check('CreateSession with attributes.max_inflight_batches_per_worker 0',
    await unaryStatus(queue, 'CreateSession', { app: { id: 'echo' }, attributes: { max_inflight_batches_per_worker: 0 } }),
    grpc.status.INVALID_ARGUMENT, ['max_inflight_batches_per_worker']);

  const md = new grpc.Metadata();
  md.set('sessionid', 'no-such-session');
  check('ClientStream with metadata sessionid "no-such-session", nothing sent',
    await streamStatus(queue, 'ClientStream', [], md),
    grpc.status.NOT_FOUND, ['no-such-session']);

  // Malformed batches on a real session, then the same session once closed.
  let sessionId = null;
  await new Promise((resolve) => queue.CreateSession({ app: { id: 'echo' } }, deadline(), (err, s) => {
    if (err) console.log(`FAIL CreateSession for the malformed-batch checks: ${statusName(err.code)} "${err.details}"`);
    else sessionId = s.id;
    resolve();
  }));
  if (sessionId) {
    check('ClientStream batch with an empty task id',
      await streamStatus(queue, 'ClientStream', [{ session_id: sessionId, messages: [task('t-1'), task('')] }]),
      grpc.status.INVALID_ARGUMENT, ['messages[1].id']);

    check('ClientStream batch without messages',
      await streamStatus(queue, 'ClientStream', [{ session_id: sessionId, messages: [] }]),
      grpc.status.INVALID_ARGUMENT, ['messages']);

    check('ClientStream batch without session_id',
      await streamStatus(queue, 'ClientStream', [{ messages: [task('t-1')] }]),
      grpc.status.INVALID_ARGUMENT, ['session_id']);

    check('CloseSession of an open session',
      await unaryStatus(queue, 'CloseSession', { id: sessionId }), grpc.status.OK);

    check('ClientStream batch for the closed session',
      await streamStatus(queue, 'ClientStream', [{ session_id: sessionId, messages: [task('t-1')] }]),
      grpc.status.NOT_FOUND, [sessionId]);

    check('CloseSession of the closed session again',
      await unaryStatus(queue, 'CloseSession', { id: sessionId }), grpc.status.NOT_FOUND, [sessionId]);
  } else {
    failures++;
  }

  // Polyglot worker protocol and cancellation.
  check('WorkerStream without a registered workerid',
    await streamStatus(queue, 'WorkerStream', []), grpc.status.FAILED_PRECONDITION, ['workerid']);
  check('CancelTasks of session "no-such-session"',
    await unaryStatus(queue, 'CancelTasks', { session_id: 'no-such-session', all: true }),
    grpc.status.NOT_FOUND, ['no-such-session']);

  // Shared data (Cache service): the error contract in docs/architecture.md ("Error contract").
  for (const m of ['SetSharedData', 'UpdateSharedData', 'GetSharedData', 'DeleteSharedData']) {
    check(`Cache.${m} for session "no-such-session"`,
      await unaryStatus(cache, m, { session_id: 'no-such-session', update_level: 1, payload: Buffer.from('x') }),
      grpc.status.NOT_FOUND, ['no-such-session']);
  }
  let shared = null;
  await new Promise((resolve) => queue.CreateSession({ app: { id: 'echo' } }, deadline(), (err, s) => {
    if (!err) shared = s.id;
    resolve();
  }));
  if (shared) {
    const ttl = (seconds) => ({ seconds: String(seconds), nanos: 0 });
    check('Cache.SetSharedData level 1',
      await unaryStatus(cache, 'SetSharedData', { session_id: shared, update_level: 1, payload: Buffer.from('one'), ttl: ttl(60) }),
      grpc.status.OK);
    check('Cache.UpdateSharedData level 3 after 1',
      await unaryStatus(cache, 'UpdateSharedData', { session_id: shared, update_level: 3, payload: Buffer.from('three'), ttl: ttl(60) }),
      grpc.status.FAILED_PRECONDITION, ['update level mismatch: expected 2, got 3']);
    check('Cache.GetSharedData of a level never stored',
      await unaryStatus(cache, 'GetSharedData', { session_id: shared, update_level: 7 }),
      grpc.status.NOT_FOUND, [`shared data not found for session ${shared} (level 7)`]);
    check('Cache.SetSharedData with a TTL above the maximum',
      await unaryStatus(cache, 'SetSharedData', { session_id: shared, update_level: 1, payload: Buffer.from('x'), ttl: ttl(3600) }),
      grpc.status.INVALID_ARGUMENT, ['maximum']);
    check('CloseSession of the shared-data session',
      await unaryStatus(queue, 'CloseSession', { id: shared }), grpc.status.OK);
    check('Cache.GetSharedData after CloseSession',
      await unaryStatus(cache, 'GetSharedData', { session_id: shared, update_level: 1 }),
      grpc.status.NOT_FOUND);
  } else {
    failures++;
  }

  clearTimeout(overall);
  queue.close();
  cache.close();
  if (failures) {
    console.log(`FAIL: ${failures} of ${checks} checks failed`);
    process.exit(1);
  }
  console.log(`OK: all ${checks} error-contract checks passed`);
  process.exit(0);
}

main().catch((e) => {
  console.error(`FAIL: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
