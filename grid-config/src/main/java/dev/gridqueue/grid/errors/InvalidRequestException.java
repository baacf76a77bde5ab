package dev.gridqueue.grid.errors;

/** A malformed request: a missing, empty or out-of-range field. The message names the field. */
public final class InvalidRequestException extends RequestRejectedException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
