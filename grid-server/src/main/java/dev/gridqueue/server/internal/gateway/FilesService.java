package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.UnsafeByteOperations;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.StoredFile;
import dev.gridqueue.proto.v1.FileChunk;
import dev.gridqueue.proto.v1.FileInfo;
import dev.gridqueue.proto.v1.FileRequest;
import dev.gridqueue.proto.v1.FilesGrpc;
import dev.gridqueue.server.security.Caller;
import dev.gridqueue.shareddata.FileStore;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gRPC Files service: a session's content-addressed files (see {@link FileStore}). Handlers run
 * on network threads, so every grid read and write runs on the blocking pool: an upload asks for
 * its next chunk only once the previous one is stored, a download sends while the client is ready.
 */
public final class FilesService extends FilesGrpc.FilesImplBase {
  private final FileStore store;
  private final Executor pool;
  private final GrpcBlockingCalls blockingCalls;
  private final SessionGuard guard;

  public FilesService(FileStore store, Executor pool, SessionGuard guard) {
    this.store = store;
    this.pool = pool;
    this.blockingCalls = new GrpcBlockingCalls(pool);
    this.guard = guard;
  }

  @Override
  public StreamObserver<FileChunk> uploadFile(StreamObserver<FileInfo> response) {
    Caller caller = Authentication.current(); // the gRPC context is this thread's only
    ServerCallStreamObserver<FileInfo> call = (ServerCallStreamObserver<FileInfo>) response;
    call.disableAutoRequest();
    call.request(1);
    return new StreamObserver<>() {
      private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
      private FileStore.Upload upload;
      private String sessionId;
      private String expected = "";
      private volatile boolean failed;

      @Override
      public void onNext(FileChunk chunk) {
        tail =
            tail.thenRunAsync(
                () -> {
                  if (failed) {
                    return;
                  }
                  try {
                    if (upload == null) {
                      sessionId = chunk.getSessionId();
                      guard.check(caller, sessionId);
                      upload = store.upload(sessionId);
                    }
                    if (chunk.getData().size() > ContractLimits.FILE_UPLOAD_CHUNK_MAX_BYTES) {
                      throw new InvalidRequestException(
                          "file_chunk.data is "
                              + chunk.getData().size()
                              + " bytes; the limit is "
                              + ContractLimits.FILE_UPLOAD_CHUNK_MAX_BYTES);
                    }
                    if (!chunk.getSha256().isEmpty()) {
                      expected = chunk.getSha256();
                    }
                    byte[] data = chunk.getData().toByteArray();
                    upload.write(data, 0, data.length);
                    call.request(1);
                  } catch (RuntimeException e) {
                    fail(e);
                  }
                },
                pool);
      }

      @Override
      public void onError(Throwable t) {
        tail.thenRunAsync(
            () -> {
              if (upload != null) {
                upload.abort();
              }
            },
            pool);
      }

      @Override
      public void onCompleted() {
        tail.thenRunAsync(
            () -> {
              if (failed) {
                return;
              }
              try {
                if (upload == null) {
                  throw new InvalidRequestException("file_chunk: no chunk sent");
                }
                FileStore.Stored stored = upload.commit(expected);
                response.onNext(
                    FileInfo.newBuilder()
                        .setSessionId(sessionId)
                        .setSha256(stored.sha256())
                        .setSize(stored.size())
                        .build());
                response.onCompleted();
              } catch (RuntimeException e) {
                fail(e);
              }
            },
            pool);
      }

      private void fail(RuntimeException e) {
        failed = true;
        if (upload != null) {
          upload.abort();
        }
        response.onError(GrpcErrorMapper.toStatus(e));
      }
    };
  }

  @Override
  public void statFile(FileRequest request, StreamObserver<FileInfo> response) {
    Caller caller = Authentication.current();
    blockingCalls.answer(
        response,
        () -> {
          StoredFile file = existing(request, caller);
          return FileInfo.newBuilder()
              .setSessionId(request.getSessionId())
              .setSha256(request.getSha256())
              .setSize(file.sizeBytes())
              .build();
        });
  }

  @Override
  public void downloadFile(FileRequest request, StreamObserver<FileChunk> response) {
    ServerCallStreamObserver<FileChunk> call = (ServerCallStreamObserver<FileChunk>) response;
    Download download = new Download(request, Authentication.current(), call);
    call.setOnReadyHandler(download::pump);
    call.setOnCancelHandler(() -> {});
    download.pump();
  }

  private StoredFile existing(FileRequest request, Caller caller) {
    if (request.getSessionId().isEmpty()) {
      throw new InvalidRequestException("file_request.session_id must not be empty");
    }
    guard.check(caller, request.getSessionId());
    StoredFile file = store.find(request.getSessionId(), request.getSha256());
    if (file == null) {
      throw Status.NOT_FOUND
          .withDescription(FileStore.notFound(request.getSessionId(), request.getSha256()))
          .asRuntimeException();
    }
    return file;
  }

  /** Sends a file's chunks while the client is ready; resumed by the stream's ready handler. */
  private final class Download {
    private final FileRequest request;
    private final Caller caller;
    private final ServerCallStreamObserver<FileChunk> call;
    private final AtomicBoolean pumping = new AtomicBoolean();
    private StoredFile file;
    private int next;
    private boolean done;

    Download(FileRequest request, Caller caller, ServerCallStreamObserver<FileChunk> call) {
      this.request = request;
      this.caller = caller;
      this.call = call;
    }

    void pump() {
      if (!pumping.compareAndSet(false, true)) {
        return;
      }
      pool.execute(
          () -> {
            try {
              send();
            } catch (RuntimeException e) {
              done = true;
              call.onError(GrpcErrorMapper.toStatus(e));
            } finally {
              pumping.set(false);
            }
            // readiness may have come back while this pump was ending
            if (!done && call.isReady() && !call.isCancelled()) {
              pump();
            }
          });
    }

    private void send() {
      if (done || call.isCancelled()) {
        return;
      }
      if (file == null) {
        file = existing(request, caller);
      }
      while (next < file.chunkCount() && call.isReady() && !call.isCancelled()) {
        byte[] data = store.chunk(request.getSessionId(), file, next);
        if (data == null) {
          throw Status.NOT_FOUND
              .withDescription(
                  FileStore.notFound(request.getSessionId(), request.getSha256()) + " (expired)")
              .asRuntimeException();
        }
        FileChunk.Builder chunk =
            FileChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data));
        if (next == 0) {
          chunk
              .setSessionId(request.getSessionId())
              .setSha256(request.getSha256())
              .setSize(file.sizeBytes());
        }
        call.onNext(chunk.build());
        next++;
      }
      if (next >= file.chunkCount()) {
        done = true;
        call.onCompleted();
      }
    }
  }
}
