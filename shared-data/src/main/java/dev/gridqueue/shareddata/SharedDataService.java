package dev.gridqueue.shareddata;

import com.google.protobuf.Empty;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.SharedData;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The gRPC Cache service (versioned shared data). Until the shared-data issue lands every RPC
 * answers UNIMPLEMENTED, saying so, rather than pretending to work.
 */
public final class SharedDataService extends CacheGrpc.CacheImplBase {
  @Override
  public void setSharedData(SharedData request, StreamObserver<Empty> response) {
    response.onError(notYet("SetSharedData"));
  }

  @Override
  public void updateSharedData(SharedData request, StreamObserver<Empty> response) {
    response.onError(notYet("UpdateSharedData"));
  }

  @Override
  public void getSharedData(SharedData request, StreamObserver<SharedData> response) {
    response.onError(notYet("GetSharedData"));
  }

  @Override
  public void deleteSharedData(SharedData request, StreamObserver<Empty> response) {
    response.onError(notYet("DeleteSharedData"));
  }

  private static io.grpc.StatusRuntimeException notYet(String rpc) {
    return Status.UNIMPLEMENTED
        .withDescription(rpc + " is not implemented yet in this gridqueue version; it comes with the shared-data issue")
        .asRuntimeException();
  }
}
