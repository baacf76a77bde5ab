"""Generated gRPC stubs of the gridqueue wire contract, package ``gridqueue.v1``.

``queue_pb2`` / ``cache_pb2`` hold the messages, ``*_pb2_grpc`` the service stubs. They are
generated from ``client-api/src/main/proto/gridqueue/v1/*.proto`` by ``generate_stubs.sh`` and
checked in; do not edit them by hand. They sit at ``gridqueue/v1`` because that is the proto
package, so their own imports (``from gridqueue.v1 import queue_pb2``) resolve unchanged.
"""
