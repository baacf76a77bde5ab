package dev.gridqueue.scheduler.internal;

import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import dev.gridqueue.worker.WorkerDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;

/**
 * The scheduler's working memory and its assignment policy: sessions by priority (equal
 * priorities take turns), then within a session batch priority and FIFO; a worker serves a
 * session only if it runs the session's app and carries all of its tags, and holds at most the
 * session's {@code max_inflight_batches_per_worker} batches; at most {@code max_workers} workers
 * hold a session's batches at once. Single-threaded: only the
 * scheduling loop touches it. Rebuilt from the caches when the scheduler moves to another node.
 */
final class SchedulerState {
  /** Attempts after which a batch whose job keeps failing (not for worker loss) is failed. */
  static final int MAX_JOB_FAILURES = 3;

  /** Why a running batch came back. */
  enum Loss {
    /** Its worker left the grid (crash, hang, shutdown): counts against the session's max_retries. */
    WORKER_LOST,
    /** The job failed on a live worker (not a task error): counts against MAX_JOB_FAILURES. */
    JOB_FAILED
  }

  /** A batch the scheduler gave up on: its tasks must be failed with {@code reason}. */
  record GivenUp(String batchKey, int attempts, String reason) {}

  private static final Comparator<QueuedEntry> BATCH_ORDER =
      Comparator.<QueuedEntry>comparingInt(e -> -e.ref.priority).thenComparingLong(e -> e.ref.sequence);

  private final Map<String, SessionQueue> sessions = new HashMap<>();
  private final Map<String, WorkerLoad> workers = new LinkedHashMap<>();
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private final Map<String, QueuedEntry> queued = new HashMap<>();
  private long turn;
  private final List<GivenUp> givenUp = new ArrayList<>();
  /** Since the scheduler started, over every session (closed ones too). */
  private long tasksDone;
  private long tasksFailed;

  boolean knowsSession(String sessionId) {
    return sessions.containsKey(sessionId);
  }

  void addSession(SessionInfo info) {
    sessions.putIfAbsent(info.sessionId(), new SessionQueue(info));
  }

  /** Forgets a closed session's queue; its running batches finish and are skipped on write-back. */
  void removeSession(String sessionId) {
    SessionQueue removed = sessions.remove(sessionId);
    if (removed != null) {
      removed.batches.forEach(e -> queued.remove(e.ref.key));
    }
  }

  /** Queues a batch unless it is already queued or running (a re-scan may report it twice). */
  void enqueue(QueuedBatchRef ref) {
    if (queued.containsKey(ref.key) || inFlight.containsKey(ref.key)) {
      return;
    }
    SessionQueue session = sessions.get(ref.sessionId);
    if (session == null) {
      throw new IllegalStateException("enqueue for unknown session " + ref.sessionId);
    }
    QueuedEntry entry = new QueuedEntry(ref, 0, 0);
    queued.put(ref.key, entry);
    session.batches.add(entry);
    session.tasksWaiting += ref.taskCount;
  }

  void addWorker(WorkerDescriptor worker) {
    workers.putIfAbsent(worker.workerId(), new WorkerLoad(worker));
  }

  /** Removes the workers of a node that left and re-queues what they were running. */
  void removeWorkersOn(UUID nodeId) {
    for (Iterator<WorkerLoad> it = workers.values().iterator(); it.hasNext(); ) {
      WorkerLoad worker = it.next();
      if (worker.descriptor.nodeId().equals(nodeId)) {
        it.remove();
        for (String sessionId : worker.runningBySession.keySet()) {
          SessionQueue session = sessions.get(sessionId);
          if (session != null) {
            session.workersHolding--;
          }
        }
        new ArrayList<>(worker.running.keySet())
            .forEach(key -> requeue(key, worker.descriptor.workerId(), Loss.WORKER_LOST, "its worker left the grid"));
      }
    }
  }

  /** The batch ran (or was found already done) on the worker. */
  void finished(String key, String workerId) {
    finished(key, workerId, 0, 0);
  }

  /** The batch ran on the worker: {@code tasks} tasks of which {@code failed} failed. */
  void finished(String key, String workerId, int tasks, int failed) {
    InFlight running = inFlight.get(key);
    if (running != null && running.workerId.equals(workerId)) {
      release(key, running);
      tasksDone += tasks - failed;
      tasksFailed += failed;
      SessionQueue session = sessions.get(running.entry.ref.sessionId);
      if (session != null) {
        session.tasksDone += tasks - failed;
        session.tasksFailed += failed;
      }
      WorkerLoad worker = workers.get(workerId);
      if (worker != null) {
        worker.tasksDone += tasks - failed;
        worker.tasksFailed += failed;
      }
    }
  }

  /**
   * The batch's job did not complete on the worker: it is queued again, unless it has used up its
   * attempts (1 + the session's max_retries for worker loss, {@link #MAX_JOB_FAILURES} for failing
   * jobs), in which case it joins {@link #drainGivenUp()}. A report about a batch the worker no
   * longer holds (it moved on already) is ignored.
   */
  void requeue(String key, String workerId, Loss loss, String detail) {
    InFlight running = inFlight.get(key);
    if (running == null || !running.workerId.equals(workerId)) {
      return;
    }
    release(key, running);
    int failures = running.entry.jobFailures + (loss == Loss.JOB_FAILED ? 1 : 0);
    SessionQueue owner = sessions.get(running.entry.ref.sessionId);
    int maxRetries = owner == null ? SessionInfo.DEFAULT_MAX_RETRIES : owner.info.maxRetries();
    if (failures >= MAX_JOB_FAILURES) {
      givenUp.add(new GivenUp(key, running.entry.attempts, "batch failed " + failures + " times: " + detail));
      return;
    }
    if (loss == Loss.WORKER_LOST && running.entry.attempts > maxRetries) {
      givenUp.add(
          new GivenUp(
              key,
              running.entry.attempts,
              "task lost with its worker in each of " + running.entry.attempts + " attempts (max_retries " + maxRetries + ")"));
      return;
    }
    SessionQueue session = sessions.get(running.entry.ref.sessionId);
    if (session != null) {
      QueuedEntry again = new QueuedEntry(running.entry.ref, running.entry.attempts, failures);
      queued.put(key, again);
      session.batches.add(again);
      session.tasksWaiting += running.entry.ref.taskCount;
    }
  }

  /** Batches given up on since the last call, to be failed by the dispatcher. */
  List<GivenUp> drainGivenUp() {
    if (givenUp.isEmpty()) {
      return List.of();
    }
    List<GivenUp> drained = List.copyOf(givenUp);
    givenUp.clear();
    return drained;
  }

  private void release(String key, InFlight running) {
    inFlight.remove(key);
    SessionQueue session = sessions.get(running.entry.ref.sessionId);
    if (session != null) {
      session.tasksRunning -= running.entry.ref.taskCount;
    }
    WorkerLoad worker = workers.get(running.workerId);
    if (worker != null && worker.release(key, running.entry.ref.sessionId) && session != null) {
      session.workersHolding--;
    }
  }

  /** Assigns queued batches to workers with room, until no more fit. */
  List<Assignment> assign() {
    List<Assignment> assignments = new ArrayList<>();
    boolean assigned = true;
    while (assigned && !queued.isEmpty()) {
      assigned = false;
      for (WorkerLoad worker : workers.values()) {
        SessionQueue session = pickSession(worker);
        if (session == null) {
          continue;
        }
        QueuedEntry entry = session.batches.poll();
        queued.remove(entry.ref.key);
        session.lastTurn = ++turn;
        session.tasksWaiting -= entry.ref.taskCount;
        session.tasksRunning += entry.ref.taskCount;
        QueuedEntry running = new QueuedEntry(entry.ref, entry.attempts + 1, entry.jobFailures);
        inFlight.put(entry.ref.key, new InFlight(running, worker.descriptor.workerId()));
        if (worker.hold(entry.ref.key, session.info.sessionId())) {
          session.workersHolding++;
        }
        assignments.add(
            new Assignment(
                entry.ref.key,
                session.info.appId(),
                worker.descriptor.workerId(),
                worker.descriptor.nodeId(),
                running.attempts));
        assigned = true;
      }
    }
    return assignments;
  }

  /** Highest priority session this worker serves and has room for; equal priorities take turns. */
  private SessionQueue pickSession(WorkerLoad worker) {
    SessionQueue best = null;
    for (SessionQueue session : sessions.values()) {
      if (session.batches.isEmpty()
          || !worker.descriptor.serves(session.info.appId())
          || !worker.descriptor.tags().containsAll(session.info.tags())
          || !worker.hasRoomFor(session.info)
          || atWorkerCap(session, worker)) {
        continue;
      }
      if (best == null
          || session.info.priority() > best.info.priority()
          || session.info.priority() == best.info.priority() && session.lastTurn < best.lastTurn) {
        best = session;
      }
    }
    return best;
  }

  /**
   * The scheduler's figures as the wire's {@code Stats} (without {@code grid_nodes}, which the
   * frontend knows), for every session or the one named.
   */
  Stats snapshot(String onlySession) {
    Stats.Builder stats =
        Stats.newBuilder().setWorkersConnected(workers.size()).setTasksDone(tasksDone).setTasksFailed(tasksFailed);
    Map<String, Integer> workersBySession = new HashMap<>();
    for (WorkerLoad w : workers.values()) {
      boolean busy = !w.running.isEmpty();
      stats.setWorkersBusy(stats.getWorkersBusy() + (busy ? 1 : 0));
      stats.setWorkersIdle(stats.getWorkersIdle() + (busy ? 0 : 1));
      stats.setTotalSlots(stats.getTotalSlots() + w.descriptor.slots());
      w.runningBySession.keySet().forEach(s -> workersBySession.merge(s, 1, Integer::sum));
      stats.addWorkers(
          WorkerStats.newBuilder()
              .setWorkerId(w.descriptor.workerId())
              .setSlots(w.descriptor.slots())
              .addAllAppIds(new java.util.TreeSet<>(w.descriptor.apps()))
              .addAllTags(new java.util.TreeSet<>(w.descriptor.tags()))
              .setBatchesHeld(w.running.size())
              .setTasksDone(w.tasksDone)
              .setTasksFailed(w.tasksFailed));
    }
    for (SessionQueue s : sessions.values()) {
      stats.setTasksWaiting(stats.getTasksWaiting() + s.tasksWaiting)
          .setTasksRunning(stats.getTasksRunning() + s.tasksRunning);
      if (onlySession == null || onlySession.equals(s.info.sessionId())) {
        stats.addSessions(
            SessionStats.newBuilder()
                .setSessionId(s.info.sessionId())
                .setAppId(s.info.appId())
                .setPriority(s.info.priority())
                .setWorkers(workersBySession.getOrDefault(s.info.sessionId(), 0))
                .setTasksWaiting(s.tasksWaiting)
                .setTasksRunning(s.tasksRunning)
                .setTasksDone(s.tasksDone)
                .setTasksFailed(s.tasksFailed));
      }
    }
    return stats.build();
  }

  /** Whether taking this worker would exceed the session's {@code max_workers}. */
  private static boolean atWorkerCap(SessionQueue session, WorkerLoad worker) {
    return session.info.maxWorkers() > 0
        && !worker.runningBySession.containsKey(session.info.sessionId())
        && session.workersHolding >= session.info.maxWorkers();
  }

  int queuedCount() {
    return queued.size();
  }

  int inFlightCount() {
    return inFlight.size();
  }

  int workerCount() {
    return workers.size();
  }

  private record QueuedEntry(QueuedBatchRef ref, int attempts, int jobFailures) {}

  private record InFlight(QueuedEntry entry, String workerId) {}

  private static final class SessionQueue {
    final SessionInfo info;
    final PriorityQueue<QueuedEntry> batches = new PriorityQueue<>(BATCH_ORDER);
    long lastTurn;
    long tasksWaiting;
    long tasksRunning;
    /** Workers holding at least one of the session's batches. */
    int workersHolding;
    long tasksDone;
    long tasksFailed;

    SessionQueue(SessionInfo info) {
      this.info = info;
    }
  }

  private static final class WorkerLoad {
    final WorkerDescriptor descriptor;
    final Map<String, String> running = new HashMap<>();
    final Map<String, Integer> runningBySession = new HashMap<>();
    long tasksDone;
    long tasksFailed;

    WorkerLoad(WorkerDescriptor descriptor) {
      this.descriptor = descriptor;
    }

    boolean hasRoomFor(SessionInfo session) {
      return running.size() < session.maxInflightBatchesPerWorker()
          && runningBySession.getOrDefault(session.sessionId(), 0) < session.maxInflightBatchesPerWorker();
    }

    /** Holds the batch; true if it is the worker's first batch of the session. */
    boolean hold(String key, String sessionId) {
      running.put(key, sessionId);
      return runningBySession.merge(sessionId, 1, Integer::sum) == 1;
    }

    /** Releases the batch; true if it was the worker's last batch of the session. */
    boolean release(String key, String sessionId) {
      if (running.remove(key) == null) {
        return false;
      }
      return runningBySession.computeIfPresent(sessionId, (s, n) -> n > 1 ? n - 1 : null) == null;
    }
  }
}
