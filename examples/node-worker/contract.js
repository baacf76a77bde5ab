// Loads the gridqueue wire contract from client-api's .proto files at run time: no generated code.
'use strict';

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

module.exports = { loadContract };
