package dev.gridqueue.server.internal.polyglot;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The {@code workerid} header of the polyglot worker protocol (ALPCRUN.CH's name): WorkerUpdate
 * gets a fresh id, returned in the response header; WorkerStream reads the worker's id from its
 * request header.
 */
public final class WorkerIdMetadata implements ServerInterceptor {
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("workerid", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> WORKER_ID = Context.key("gridqueue-workerid");
  private static final String WORKER_UPDATE = "gridqueue.v1.Queue/WorkerUpdate";

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (WORKER_UPDATE.equals(call.getMethodDescriptor().getFullMethodName())) {
      String workerId = newWorkerId();
      // Headers go out at once (a worker waits for its id before sending anything), and only once:
      // the stub's own later sendHeaders is dropped.
      ServerCall<ReqT, RespT> withHeader =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            private boolean sent;

            @Override
            public synchronized void sendHeaders(Metadata responseHeaders) {
              if (sent) {
                return;
              }
              sent = true;
              responseHeaders.put(HEADER, workerId);
              super.sendHeaders(responseHeaders);
            }
          };
      ServerCall.Listener<ReqT> listener =
          Contexts.interceptCall(
              Context.current().withValue(WORKER_ID, workerId), withHeader, headers, next);
      withHeader.sendHeaders(new Metadata());
      return listener;
    }
    String workerId = headers.get(HEADER);
    return Contexts.interceptCall(
        Context.current().withValue(WORKER_ID, workerId == null ? "" : workerId),
        call,
        headers,
        next);
  }

  /**
   * A fresh worker id: 128 random bits from a strong source, so an id cannot be guessed (opening a
   * WorkerStream also needs the key that registered the worker).
   */
  static String newWorkerId() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return "grpc-" + HexFormat.of().formatHex(bits);
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The worker id of the current call ("" if none). */
  public static String current() {
    String id = WORKER_ID.get();
    return id == null ? "" : id;
  }
}
