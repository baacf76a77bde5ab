package dev.gridqueue.server.security;

import java.util.Objects;

/**
 * Who makes a gRPC call: the name and role of the API key it carried. Without an API key file every
 * call is made by {@link #ANYONE}, who may do everything (the grid's behaviour before keys).
 */
public record Caller(String name, Role role) {
  /** The caller of a grid configured without API keys. */
  public static final Caller ANYONE = new Caller("", Role.ADMIN);

  /** What a key may do. */
  public enum Role {
    /** Creates sessions and uses the sessions it created. */
    CLIENT,
    /** Runs a polyglot worker (WorkerUpdate, WorkerStream, shared data of its bound sessions). */
    WORKER,
    /** Everything, on every session; sees every session and worker in GetStats. */
    ADMIN
  }

  public Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** Whether this caller may use a session created by the key named {@code owner}. */
  public boolean mayUseSessionOf(String owner) {
    return isAdmin() || role == Role.CLIENT && name.equals(owner);
  }

  /** The owner recorded for what this caller creates: its key's name ("" without keys). */
  public String ownerName() {
    return name;
  }

  @Override
  public String toString() {
    return this == ANYONE
        ? "anyone (no API keys)"
        : role.name().toLowerCase() + " key '" + name + "'";
  }
}
