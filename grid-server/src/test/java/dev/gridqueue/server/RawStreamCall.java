package dev.gridqueue.server;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.QueueGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A ClientStream call made with the generated stubs only, recording what comes back. */
final class RawStreamCall implements StreamObserver<Batch> {
  final List<Batch> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Status> end = new CompletableFuture<>();
  final StreamObserver<Batch> requests;

  RawStreamCall(QueueGrpc.QueueStub stub) {
    this.requests = stub.clientStream(this);
  }

  /** A call that names its session in the {@code sessionid} header. */
  static RawStreamCall withSessionHeader(QueueGrpc.QueueStub stub, String sessionId) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER), sessionId);
    return new RawStreamCall(
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
  }

  Status awaitEnd(Duration timeout) throws Exception {
    return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Acknowledges deliveries with a batch that carries nothing else. */
  void ack(java.util.Collection<String> deliveryIds) {
    requests.onNext(Batch.newBuilder().addAllAckDeliveryIds(deliveryIds).build());
  }

  /** Cancels the call, as a crashing client's transport would end it. */
  void cancel() {
    ((io.grpc.stub.ClientCallStreamObserver<Batch>) requests)
        .cancel("test cancels the stream", null);
  }

  int resultCount() {
    return received.stream().mapToInt(Batch::getMessagesCount).sum();
  }

  @Override
  public void onNext(Batch value) {
    received.add(value);
  }

  @Override
  public void onError(Throwable t) {
    end.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end.complete(Status.OK);
  }
}
