package dev.gridqueue.server.internal.ops;

import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Stats;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.Optional;

/**
 * The node's {@code grpc.health.v1} answer: SERVING only while it is in the grid and the scheduler
 * answers it (a node that cannot reach the scheduler accepts tasks nobody will place), NOT_SERVING
 * while it joins, when the scheduler stops answering, and from the moment it starts leaving. The
 * overall status ("") and each gridqueue service's name answer the same.
 */
public final class GridHealth {
  private static final String[] SERVICES = {"", QueueGrpc.SERVICE_NAME, CacheGrpc.SERVICE_NAME};

  private final HealthStatusManager manager = new HealthStatusManager();
  private volatile boolean leaving;

  public GridHealth() {
    set(ServingStatus.NOT_SERVING);
  }

  public BindableService service() {
    return manager.getHealthService();
  }

  /** Follows the scheduler's answers (see {@link GridFiguresPoller#onFigures}). */
  public void onFigures(Optional<Stats> figures) {
    if (!leaving) {
      set(figures.isPresent() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
  }

  /** NOT_SERVING for good: load balancers and probes stop sending before the node goes. */
  public void leaving() {
    leaving = true;
    manager.enterTerminalState();
  }

  private void set(ServingStatus status) {
    for (String s : SERVICES) {
      manager.setStatus(s, status);
    }
  }
}
