package dev.gridqueue.server.internal.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Carries the caller's host address into the call (a polyglot worker's host, for blocklists). */
public final class PeerAddress implements ServerInterceptor {
  private static final Context.Key<String> PEER_HOST = Context.key("gridqueue-peer-host");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String host = remote instanceof InetSocketAddress inet ? inet.getHostString() : "unknown";
    return Contexts.interceptCall(
        Context.current().withValue(PEER_HOST, host), call, headers, next);
  }

  static String current() {
    String host = PEER_HOST.get();
    return host == null ? "unknown" : host;
  }
}
