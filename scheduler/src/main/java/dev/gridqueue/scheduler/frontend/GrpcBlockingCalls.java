package dev.gridqueue.scheduler.frontend;

import dev.gridqueue.shareddata.BlockingCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Unary calls that wait on the grid, run on a pool and answered through {@link GrpcErrorMapper}. */
public final class GrpcBlockingCalls implements BlockingCalls {
  private final Executor pool;

  public GrpcBlockingCalls(Executor pool) {
    this.pool = pool;
  }

  @Override
  public <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    pool.execute(
        () -> {
          try {
            response.onNext(call.get());
            response.onCompleted();
          } catch (RuntimeException e) {
            response.onError(GrpcErrorMapper.toStatus(e));
          }
        });
  }
}
