package dev.gridqueue.server.internal.gateway;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Unary calls that wait on the grid, run on a pool and answered through {@link GrpcErrorMapper}.
 */
public final class GrpcBlockingCalls {
  private final Executor pool;

  public GrpcBlockingCalls(Executor pool) {
    this.pool = pool;
  }

  /**
   * Runs {@code call} on the pool and answers {@code response} with its value or its mapped error.
   */
  public <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    try {
      pool.execute(
          () -> {
            try {
              response.onNext(call.get());
              response.onCompleted();
            } catch (RuntimeException e) {
              response.onError(GrpcErrorMapper.toStatus(e));
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) { // a bounded pool is full
      response.onError(GrpcErrorMapper.toStatus(e));
    }
  }
}
