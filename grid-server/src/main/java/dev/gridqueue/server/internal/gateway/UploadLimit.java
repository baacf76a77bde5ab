package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.proto.v1.CacheGrpc;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the shared-data uploads a server takes at once. A message is buffered whole before its
 * handler runs, and an upload may be as large as the largest payload (256 MiB by default), so
 * concurrent uploads are what could fill the heap. A call over the limit is closed with
 * RESOURCE_EXHAUSTED when it starts, before its message is requested, so its payload is never
 * buffered (the transport drops what was in flight).
 */
public final class UploadLimit implements ServerInterceptor {
  private static final Set<String> UPLOADS =
      Set.of(
          CacheGrpc.getSetSharedDataMethod().getFullMethodName(),
          CacheGrpc.getUpdateSharedDataMethod().getFullMethodName());

  private final int max;
  private final Semaphore permits;

  public UploadLimit(int max) {
    this.max = max;
    this.permits = new Semaphore(max);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!UPLOADS.contains(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    if (!permits.tryAcquire()) {
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "this server takes "
                  + max
                  + " shared-data uploads at once (the limit per server); retry shortly"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            permits.release();
          }
        };
    try {
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(call, headers)) {
        @Override
        public void onComplete() {
          release.run();
          super.onComplete();
        }

        @Override
        public void onCancel() {
          release.run();
          super.onCancel();
        }
      };
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
  }
}
