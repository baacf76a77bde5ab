package dev.gridqueue.server.internal.polyglot;

import dev.gridqueue.grid.store.RemoteWorkerRecord;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.server.security.Caller;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected polyglot worker, as {@link RemoteWorkerHub} registered it: its WorkerUpdate stream
 * (registration, BIND and UNBIND instructions), who registered it, the sessions it was bound to,
 * and its {@link WorkerLane} per session. Gone when its WorkerUpdate stream ends: then unregistered
 * and what it held fails back to the scheduler.
 */
final class RemoteWorker {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteWorker.class);

  final String id;
  final ServerCallStreamObserver<Instruction> out;
  final String host;

  /** Who registered the worker: only it may open the worker's WorkerStreams. */
  final Caller owner;

  /** Sessions the scheduler has bound this worker to (kept after UNBIND: no race with BIND). */
  final java.util.Set<String> boundSessions = ConcurrentHashMap.newKeySet();

  final Map<String, WorkerLane> lanes = new ConcurrentHashMap<>();
  volatile boolean registered;
  volatile boolean gone;

  private final HubServices services;

  /** Removes the worker from its hub's table. */
  private final Runnable unregister;

  RemoteWorker(
      String id,
      ServerCallStreamObserver<Instruction> out,
      String host,
      Caller owner,
      HubServices services,
      Runnable unregister) {
    this.id = id;
    this.services = services;
    this.unregister = unregister;
    this.owner = owner;
    this.out = out;
    this.host = host;
  }

  WorkerLane lane(String sessionId) {
    return lanes.computeIfAbsent(sessionId, s -> new WorkerLane(this, s, services));
  }

  synchronized void send(Instruction instruction) {
    if (!gone) {
      out.onNext(instruction);
    }
  }

  StreamObserver<WorkerState> updates() {
    return new StreamObserver<>() {
      @Override
      public void onNext(WorkerState state) {
        if (registered || gone) {
          return;
        }
        try {
          WorkerStateRules.check(state);
          register(state);
        } catch (RuntimeException e) {
          // On a network thread: nothing may escape. The worker learns why and is not registered.
          refuse(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        gone("its WorkerUpdate stream failed: " + t);
      }

      @Override
      public void onCompleted() {
        gone("it closed its WorkerUpdate stream");
        synchronized (RemoteWorker.this) {
          out.onCompleted();
        }
      }
    };
  }

  private void register(WorkerState state) {
    registered = true;
    var r = state.getResources();
    int slots = Math.max(1, state.getSlots());
    RemoteWorkerRecord record =
        new RemoteWorkerRecord(
            id,
            services.ignite().cluster().localNode().id(),
            slots,
            new LinkedHashSet<>(state.getAppIdsList()),
            new LinkedHashSet<>(state.getTagsList()),
            dev.gridqueue.server.internal.gateway.WireResources.of(
                r.getCores() > 0 ? r : r.toBuilder().setCores(slots).build()),
            host);
    services
        .blockingCalls()
        .execute(
            () -> {
              services.ignite().cache(RemoteWorkerHub.CACHE).put(id, record);
              LOG.info(
                  "polyglot worker {} registered: apps {} tags {} from {}",
                  id,
                  state.getAppIdsList(),
                  state.getTagsList(),
                  host);
            });
  }

  /** Ends the WorkerUpdate call with the mapped status of {@code error}; the worker is gone. */
  private void refuse(RuntimeException error) {
    gone("its WorkerState was refused: " + error.getMessage());
    synchronized (this) {
      try {
        out.onError(dev.gridqueue.server.internal.gateway.GrpcErrorMapper.toStatus(error));
      } catch (RuntimeException e) {
        LOG.debug("refusing worker {}: {}", id, e.toString());
      }
    }
  }

  /** The worker is gone: unregister it and fail what it held (the scheduler re-queues it). */
  void gone(String why) {
    if (gone) {
      return;
    }
    gone = true;
    unregister.run();
    LOG.info("polyglot worker {} left: {}", id, why);
    services
        .blockingCalls()
        .execute(() -> services.ignite().cache(RemoteWorkerHub.CACHE).remove(id));
    lanes
        .values()
        .forEach(l -> l.fail(new BatchAbortedException("polyglot worker " + id + " left: " + why)));
  }
}
