package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.SessionUpdate;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.ignite.IgniteCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * UpdateSession through the Java client and raw gRPC on a real grid: the scheduler applies a raised
 * priority, a lowered max_workers and a blocked host on its next pass; every bad input is refused
 * naming the field and changes nothing. Each test starts the workers it needs.
 */
class SessionUpdateIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  private GridQueueClient client;
  private QueueGrpc.QueueBlockingStub queue;

  @BeforeEach
  void noWorkerLeft() {
    var channel = grid.newChannel();
    client = new GridQueueClient(channel);
    queue = QueueGrpc.newBlockingStub(channel);
    await().atMost(Duration.ofSeconds(30)).until(() -> client.stats().getWorkersConnected() == 0);
  }

  @Test
  void shouldDispatchASessionFirstOnceItsPriorityIsRaised() throws Exception {
    try (TaskSession low = client.openSession(sleepSession(3));
        TaskSession high = client.openSession(sleepSession(6))) {
      // given: both sessions' tasks queued, no worker yet
      submit(low, "low", 4);
      submit(high, "high", 4);
      await().until(() -> line(low).getTasksWaiting() == 4 && line(high).getTasksWaiting() == 4);

      // when: the low session is raised above the other
      Session updated = low.update(SessionUpdate.newBuilder().priority(9).build());
      assertThat(updated.getAttributes().getPriority()).isEqualTo(9);
      await().until(() -> line(low).getPriority() == 9); // the scheduler's own figure
      try (WorkerNode worker = worker("p", 1)) {
        List<TaskResult> lows = low.awaitResults(4, Duration.ofSeconds(30));
        List<TaskResult> highs = high.awaitResults(4, Duration.ofSeconds(30));

        // then: it ran first on the one worker
        assertThat(lastStart(lows)).isLessThan(firstStart(highs));
      }
    }
  }

  @Test
  void shouldUnbindWorkersAboveALoweredMaxWorkers() throws Exception {
    try (WorkerNode w1 = worker("m1", 1);
        WorkerNode w2 = worker("m2", 1);
        TaskSession session = client.openSession(sleepSession(5))) {
      // given: the session's work spread over both workers (tasks long enough that work is left
      // once the cap has acted, however slow the machine: with 50 ms ones CI had run them all)
      submit(session, "t", 80, 200);
      await().until(() -> line(session).getWorkers() == 2);

      // when
      session.update(SessionUpdate.newBuilder().maxWorkers(1).build());

      // then: one worker gives the session back after its batch, and none is bound again
      await().until(() -> line(session).getWorkers() == 1 && line(session).getMaxWorkers() == 1);
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> line(session).getWorkers() <= 1);
      assertThat(line(session).getTasksWaiting()).isPositive(); // it still had work to spread
      session.cancelAll(); // the rest ends as dead letters: every task ends once
      assertThat(session.awaitResults(80, Duration.ofSeconds(60))).hasSize(80);
    }
  }

  @Test
  void shouldStopGivingABlockedHostsWorkerTheSessionsBatchesUntilUnblocked() throws Exception {
    try (WorkerNode w = worker("b", 1);
        TaskSession session = client.openSession(sleepSession(5))) {
      // given: a session running on the worker
      submit(session, "t", 40);
      // the host its result names (TaskRun.host: what a Work Queue user sees and blocks), which is
      // one of the names the grid lists for the worker (status, WorkerStats.host)
      String host = session.take().run().getHost();
      assertThat(client.stats().getWorkers(0).getHost().split(",")).contains(host);

      // when: its host is blocked (Work Queue's blacklist)
      Session blocked = session.blockHost(host);
      assertThat(blocked.getAttributes().getBlockedWorkerHostsList()).containsExactly(host);

      // then: the batch it runs finishes, the unstarted ones go back, nothing more starts there
      await().until(() -> line(session).getTasksRunning() == 0 && line(session).getWorkers() == 0);
      long waiting = line(session).getTasksWaiting();
      assertThat(waiting).isPositive();
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> line(session).getTasksRunning() == 0);
      assertThat(line(session).getTasksWaiting()).as("%s", client.stats()).isEqualTo(waiting);

      // when: unblocked, the rest runs
      assertThat(session.unblockHost(host).getAttributes().getBlockedWorkerHostsList()).isEmpty();
      assertThat(session.awaitResults(39, Duration.ofSeconds(60))).hasSize(39);
    }
  }

  @Test
  void shouldKeepEveryHostBlockedByClientsAtOnce() throws Exception {
    // given: a session whose priority was set, and 16 clients each about to block a host of its own
    Session created =
        queue.createSession(
            Session.newBuilder()
                .setApp(App.newBuilder().setId("echo"))
                .setAttributes(SessionAttributes.newBuilder().setPriority(7))
                .build());
    String id = created.getId();
    List<String> hosts =
        java.util.stream.IntStream.range(0, 16).mapToObj(i -> "node-" + i + ".example").toList();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(hosts.size());
    try {
      List<java.util.concurrent.Future<Session>> done = new java.util.ArrayList<>();
      for (String host : hosts) {
        GridQueueClient own = new GridQueueClient(grid.newChannel());
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  return own.updateSession(id, SessionUpdate.newBuilder().blockHost(host).build());
                }));
      }
      // when: they all block at once
      start.countDown();
      for (java.util.concurrent.Future<Session> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    // then: every host is blocked, and nothing else changed
    SessionAttributes now = client.session(id).getAttributes();
    assertThat(now.getBlockedWorkerHostsList()).containsExactlyInAnyOrderElementsOf(hosts);
    assertThat(now.getPriority()).isEqualTo(7);

    // and unblocking one leaves the others
    assertThat(
            client
                .updateSession(id, SessionUpdate.newBuilder().unblockHost("node-3.example").build())
                .getAttributes()
                .getBlockedWorkerHostsList())
        .hasSize(15)
        .doesNotContain("node-3.example");
    client.closeSession(id);
  }

  @Test
  void shouldApplyAnUpdateWhoseNoticeWasLost() throws Exception {
    try (TaskSession session = client.openSession(sleepSession(3))) {
      // given: a session the scheduler knows
      submit(session, "t", 2);
      await().until(() -> line(session).getTasksWaiting() == 2);

      // when: a newer version is stored and no notice is sent (as when its node died)
      IgniteCache<String, SessionRecord> sessions =
          grid.server().ignite().cache(CacheNames.SESSIONS);
      SessionRecord stored = sessions.get(session.id());
      SessionAttributes raised =
          SessionAttributes.parseFrom(stored.attributes()).toBuilder().setPriority(9).build();
      sessions.put(
          session.id(),
          stored.updated(
              9, stored.maxInflightBatchesPerWorker(), raised.toByteArray(), stored.policy()));

      // then: the scheduler's version check finds it
      await().atMost(Duration.ofSeconds(10)).until(() -> line(session).getPriority() == 9);
    }
  }

  @Test
  void shouldRefuseBadUpdatesNamingTheFieldAndChangeNothing() {
    Session created =
        queue.createSession(
            Session.newBuilder()
                .setApp(App.newBuilder().setId("echo"))
                .setAttributes(
                    SessionAttributes.newBuilder()
                        .setPriority(4)
                        .setMinWorkers(1)
                        .setMaxWorkers(2)
                        .addTags("t1")
                        .addBlockedWorkerHosts("10.0.0.7"))
                .build());
    String id = created.getId();

    assertRefused(
        masked(id, SessionAttributes.newBuilder().setMinWorkers(3), "min_workers"),
        Status.Code.INVALID_ARGUMENT,
        "attributes.min_workers (3) must not exceed attributes.max_workers (2)");
    assertRefused(
        masked(id, SessionAttributes.newBuilder().setPriority(11), "priority"),
        Status.Code.INVALID_ARGUMENT,
        "attributes.priority");
    assertRefused(
        masked(id, SessionAttributes.newBuilder().setMaxWorkers(100_001), "max_workers"),
        Status.Code.INVALID_ARGUMENT,
        "100000");
    assertRefused(
        masked(
            id,
            SessionAttributes.newBuilder().setMaxInflightBatchesPerWorker(0),
            "max_inflight_batches_per_worker"),
        Status.Code.INVALID_ARGUMENT,
        "attributes.max_inflight_batches_per_worker");
    for (String notAHost :
        List.of("not a host", "bad_host!", "-lead.example", "999.1.1.1", "::1::2")) {
      assertRefused(
          masked(
              id,
              SessionAttributes.newBuilder()
                  .addBlockedWorkerHosts("ok.example")
                  .addBlockedWorkerHosts(notAHost),
              "blocked_worker_hosts"),
          Status.Code.INVALID_ARGUMENT,
          "attributes.blocked_worker_hosts[1] '"
              + notAHost
              + "' is not a host name or an IP address");
    }
    assertRefused(
        Session.newBuilder()
            .setId(id)
            .addBlockWorkerHosts("ok.example")
            .addBlockWorkerHosts("a b")
            .build(),
        Status.Code.INVALID_ARGUMENT,
        "block_worker_hosts[1] 'a b' is not a host name or an IP address");
    assertRefused(
        Session.newBuilder().setId(id).addUnblockWorkerHosts("").build(),
        Status.Code.INVALID_ARGUMENT,
        "unblock_worker_hosts");
    assertRefused(
        masked(id, SessionAttributes.newBuilder().setMaxRetries(1), "max_retries"),
        Status.Code.INVALID_ARGUMENT,
        "update_mask.paths[0]: attributes.max_retries is fixed when the session is created");
    assertRefused(
        masked(id, SessionAttributes.newBuilder(), "no_such_field"),
        Status.Code.INVALID_ARGUMENT,
        "update_mask.paths[0] 'no_such_field' is not a SessionAttributes field");
    assertRefused(
        Session.newBuilder()
            .setId(id)
            .setAttributes(
                SessionAttributes.newBuilder().setPriority(6).setCleanupOnClientExit(true))
            .build(),
        Status.Code.INVALID_ARGUMENT,
        "attributes.cleanup_on_client_exit is fixed when the session is created");
    assertRefused(
        masked("", SessionAttributes.newBuilder().setPriority(6), "priority"),
        Status.Code.INVALID_ARGUMENT,
        "id must not be empty");
    assertRefused(
        masked("no-such-session", SessionAttributes.newBuilder().setPriority(6), "priority"),
        Status.Code.NOT_FOUND,
        "no-such-session");

    // then: nothing changed (an empty mask reads the session)
    assertThat(client.session(id).getAttributes()).isEqualTo(created.getAttributes());

    // and a closed session is NOT_FOUND
    client.closeSession(id);
    assertThatThrownBy(
            () -> client.updateSession(id, SessionUpdate.newBuilder().priority(6).build()))
        .isInstanceOfSatisfying(
            GridQueueException.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void shouldTellUnchangedFromClearedWithTheMaskAndReplaceWithoutIt() {
    Session created =
        queue.createSession(
            Session.newBuilder()
                .setApp(App.newBuilder().setId("echo"))
                .setAttributes(
                    SessionAttributes.newBuilder()
                        .setPriority(4)
                        .setMaxRetries(7)
                        .addTags("t1")
                        .addBlockedWorkerHosts("10.0.0.7"))
                .build());
    String id = created.getId();

    // mask: tags named (cleared), blocked hosts not named (kept)
    Session masked = queue.updateSession(masked(id, SessionAttributes.newBuilder(), "tags"));
    assertThat(masked.getAttributes().getTagsList()).isEmpty();
    assertThat(masked.getAttributes().getBlockedWorkerHostsList()).containsExactly("10.0.0.7");
    assertThat(masked.getAttributes().getPriority()).isEqualTo(4);

    // replace (ALPCRUN.CH): every updatable attribute as sent, defaults for the rest; fixed ones
    // sent as they are, or left out, stay
    Session replaced =
        queue.updateSession(
            Session.newBuilder()
                .setId(id)
                .setAttributes(SessionAttributes.newBuilder().setPriority(8).setMaxRetries(7))
                .build());
    assertThat(replaced.getAttributes().getPriority()).isEqualTo(8);
    assertThat(replaced.getAttributes().getBlockedWorkerHostsList()).isEmpty();
    assertThat(replaced.getAttributes().getMaxInflightBatchesPerWorker()).isEqualTo(10);
    assertThat(replaced.getAttributes().getMaxRetries()).isEqualTo(7);
    assertThat(client.session(id).getAttributes()).isEqualTo(replaced.getAttributes());
    client.closeSession(id);
  }

  private void assertRefused(Session request, Status.Code code, String message) {
    assertThatThrownBy(() -> queue.updateSession(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  private static Session masked(String id, SessionAttributes.Builder attributes, String... paths) {
    return Session.newBuilder()
        .setId(id)
        .setAttributes(attributes)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths)))
        .build();
  }

  private static SessionOptions sleepSession(int priority) {
    return SessionOptions.forApp("sleep")
        .priority(priority)
        .batchSize(1)
        .maxInflightBatchesPerWorker(2)
        .build();
  }

  private static void submit(TaskSession session, String prefix, int n) {
    submit(session, prefix, n, 50);
  }

  private static void submit(TaskSession session, String prefix, int n, int millis) {
    for (int i = 0; i < n; i++) {
      session.submit(prefix + i, Integer.toString(millis).getBytes(StandardCharsets.US_ASCII));
    }
    session.flush();
  }

  private SessionStats line(TaskSession session) {
    var stats = client.stats(session.id());
    return stats.getSessionsCount() == 0 ? SessionStats.getDefaultInstance() : stats.getSessions(0);
  }

  private static long lastStart(List<TaskResult> results) {
    return results.stream()
        .mapToLong(r -> Timestamps.toNanos(r.run().getStarted()))
        .max()
        .orElseThrow();
  }

  private static long firstStart(List<TaskResult> results) {
    return results.stream()
        .mapToLong(r -> Timestamps.toNanos(r.run().getStarted()))
        .min()
        .orElseThrow();
  }

  private static WorkerNode worker(String id, int slots) {
    int before = grid.server().ignite().cluster().forClients().nodes().size();
    WorkerNode node =
        WorkerNode.start(
            grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
            WorkerOptions.newBuilder().workerId(id).slots(slots).apps(Set.of("sleep")).build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == before + 1);
    return node;
  }
}
