// Loads the gridqueue wire contract from client-api's .proto files at run time: no generated code.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '../../client-api/src/main/proto');

/** The gridqueue.v1 package: service constructors `Queue` and `Cache`. */
function loadContract() {
  const packageDefinition = protoLoader.loadSync(['gridqueue/v1/queue.proto', 'gridqueue/v1/cache.proto'], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [PROTO_ROOT],
  });
  return grpc.loadPackageDefinition(packageDefinition).gridqueue.v1;
}

/**
 * How to reach the grid, from the environment: GRIDQUEUE_CA (a PEM file: TLS trusting that CA)
 * and GRIDQUEUE_API_KEY (sent as `api_key` metadata on every call, for grids started with
 * --api-keys): the constructor arguments after the target, `new Queue(target, ...connection())`.
 */
function connection() {
  const ca = process.env.GRIDQUEUE_CA;
  const apiKey = process.env.GRIDQUEUE_API_KEY;
  const credentials = ca ? grpc.credentials.createSsl(fs.readFileSync(ca)) : grpc.credentials.createInsecure();
  const options = {};
  if (apiKey) {
    options.interceptors = [
      (callOptions, nextCall) =>
        new grpc.InterceptingCall(nextCall(callOptions), {
          start(metadata, listener, next) {
            metadata.set('api_key', apiKey);
            next(metadata, listener);
          },
        }),
    ];
  }
  return [credentials, options];
}

module.exports = { loadContract, connection };
