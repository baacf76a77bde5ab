package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.FileChunk;
import dev.gridqueue.proto.v1.FileInfo;
import dev.gridqueue.proto.v1.FilesGrpc;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A file upload over the contract's limit (1 GiB) through the Files service is refused at the
 * limit, streamed: the client generates its chunks as gRPC flow control asks for them and never
 * holds the file; the server stores chunks as they come and refuses the one that crosses the limit.
 */
class LargeFileUploadIT {
  private static final int CHUNK = 1 << 20;

  /** Room for the limit's worth of chunks (the refusal must be the limit's, not a full region). */
  @RegisterExtension
  static EmbeddedGrid grid = new EmbeddedGrid(0).dataRegionBytes(2 * ContractLimits.FILE_MAX_BYTES);

  @Test
  void shouldRefuseAnUploadOverTheLimitAtTheLimit() throws Exception {
    // given
    String sessionId =
        QueueGrpc.newBlockingStub(grid.newChannel())
            .createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build())
            .getId();
    Object ready = new Object();
    CompletableFuture<Status> end = new CompletableFuture<>();
    ClientResponseObserver<FileChunk, FileInfo> responses =
        new ClientResponseObserver<>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<FileChunk> requests) {
            requests.setOnReadyHandler(
                () -> {
                  synchronized (ready) {
                    ready.notifyAll();
                  }
                });
          }

          @Override
          public void onNext(FileInfo info) {}

          @Override
          public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
            synchronized (ready) {
              ready.notifyAll();
            }
          }

          @Override
          public void onCompleted() {
            end.complete(Status.OK);
          }
        };
    ClientCallStreamObserver<FileChunk> upload =
        (ClientCallStreamObserver<FileChunk>)
            FilesGrpc.newStub(grid.newChannel()).uploadFile(responses);

    // when: 1 MiB chunks (one buffer, sent again and again) until the server ends the call
    FileChunk chunk =
        FileChunk.newBuilder()
            .setSessionId(sessionId)
            .setData(ByteString.copyFrom(new byte[CHUNK]))
            .build();
    long sent = 0;
    while (!end.isDone() && sent <= 2 * ContractLimits.FILE_MAX_BYTES) {
      synchronized (ready) {
        while (!upload.isReady() && !end.isDone()) {
          ready.wait(100);
        }
      }
      if (!end.isDone()) {
        upload.onNext(chunk);
        sent += CHUNK;
      }
    }
    Status status = end.get(2, TimeUnit.MINUTES);

    // then: refused naming the limit, once the limit was reached (not before, not at the end)
    assertThat(status.getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains(String.valueOf(ContractLimits.FILE_MAX_BYTES));
    assertThat(sent).isGreaterThan(ContractLimits.FILE_MAX_BYTES);
    assertThat(sent).isLessThan(ContractLimits.FILE_MAX_BYTES + 64L * CHUNK); // flow control

    // and the server still stores files
    FileInfo small = uploadSmall(sessionId);
    assertThat(small.getSize()).isEqualTo(3);
  }

  private static FileInfo uploadSmall(String sessionId) throws Exception {
    CompletableFuture<FileInfo> info = new CompletableFuture<>();
    var requests =
        FilesGrpc.newStub(grid.newChannel())
            .uploadFile(
                new io.grpc.stub.StreamObserver<>() {
                  @Override
                  public void onNext(FileInfo value) {
                    info.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    info.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        FileChunk.newBuilder()
            .setSessionId(sessionId)
            .setData(ByteString.copyFromUtf8("abc"))
            .build());
    requests.onCompleted();
    return info.get(30, TimeUnit.SECONDS);
  }
}
