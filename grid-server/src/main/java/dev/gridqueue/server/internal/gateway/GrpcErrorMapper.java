package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.errors.PermissionDeniedException;
import dev.gridqueue.grid.errors.QuotaExceededException;
import dev.gridqueue.grid.errors.SessionNotFoundException;
import dev.gridqueue.grid.errors.SharedDataNotFoundException;
import dev.gridqueue.grid.errors.UpdateLevelMismatchException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cache.CacheServerNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into gRPC statuses (docs/architecture.md, "Error contract") and
 * decides how loud to log them: client mistakes at debug, grid trouble at warn, bugs at error.
 */
public final class GrpcErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrorMapper.class);

  private GrpcErrorMapper() {}

  public static StatusRuntimeException toStatus(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (cause instanceof UpdateLevelMismatchException) {
      LOG.debug("rejected: {}", cause.getMessage());
      return Status.FAILED_PRECONDITION
          .withDescription(describe(cause.getMessage()))
          .asRuntimeException();
    }
    if (cause instanceof SessionNotFoundException || cause instanceof SharedDataNotFoundException) {
      LOG.debug("rejected: {}", cause.getMessage());
      return Status.NOT_FOUND.withDescription(describe(cause.getMessage())).asRuntimeException();
    }
    if (cause instanceof PermissionDeniedException) {
      LOG.debug("refused: {}", cause.getMessage());
      return Status.PERMISSION_DENIED.withDescription(cause.getMessage()).asRuntimeException();
    }
    if (cause instanceof InvalidRequestException) {
      LOG.debug("rejected: {}", cause.getMessage());
      return Status.INVALID_ARGUMENT
          .withDescription(describe(cause.getMessage()))
          .asRuntimeException();
    }
    if (cause instanceof QuotaExceededException) {
      LOG.debug("rejected: {}", cause.getMessage());
      return Status.RESOURCE_EXHAUSTED
          .withDescription(describe(cause.getMessage()))
          .asRuntimeException();
    }
    if (cause instanceof java.util.concurrent.RejectedExecutionException) {
      LOG.warn("server busy: {}", cause.toString());
      return Status.RESOURCE_EXHAUSTED
          .withDescription("server busy: too many calls waiting on the grid, retry later")
          .asRuntimeException();
    }
    if (hasCause(cause, "org.apache.ignite.internal.mem.IgniteOutOfMemoryException")) {
      // The last line of defence: quotas should refuse a request before the data region fills.
      LOG.error("data region full: {}", cause.toString());
      return Status.RESOURCE_EXHAUSTED
          .withDescription("the grid's memory is full; delete data or acknowledge results first")
          .asRuntimeException();
    }
    // Every Ignite failure (a node left mid-call, a cache with no server) means: try again.
    if (cause instanceof IgniteException
        || cause instanceof CacheServerNotFoundException
        || cause instanceof IllegalStateException
            && cause.getMessage() != null
            && cause.getMessage().contains("Grid is in invalid state")) {
      LOG.warn("grid unavailable: {}", cause.toString());
      return Status.UNAVAILABLE
          .withDescription(describe("grid unavailable, retry the call: " + cause.getMessage()))
          .asRuntimeException();
    }
    LOG.error("internal error", cause);
    return Status.INTERNAL
        .withDescription(describe("internal error: " + cause))
        .asRuntimeException();
  }

  /** Whether {@code className} is among the causes of {@code error}, or their suppressed ones. */
  private static boolean hasCause(Throwable error, String className) {
    return hasCause(error, className, 0);
  }

  private static boolean hasCause(Throwable error, String className, int depth) {
    for (Throwable t = error; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t.getClass().getName().equals(className)) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (hasCause(s, className, depth + 1)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        return false;
      }
    }
    return false;
  }

  /** Longest status description sent: it travels in a trailer, which clients cap (8 KiB). */
  static final int MAX_DESCRIPTION_CHARS = 1_024;

  /** {@code message} cut to {@link #MAX_DESCRIPTION_CHARS}: a message may echo client input. */
  static String describe(String message) {
    if (message == null || message.length() <= MAX_DESCRIPTION_CHARS) {
      return message;
    }
    return message.substring(0, MAX_DESCRIPTION_CHARS)
        + "... ("
        + (message.length() - MAX_DESCRIPTION_CHARS)
        + " more characters)";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
