package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.server.security.ApiKeys;
import dev.gridqueue.server.security.Caller;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling: the {@code api_key} metadata looked up in the grid's {@link ApiKeys}, put in the
 * call's context as a {@link Caller}. A call without a known key is closed {@code UNAUTHENTICATED}
 * before any handler (or other interceptor) sees it; a key whose role may not make this call is
 * closed {@code PERMISSION_DENIED}. Ownership of sessions is checked later, per call ({@link
 * SessionGuard}). Without keys configured every call is made by {@link Caller#ANYONE}.
 */
public final class Authentication implements ServerInterceptor {
  static final Metadata.Key<String> HEADER =
      Metadata.Key.of(ApiKeys.METADATA_KEY, Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Caller> CALLER = Context.key("gridqueue-caller");

  /** The polyglot worker protocol: worker keys (and admins) only. */
  private static final Set<String> WORKER_CALLS =
      Set.of("gridqueue.v1.Queue/WorkerUpdate", "gridqueue.v1.Queue/WorkerStream");

  /**
   * Calls worker keys may make besides their own, limited to the sessions their workers serve
   * (checked per session by {@link SessionGuard}): shared data, input files, and GetStats, through
   * which a worker learns a bound session's app.
   */
  private static final Set<String> SHARED_CALLS =
      Set.of(
          "gridqueue.v1.Cache/GetSharedData",
          "gridqueue.v1.Files/StatFile",
          "gridqueue.v1.Files/DownloadFile",
          "gridqueue.v1.Queue/GetStats");

  private final java.util.function.Supplier<ApiKeys> currentKeys;

  public Authentication(ApiKeys keys) {
    this(() -> keys);
  }

  /** Keys that may change while the server runs (a key file read again: {@code ApiKeysFile}). */
  public Authentication(java.util.function.Supplier<ApiKeys> keys) {
    this.currentKeys = keys;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller;
    ApiKeys keys = currentKeys.get();
    if (!keys.enabled()) {
      caller = Caller.ANYONE;
    } else {
      String key = headers.get(HEADER);
      Optional<Caller> known = key == null ? Optional.empty() : keys.lookup(key);
      if (known.isEmpty()) {
        return refuse(
            call,
            Status.UNAUTHENTICATED.withDescription(
                key == null
                    ? "this grid needs an API key: send it as metadata " + ApiKeys.METADATA_KEY
                    : "unknown API key (metadata " + ApiKeys.METADATA_KEY + ")"));
      }
      caller = known.get();
      String method = call.getMethodDescriptor().getFullMethodName();
      if (!mayCall(caller.role(), method)) {
        return refuse(
            call,
            Status.PERMISSION_DENIED.withDescription(
                caller + " may not call " + method + " (" + roleNeeded(method) + " needed)"));
      }
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }

  private static boolean mayCall(Caller.Role role, String method) {
    if (role == Caller.Role.ADMIN || SHARED_CALLS.contains(method)) {
      return true;
    }
    return WORKER_CALLS.contains(method) ? role == Caller.Role.WORKER : role == Caller.Role.CLIENT;
  }

  private static String roleNeeded(String method) {
    return WORKER_CALLS.contains(method) ? "a worker or admin key" : "a client or admin key";
  }

  private static <ReqT, RespT> ServerCall.Listener<ReqT> refuse(
      ServerCall<ReqT, RespT> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /** The caller of the current call ({@link Caller#ANYONE} outside an authenticated call). */
  public static Caller current() {
    Caller caller = CALLER.get();
    return caller == null ? Caller.ANYONE : caller;
  }
}
