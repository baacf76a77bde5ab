package dev.gridqueue.server.internal.polyglot;

import io.grpc.stub.StreamObserver;

/** Discards messages of a call already failed. */
final class IgnoredCall<T> implements StreamObserver<T> {
  @Override
  public void onNext(T value) {}

  @Override
  public void onError(Throwable t) {}

  @Override
  public void onCompleted() {}
}
