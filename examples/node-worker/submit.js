#!/usr/bin/env node
// Minimal client for trying the Node worker by hand: creates a session, sends tasks, prints a few
// results and the throughput, closes the session. Only the .proto contract (like ../node-client).
//
// Usage: node submit.js [host:port] [app] [tasks] [batchSize] [tag,tag...]
//        (defaults: localhost:1337 upper 1000 100, no tags)
'use strict';

const grpc = require('@grpc/grpc-js');
const { loadContract, connection } = require('./contract');

const [target = 'localhost:1337', app = 'upper', tasksArg = '1000', batchArg = '100', tagsArg = ''] = process.argv.slice(2);
const tasks = Number(tasksArg);
const batchSize = Number(batchArg);
const tags = tagsArg.split(',').filter(Boolean);
if (!(tasks > 0 && batchSize > 0)) {
  console.error('usage: node submit.js [host:port] [app] [tasks] [batchSize] [tag,tag...]');
  process.exit(2);
}

const client = new (loadContract().Queue)(target, ...connection());
const unary = (method, req) => new Promise((resolve, reject) =>
  client[method](req, { deadline: Date.now() + 30_000 }, (e, r) => (e ? reject(e) : resolve(r))));

async function main() {
  const session = await unary('CreateSession', { app: { id: app }, attributes: { tags } });
  console.log(`session ${session.id} (app ${app}${tags.length ? `, tags ${tags}` : ''}): sending ${tasks} tasks`);
  process.on('SIGINT', async () => { await unary('CloseSession', { id: session.id }).catch(() => {}); process.exit(130); });
  const start = Date.now();
  const call = client.ClientStream();
  let results = 0;
  let failed = 0;
  call.on('data', (batch) => {
    for (const m of batch.messages) {
      if (results < 3) console.log(`  ${m.id}: ${m.error != null ? `error ${m.error}` : JSON.stringify(m.payload.toString('utf8'))}`);
      results++;
      if (m.error != null) failed++;
    }
  });
  const status = new Promise((resolve) => call.on('status', resolve));
  call.on('error', () => {});
  for (let first = 0, n = 0; first < tasks; first += batchSize, n++) {
    const messages = [];
    for (let i = first; i < Math.min(first + batchSize, tasks); i++) messages.push({ id: `task-${i}`, payload: Buffer.from(`hello ${i}`) });
    if (!call.write({ id: `batch-${n}`, session_id: session.id, messages })) await new Promise((r) => call.once('drain', r));
  }
  call.end(); // the server completes the stream once every result is delivered
  const st = await status;
  const s = (Date.now() - start) / 1000;
  console.log(`${results} results (${failed} with error) in ${s.toFixed(2)} s = ${Math.round(results / s)} tasks/s; ` +
    `stream ${grpc.status[st.code]}${st.details ? `: ${st.details}` : ''}`);
  await unary('CloseSession', { id: session.id });
  client.close();
  process.exit(st.code === grpc.status.OK && results === tasks ? 0 : 1);
}

main().catch((e) => { console.error(`FAIL: ${e.details || e.stack || e}`); process.exit(1); });
