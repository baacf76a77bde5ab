package dev.gridqueue.client.internal;

import dev.gridqueue.client.GridQueueException;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The grid nodes a client knows, in order, and the one it talks to now. Calls and sessions move on
 * to the next node when the current one is unreachable; every caller moves on from the same node at
 * most once, so several sessions losing the node together skip one address, not several.
 */
public final class Endpoints {
  private final List<Endpoint> endpoints;
  private final AtomicInteger current = new AtomicInteger();

  public Endpoints(List<? extends Channel> channels) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("at least one grid node address is needed");
    }
    List<Endpoint> all = new ArrayList<>(channels.size());
    for (Channel c : channels) {
      all.add(Endpoint.of(c));
    }
    this.endpoints = List.copyOf(all);
  }

  /** The node calls go to now. */
  public Endpoint current() {
    return endpoints.get(Math.floorMod(current.get(), endpoints.size()));
  }

  /** Moves on from {@code failed} to the next node (unless someone already did); returns it. */
  public Endpoint next(Endpoint failed) {
    int at = current.get();
    if (endpoints.get(Math.floorMod(at, endpoints.size())) == failed) {
      current.compareAndSet(at, at + 1);
    }
    return current();
  }

  public int count() {
    return endpoints.size();
  }

  /**
   * Runs an idempotent unary call, trying the next node while the one tried answers UNAVAILABLE.
   */
  public <T> T call(Function<Endpoint, T> rpc) {
    StatusRuntimeException last = null;
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = current();
      try {
        return rpc.apply(e);
      } catch (StatusRuntimeException ex) {
        if (ex.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw new GridQueueException(ex.getStatus());
        }
        last = ex;
        next(e);
      }
    }
    throw new GridQueueException(last.getStatus());
  }

  /**
   * Runs a unary call on the current node only: for calls that are not idempotent, where a retry
   * after a lost answer could do the work twice. The caller decides whether to try again.
   */
  public <T> T callOnce(Function<Endpoint, T> rpc) {
    try {
      return rpc.apply(current());
    } catch (StatusRuntimeException e) {
      throw new GridQueueException(e.getStatus());
    }
  }
}
