package dev.gridqueue.shareddata;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * Runs a unary gRPC call that waits on the grid away from the network thread, answering with its
 * result or its failure mapped to a status. The frontend provides it (with its one error mapper).
 */
@FunctionalInterface
public interface BlockingCalls {
  <T> void answer(StreamObserver<T> response, Supplier<T> call);
}
