package dev.gridqueue.client;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.internal.Endpoints;
import dev.gridqueue.proto.v1.SharedData;
import java.time.Duration;

/**
 * One session's shared data (ALPCRUN.CH's Cache service): payloads many tasks read, uploaded once
 * per update level. Levels go 1, 2, 3...: {@link #set} starts (or restarts) at a level, {@link
 * #update} adds the next one. Earlier levels stay readable until their TTL ends, so tasks queued
 * for level N still run after N+1 is uploaded.
 *
 * <p>Calls go to the grid node the client talks to; given several nodes, a call answered {@code
 * UNAVAILABLE} is tried on the next, except {@link #update} (not idempotent: a retry after a lost
 * answer would be refused as a level mismatch), which fails and may be retried by the caller.
 */
public final class SharedDataClient {
  private final Endpoints endpoints;
  private final String sessionId;

  SharedDataClient(Endpoints endpoints, String sessionId) {
    this.endpoints = endpoints;
    this.sessionId = sessionId;
  }

  /** Stores {@code payload} as level {@code level} and makes it the latest. */
  public void set(int level, byte[] payload, Duration ttl) {
    endpoints.call(e -> e.cache().setSharedData(request(level, payload, ttl)));
  }

  /** Stores {@code payload} as level {@code level}, which must be the latest level plus one. */
  public void update(int level, byte[] payload, Duration ttl) {
    endpoints.callOnce(e -> e.cache().updateSharedData(request(level, payload, ttl)));
  }

  /** The payload of level {@code level}. */
  public byte[] get(int level) {
    return endpoints
        .call(
            e ->
                e.cache()
                    .getSharedData(
                        SharedData.newBuilder()
                            .setSessionId(sessionId)
                            .setUpdateLevel(level)
                            .build()))
        .getPayload()
        .toByteArray();
  }

  /** The latest level's number. */
  public int latestLevel() {
    return endpoints
        .call(e -> e.cache().getSharedData(SharedData.newBuilder().setSessionId(sessionId).build()))
        .getUpdateLevel();
  }

  /** Removes every level. */
  public void delete() {
    endpoints.call(
        e -> e.cache().deleteSharedData(SharedData.newBuilder().setSessionId(sessionId).build()));
  }

  private SharedData request(int level, byte[] payload, Duration ttl) {
    return SharedData.newBuilder()
        .setSessionId(sessionId)
        .setUpdateLevel(level)
        .setPayload(ByteString.copyFrom(payload))
        .setTtl(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(ttl.getSeconds())
                .setNanos(ttl.getNano()))
        .build();
  }
}
