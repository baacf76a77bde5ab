package dev.gridqueue.client.internal;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.FilesGrpc;
import dev.gridqueue.proto.v1.QueueGrpc;
import io.grpc.Channel;

/** One grid node's stubs. */
public record Endpoint(
    String name,
    QueueGrpc.QueueBlockingStub blocking,
    QueueGrpc.QueueStub async,
    CacheGrpc.CacheBlockingStub cache,
    FilesGrpc.FilesStub files,
    FilesGrpc.FilesBlockingStub filesBlocking) {

  /** The stubs of the node behind {@code channel}, named after its authority. */
  public static Endpoint of(Channel channel) {
    return new Endpoint(
        channel.authority(),
        QueueGrpc.newBlockingStub(channel),
        QueueGrpc.newStub(channel),
        // Shared-data levels are the only large messages: room for the largest the contract allows.
        CacheGrpc.newBlockingStub(channel)
            .withMaxInboundMessageSize(ContractLimits.MAX_MESSAGE_BYTES)
            .withMaxOutboundMessageSize(ContractLimits.MAX_MESSAGE_BYTES),
        FilesGrpc.newStub(channel),
        FilesGrpc.newBlockingStub(channel));
  }
}
