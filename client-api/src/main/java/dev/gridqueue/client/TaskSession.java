package dev.gridqueue.client;

import dev.gridqueue.client.internal.Acknowledgements;
import dev.gridqueue.client.internal.Endpoints;
import dev.gridqueue.client.internal.Failover;
import dev.gridqueue.client.internal.Inbox;
import dev.gridqueue.client.internal.ResultReceiver;
import dev.gridqueue.client.internal.SessionState;
import dev.gridqueue.client.internal.StreamSupervisor;
import dev.gridqueue.client.internal.TaskSender;
import dev.gridqueue.client.internal.Ticker;
import dev.gridqueue.client.internal.UnfinishedTasks;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * An open session: submit tasks, take how they ended. Tasks are sent in batches of the session's
 * batch size; {@link #flush()} sends a partial batch. {@link #submit} blocks while the server is
 * not ready for more (gRPC flow control), so a fast producer cannot exhaust memory on either side.
 * Results arrive in completion order. Submitting is thread-safe; so is taking results.
 *
 * <p><b>Exactly once to the caller.</b> Every task ends once: as a result, or as a dead letter
 * ({@link TaskResult#isDeadLetter()}, from the session's dead-letter stream, which the session
 * opens too). A task id the server delivers again (after a failover, a re-executed batch) is
 * dropped ({@link #duplicatesDropped()}). Every delivery is acknowledged to the server, coalesced:
 * piggybacked on the next task batch, or in a batch of acknowledgements at most every 5 ms. After
 * {@link #finishSending()} nothing more can be sent: the server then removes what it delivered when
 * the stream completes.
 *
 * <p><b>Failover.</b> When the stream breaks because the grid node is unreachable ({@code
 * UNAVAILABLE}, or cancelled by the node going away), the session re-attaches by itself to the
 * client's next address with the {@code sessionid} header, backing off from 0 to 2 s between
 * attempts, and sends again every task it submitted whose result or dead letter has not arrived
 * (the grid may run some twice; the caller still sees each once). It gives up with a {@link
 * GridQueueException} ({@code UNAVAILABLE}) after the client's give-up time (60 s by default)
 * without reaching a node. To do this the session keeps each task's payload until the task ends.
 * Any other status ({@code INTERNAL}, {@code UNKNOWN}, {@code NOT_FOUND}...) is the server's
 * answer, not an outage: the session ends with it, and {@link #take()} throws it.
 */
public final class TaskSession implements AutoCloseable {
  private static final String RESUBMIT_MARK = "~r";

  private final GridQueueClient client;
  private final Session session;
  private final Inbox inbox;
  private final ResultReceiver receiver;
  private final TaskSender sender;
  private final StreamSupervisor supervisor;
  private final CommandOutputs outputs = new CommandOutputs(this::files);
  private final UploadedInputs uploaded = new UploadedInputs(this::files);
  private final HungerGauge hunger;

  private TaskSession(
      GridQueueClient client,
      Session session,
      Inbox inbox,
      ResultReceiver receiver,
      TaskSender sender,
      StreamSupervisor supervisor) {
    this.client = client;
    this.session = session;
    this.inbox = inbox;
    this.receiver = receiver;
    this.sender = sender;
    this.supervisor = supervisor;
    this.hunger =
        new HungerGauge(() -> client.stats(session.getId()), sender.batchSize(), System::nanoTime);
  }

  /** Wires a session's parts together and opens its streams on the node the client talks to. */
  static TaskSession open(
      GridQueueClient client,
      Session session,
      int batchSize,
      Endpoints endpoints,
      ScheduledExecutorService timer,
      Ticker ticker,
      Duration giveUpAfter) {
    Inbox inbox = new Inbox();
    UnfinishedTasks unfinished = new UnfinishedTasks();
    SessionState state = new SessionState(new Failover(ticker, giveUpAfter), inbox);
    TaskSender sender =
        new TaskSender(
            state, unfinished, new Acknowledgements(), timer, session.getId(), batchSize);
    ResultReceiver receiver = new ResultReceiver(unfinished, inbox);
    StreamSupervisor supervisor =
        new StreamSupervisor(
            state, sender, receiver, unfinished, inbox, endpoints, timer, session.getId());
    supervisor.attach();
    return new TaskSession(client, session, inbox, receiver, sender, supervisor);
  }

  /**
   * The session as the server created it: id and attributes with defaults filled in ({@link
   * GridQueueClient#session(String)} reads them as they are after updates).
   */
  public Session session() {
    return session;
  }

  public String id() {
    return session.getId();
  }

  /** The session's shared data (upload a level before sending the tasks that read it). */
  public SharedDataClient sharedData() {
    return client.sharedData(session.getId());
  }

  /** Deliveries of a task that had already ended, dropped (the caller saw each task once). */
  public long duplicatesDropped() {
    return receiver.duplicatesDropped();
  }

  /** How many times the session re-attached after its stream broke. */
  public long failovers() {
    return supervisor.failovers();
  }

  /**
   * Tasks submitted from now on read shared-data level {@code level}: the pending batch is sent
   * first, so no batch mixes levels. Tasks of earlier levels still run on their own level.
   */
  public void useSharedData(int level) {
    if (level < 1) {
      throw new IllegalArgumentException("level must be at least 1, got " + level);
    }
    sender.useSharedData(level);
  }

  /**
   * Tasks submitted from now on travel in batches carrying {@code options} (batch priority,
   * category, resources, max retries): the pending batch is sent first, so no batch mixes them.
   * {@link BatchOptions#NONE} goes back to the session's attributes. Tasks sent again after a
   * failover keep the options they were submitted with.
   */
  public void useBatchOptions(BatchOptions options) {
    sender.useBatchAttributes(options.attributes());
  }

  /**
   * Work Queue's {@code hungry()}: whether the session wants more tasks now, that is fewer of its
   * tasks wait to be dispatched than the grid's workers could start right away twice over (see
   * {@link ContractLimits#HUNGRY_MINIMUM_TASKS} and {@link ContractLimits#HUNGRY_FACTOR}). For
   * pipelined submission: {@code while (more && session.hungry()) session.submit(...)}. Reads the
   * grid's figures ({@code GetStats}) at most every 100 ms and counts the tasks submitted since.
   */
  public boolean hungry() {
    return hunger.hungry(sender.counts());
  }

  /**
   * Work Queue's {@code wait(timeout)}: sends what is pending, then the next result or dead letter
   * within {@code timeout}, or empty if none ended by then (or the session ended). Unlike {@link
   * #poll}, a caller that submits fewer tasks than a batch and waits is never stuck on its own
   * unsent batch.
   */
  public java.util.Optional<TaskResult> waitFor(Duration timeout) throws InterruptedException {
    sender.flush();
    return java.util.Optional.ofNullable(poll(timeout));
  }

  /**
   * Work Queue's {@code empty()}: true when every task submitted has ended and been taken ({@link
   * #take}, {@link #poll}, {@link #waitFor}): nothing unsent, nothing running, no result waiting.
   */
  public boolean empty() {
    TaskSender.Counts counts = sender.counts();
    return counts.submitted() == inbox.taken();
  }

  /**
   * Changes the session's attributes while it runs (UpdateSession; see {@link SessionUpdate}):
   * priority, min/max workers, preemptible, tags, max in flight, idle timeout, blocked hosts. The
   * scheduler applies it on its next pass. Returns the session as it now is.
   */
  public Session update(SessionUpdate update) {
    return client.updateSession(session.getId(), update);
  }

  /**
   * Work Queue's {@code blacklist(host)}: workers on {@code host} (one of the host names or IP
   * addresses the grid lists for a worker: {@code WorkerStats.host} in {@link
   * GridQueueClient#stats()}) take no more of the session's batches; one running a batch of it
   * finishes that batch, and its unstarted ones go back to the queue. Returns the session as it now
   * is. The grid adds it to the list as it holds it, so clients blocking hosts at once never lose
   * one another's.
   */
  public Session blockHost(String host) {
    return update(SessionUpdate.newBuilder().blockHost(host).build());
  }

  /** Work Queue's {@code blacklist_clear(host)}: workers on {@code host} may serve it again. */
  public Session unblockHost(String host) {
    return update(SessionUpdate.newBuilder().unblockHost(host).build());
  }

  /** Tasks submitted from now on read no shared data. */
  public void useNoSharedData() {
    sender.useSharedData(UnfinishedTasks.NO_SHARED_DATA);
  }

  /**
   * Queues one task; sends a batch when the batch is full. Task ids must be unique within the
   * session (the contract's rule): a task submitted under the id of one still running is taken for
   * the same task, and only one of them ends for the caller.
   */
  public void submit(String taskId, byte[] payload) {
    submit(taskId, payload, "");
  }

  /** As {@link #submit(String, byte[])}, with a tag that {@link #cancel} can name. */
  public void submit(String taskId, byte[] payload, String tag) {
    if (taskId == null || taskId.isEmpty()) {
      throw new IllegalArgumentException("taskId must not be empty");
    }
    sender.submit(taskId, payload, tag);
  }

  /**
   * Queues a command task (in a session of app {@link ContractLimits#COMMAND_APP_ID}): uploads its
   * local inputs the session does not hold yet, then sends it, in a batch of its own if it sets
   * batch attributes. When it ends, the result is handed over once the outputs it asks for are
   * written where it says.
   *
   * @throws IllegalArgumentException if an input file is missing or over the limit
   */
  public void submit(String taskId, CommandTask task) {
    if (taskId == null || taskId.isEmpty()) {
      throw new IllegalArgumentException("taskId must not be empty");
    }
    Map<CommandTask.Input, String> hashes = new HashMap<>();
    for (CommandTask.Input in : task.inputs()) {
      if (in.local() != null) {
        hashes.put(in, uploaded.sha256(in.local()));
      }
    }
    Message message =
        Message.newBuilder()
            .setId(taskId)
            .setTag(task.tag())
            .setCommand(task.toCommand(hashes))
            .build();
    outputs.expect(taskId, task.outputs(), task.outputDirectories());
    if (task.needsOwnBatch()) {
      sender.submitAlone(message, task.batchAttributes());
    } else {
      sender.submit(message);
    }
  }

  /**
   * Queues command tasks in the map's iteration order (a {@link java.util.LinkedHashMap} keeps
   * yours), task id to task, uploading their local inputs {@value UploadedInputs#PARALLEL_UPLOADS}
   * at once: each task is sent as soon as its own inputs and those of the tasks before it are in
   * the grid, so the first tasks run while later inputs are still uploading. Every input is checked
   * first: a missing or oversized file is refused before any task is sent. A file is uploaded (and
   * hashed) once while its size and modification time stay the same.
   *
   * @throws IllegalArgumentException if an input file is missing or over the limit (nothing sent)
   * @throws GridQueueException if an upload fails; the tasks before the one needing it were sent
   */
  public void submitAll(Map<String, CommandTask> tasks) {
    try (UploadedInputs.Uploads uploads = uploaded.start(localInputs(tasks.values()))) {
      for (Map.Entry<String, CommandTask> e : tasks.entrySet()) {
        for (CommandTask.Input in : e.getValue().inputs()) {
          if (in.local() != null) {
            uploads.await(in.local());
          }
        }
        submit(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * Uploads the local input files of {@code tasks} that the session does not hold yet, several at
   * once, so that submitting them then sends each task without waiting for its upload. Optional:
   * {@link #submit(String, CommandTask)} uploads what is missing itself, one file at a time. A file
   * is uploaded (and hashed) once while its size and modification time stay the same.
   *
   * @throws IllegalArgumentException if an input file is missing or over the limit
   */
  public void uploadInputs(Collection<CommandTask> tasks) {
    uploaded.uploadAll(localInputs(tasks));
  }

  private static List<Path> localInputs(Collection<CommandTask> tasks) {
    List<Path> locals = new ArrayList<>();
    for (CommandTask task : tasks) {
      for (CommandTask.Input in : task.inputs()) {
        if (in.local() != null) {
          locals.add(in.local());
        }
      }
    }
    return locals;
  }

  /** The session's files in the grid (inputs and outputs of command tasks). */
  public FilesClient files() {
    return new FilesClient(client.endpoints(), session.getId());
  }

  /**
   * Cancels tasks that have not started, by id and by tag: they end as dead letters with error
   * "cancelled by the client". A task already running finishes; one already ended is unaffected.
   * Tasks still waiting in this client's unsent batch are cancelled too (the batch is sent first).
   */
  public void cancel(Collection<String> taskIds, Collection<String> tags) {
    flush();
    client.cancel(session.getId(), taskIds, tags, false);
  }

  /** Cancels every task of the session that has not started. */
  public void cancelAll() {
    flush();
    client.cancel(session.getId(), List.of(), List.of(), true);
  }

  /**
   * Runs a dead-lettered task again under a new id and returns it: {@code <id>~r1}, then {@code
   * <id>~r2} for a resubmitted one that was dead-lettered again, and so on. The session keeps no
   * payloads of ended tasks, so the caller passes it again. The new task is sent with the next
   * batch ({@link #flush()} to send it now).
   */
  public String resubmit(TaskResult deadLetter, byte[] payload) {
    if (!deadLetter.isDeadLetter()) {
      throw new IllegalArgumentException("task " + deadLetter.taskId() + " is not a dead letter");
    }
    String id = nextAttemptId(deadLetter.taskId());
    submit(id, payload);
    return id;
  }

  /** {@code id~r1} for {@code id}; {@code id~r(n+1)} for {@code id~rn}. */
  static String nextAttemptId(String taskId) {
    int at = taskId.lastIndexOf(RESUBMIT_MARK);
    if (at > 0) {
      String n = taskId.substring(at + RESUBMIT_MARK.length());
      if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() < 9) {
        return taskId.substring(0, at) + RESUBMIT_MARK + (Integer.parseInt(n) + 1);
      }
    }
    return taskId + RESUBMIT_MARK + 1;
  }

  /** Sends the tasks submitted since the last full batch. */
  public void flush() {
    sender.flush();
  }

  /** The next result or dead letter, waiting as long as needed; null once the session has ended. */
  public TaskResult take() throws InterruptedException {
    return outputs.deliver(inbox.take());
  }

  /**
   * The next result or dead letter, or null if none arrives within {@code timeout} or the session
   * ended.
   */
  public TaskResult poll(Duration timeout) throws InterruptedException {
    return outputs.deliver(inbox.poll(timeout));
  }

  /** Waits for {@code count} tasks to end (results and dead letters). */
  public List<TaskResult> awaitResults(int count, Duration timeout)
      throws InterruptedException, TimeoutException {
    List<TaskResult> results = inbox.awaitResults(count, timeout);
    results.forEach(outputs::deliver);
    return results;
  }

  /**
   * Sends what is pending and tells the server no more tasks follow. The server then completes the
   * result stream once every task sent on it has ended; {@link #take()} returns null after the last
   * result or dead letter.
   */
  public void finishSending() {
    sender.finishSending();
  }

  /** Ends the streams and closes the session on the server; unread results are dropped. */
  @Override
  public void close() {
    supervisor.close();
    try {
      client.closeSession(session.getId());
    } catch (GridQueueException e) {
      if (e.status().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
