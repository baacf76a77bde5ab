package dev.gridqueue.grid.errors;

/**
 * A request that would take a session or a server past a quota (queued bytes, shared-data bytes,
 * cancellations, open streams). The message names the quota and its limit. Retrying later, once the
 * session's results are acknowledged or its data deleted, can succeed.
 */
public final class QuotaExceededException extends RequestRejectedException {
  private static final long serialVersionUID = 1L;

  public QuotaExceededException(String message) {
    super(message);
  }
}
