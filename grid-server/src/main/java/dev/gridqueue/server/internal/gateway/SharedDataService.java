package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.Empty;
import com.google.protobuf.UnsafeByteOperations;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.errors.FieldChecks;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.SharedData;
import dev.gridqueue.server.security.Caller;
import dev.gridqueue.shareddata.SharedDataStore;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The gRPC Cache service: versioned shared data (see {@link SharedDataStore} for the rules). Every
 * call waits on the grid, so it runs on the blocking executor, never on a network thread.
 */
public final class SharedDataService extends CacheGrpc.CacheImplBase {
  private final SharedDataStore store;
  private final GrpcBlockingCalls blockingCalls;

  private final SessionGuard guard;
  private final DataRegionGuard region;

  public SharedDataService(
      SharedDataStore store,
      GrpcBlockingCalls blockingCalls,
      SessionGuard guard,
      DataRegionGuard region) {
    this.store = store;
    this.blockingCalls = blockingCalls;
    this.guard = guard;
    this.region = region;
  }

  @Override
  public void setSharedData(SharedData request, StreamObserver<Empty> response) {
    run(
        response,
        request.getSessionId(),
        () -> {
          region.check(request.getPayload().size());
          store.set(request.getSessionId(), level(request), request.getPayload(), ttl(request));
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void updateSharedData(SharedData request, StreamObserver<Empty> response) {
    run(
        response,
        request.getSessionId(),
        () -> {
          region.check(request.getPayload().size());
          store.update(request.getSessionId(), level(request), request.getPayload(), ttl(request));
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void getSharedData(SharedData request, StreamObserver<SharedData> response) {
    run(
        response,
        request.getSessionId(),
        () -> {
          SharedDataStore.Level level = store.get(request.getSessionId(), level(request));
          return SharedData.newBuilder()
              .setSessionId(request.getSessionId())
              .setUpdateLevel(level.level())
              .setPayload(UnsafeByteOperations.unsafeWrap(level.payload())) // ours alone: no copy
              .build();
        });
  }

  @Override
  public void deleteSharedData(SharedData request, StreamObserver<Empty> response) {
    run(
        response,
        request.getSessionId(),
        () -> {
          store.delete(request.getSessionId());
          return Empty.getDefaultInstance();
        });
  }

  /** Answers off the network thread, once the caller is allowed the request's session. */
  private <T> void run(StreamObserver<T> response, String sessionId, Supplier<T> call) {
    Caller caller = Authentication.current();
    blockingCalls.answer(
        response,
        () -> {
          guard.check(caller, sessionId);
          return call.get();
        });
  }

  private static Integer level(SharedData request) {
    return request.hasUpdateLevel()
        ? FieldChecks.uint32(
            "shared_data.update_level",
            request.getUpdateLevel(),
            1,
            ContractLimits.SHARED_DATA_MAX_LEVEL)
        : null;
  }

  private static Duration ttl(SharedData request) {
    if (!request.hasTtl()) {
      return null;
    }
    com.google.protobuf.Duration ttl = request.getTtl();
    if (ttl.getSeconds() < 0 || ttl.getNanos() < 0) {
      throw new InvalidRequestException("shared_data.ttl must not be negative");
    }
    FieldChecks.uint32("shared_data.ttl.nanos", ttl.getNanos(), 0, 999_999_999);
    return Duration.ofSeconds(ttl.getSeconds(), ttl.getNanos());
  }
}
