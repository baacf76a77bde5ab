package dev.gridqueue.server.internal.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Carries the optional {@code sessionid} request header (ALPCRUN.CH's name) into the call. */
public final class SessionIdMetadata implements ServerInterceptor {
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> SESSION_ID = Context.key("gridqueue-sessionid");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String sessionId = headers.get(HEADER);
    Context context = Context.current().withValue(SESSION_ID, sessionId == null ? "" : sessionId);
    return Contexts.interceptCall(context, call, headers, next);
  }
}
