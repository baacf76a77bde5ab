package dev.gridqueue.client;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.internal.Endpoints;
import dev.gridqueue.proto.v1.FileChunk;
import dev.gridqueue.proto.v1.FileInfo;
import dev.gridqueue.proto.v1.FileRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One session's files in the grid's file store (the Files service): inputs of command tasks
 * uploaded once and named by their SHA-256, outputs downloaded by theirs. Files stay until the
 * session closes (at most {@link ContractLimits#FILE_TTL}); at most {@link
 * ContractLimits#FILE_MAX_BYTES} each.
 */
public final class FilesClient {
  private final Endpoints endpoints;
  private final String sessionId;

  FilesClient(Endpoints endpoints, String sessionId) {
    this.endpoints = endpoints;
    this.sessionId = sessionId;
  }

  /**
   * Stores the file at {@code path} unless the session holds it already; returns its SHA-256.
   *
   * @throws IllegalArgumentException if the file is missing or over the limit
   */
  public String upload(Path path) {
    checkedSize(path);
    String sha256;
    try {
      sha256 = sha256(path);
    } catch (java.nio.file.NoSuchFileException e) {
      throw missingInput(path, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input file " + path, e);
    }
    if (holds(sha256)) {
      return sha256;
    }
    try (InputStream in = Files.newInputStream(path)) {
      return send(in, sha256);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input file " + path, e);
    }
  }

  /**
   * The size of input file {@code path}, read before anything is hashed or sent.
   *
   * @throws IllegalArgumentException if the file is missing or over {@link
   *     ContractLimits#FILE_MAX_BYTES}
   */
  static long checkedSize(Path path) {
    long size;
    try {
      size = Files.size(path);
    } catch (java.nio.file.NoSuchFileException e) {
      throw missingInput(path, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input file " + path, e);
    }
    if (size > ContractLimits.FILE_MAX_BYTES) {
      throw new IllegalArgumentException(
          "input file "
              + path
              + " is "
              + size
              + " bytes; the limit is "
              + ContractLimits.FILE_MAX_BYTES);
    }
    return size;
  }

  /** The error for an input file that is not there (one wording wherever inputs are read). */
  static IllegalArgumentException missingInput(Path path, java.nio.file.NoSuchFileException e) {
    return new IllegalArgumentException("input file " + path + " does not exist", e);
  }

  /** Whether the session holds file {@code sha256}. */
  public boolean holds(String sha256) {
    try {
      endpoints.call(e -> e.filesBlocking().statFile(request(sha256)));
      return true;
    } catch (GridQueueException e) {
      if (e.status().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** Writes file {@code sha256} of the session to {@code target} (replaced if it exists). */
  public void download(String sha256, Path target) {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    try {
      if (target.getParent() != null) {
        Files.createDirectories(target.getParent());
      }
      try (OutputStream out = Files.newOutputStream(part)) {
        Iterator<FileChunk> chunks =
            endpoints.current().filesBlocking().downloadFile(request(sha256));
        while (chunks.hasNext()) {
          chunks.next().getData().writeTo(out);
        }
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (StatusRuntimeException e) {
      throw new GridQueueException(e.getStatus());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    } finally {
      part.toFile().delete();
    }
  }

  private FileRequest request(String sha256) {
    return FileRequest.newBuilder().setSessionId(sessionId).setSha256(sha256).build();
  }

  /** Sends the stream in chunks, each when the stream is ready for it (gRPC flow control). */
  private String send(InputStream in, String expected) throws IOException {
    CompletableFuture<FileInfo> answer = new CompletableFuture<>();
    Object ready = new Object();
    @SuppressWarnings("unchecked")
    ClientCallStreamObserver<FileChunk>[] stream = new ClientCallStreamObserver[1];
    endpoints
        .current()
        .files()
        .uploadFile(
            new ClientResponseObserver<FileChunk, FileInfo>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<FileChunk> requests) {
                stream[0] = requests;
                requests.setOnReadyHandler(
                    () -> {
                      synchronized (ready) {
                        ready.notifyAll();
                      }
                    });
              }

              @Override
              public void onNext(FileInfo info) {
                answer.complete(info);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
                synchronized (ready) {
                  ready.notifyAll();
                }
              }

              @Override
              public void onCompleted() {}
            });
    ClientCallStreamObserver<FileChunk> requests = stream[0];
    byte[] buffer = new byte[ContractLimits.FILE_CHUNK_BYTES];
    boolean first = true;
    int n;
    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0 || first) {
      synchronized (ready) {
        while (!requests.isReady() && !answer.isDone()) {
          try {
            ready.wait(100);
          } catch (InterruptedException e) {
            requests.cancel("interrupted", e);
            Thread.currentThread().interrupt();
            throw new IOException("upload interrupted", e);
          }
        }
      }
      if (answer.isDone()) {
        break; // the server answered early: an error
      }
      FileChunk.Builder chunk = FileChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n));
      if (first) {
        chunk.setSessionId(sessionId).setSha256(expected);
        first = false;
      }
      requests.onNext(chunk.build());
    }
    requests.onCompleted();
    try {
      return answer.get().getSha256();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("upload interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw new GridQueueException(sre.getStatus());
      }
      throw new IOException("upload failed", e.getCause());
    }
  }

  private static String sha256(Path path) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
