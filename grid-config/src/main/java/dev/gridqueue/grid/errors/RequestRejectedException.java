package dev.gridqueue.grid.errors;

/**
 * A request the grid refuses, with a message for the client that names the field or the session.
 * The gateway maps each kind to a gRPC status in one place ({@code GrpcErrorMapper}).
 */
public abstract class RequestRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected RequestRejectedException(String message) {
    super(message);
  }
}
