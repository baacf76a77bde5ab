package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Command;
import dev.gridqueue.proto.v1.InputFile;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Command tasks through the Java client and raw gRPC on a real grid: inputs (uploaded, cached,
 * buffers), env, outputs written where asked, exit codes, Work Queue's result codes, process groups
 * stopped at the maximum running time and on cancel, sandboxes removed, where every task ran, and
 * the errors naming the field for bad command tasks.
 */
class CommandTasksIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  private static Path dir;
  private static GridQueueClient client;

  @BeforeAll
  static void setUp() throws Exception {
    dir = grid.workDir().resolve("command-tasks-it");
    Files.createDirectories(dir);
    client = new GridQueueClient(grid.newChannel());
  }

  private static TaskSession commandSession() {
    return client.openSession(
        SessionOptions.forApp(ContractLimits.COMMAND_APP_ID).batchSize(10).build());
  }

  @Test
  void shouldRunCommandsWithInputsBuffersEnvAndWriteTheirOutputsWhereAsked() throws Exception {
    // given: a 3 MB input (through the file store) and a buffer
    byte[] data = new byte[3 << 20];
    new Random(7).nextBytes(data);
    Path input = Files.write(dir.resolve("input.bin"), data);
    String expected = sha256(data);
    try (TaskSession session = commandSession()) {
      // when: 20 tasks hash the input, copy it out and echo the buffer and an env variable
      for (int i = 0; i < 20; i++) {
        session.submit(
            "t" + i,
            CommandTask.of(
                    "sha256sum data/in.bin | cut -d' ' -f1 > sum.txt; cp data/in.bin copy.bin;"
                        + " cat note.txt; echo \" $GREETING\"; exit "
                        + (i % 3))
                .input(input, "data/in.bin", true)
                .buffer(("note " + i).getBytes(StandardCharsets.UTF_8), "note.txt")
                .env("GREETING", "hello")
                .output("sum.txt", dir.resolve("sum-" + i + ".txt"))
                .output("copy.bin", i == 0 ? dir.resolve("copy-0.bin") : null)
                .build());
      }
      session.flush();
      List<TaskResult> results = session.awaitResults(20, Duration.ofSeconds(60));

      // then: each ran to its end with its exit code, output files where asked
      for (TaskResult r : results) {
        int i = Integer.parseInt(r.taskId().substring(1));
        assertThat(r.succeeded()).as(r.toString() + " " + r.error()).isTrue();
        assertThat(r.resultCode()).isEqualTo(ResultCode.RESULT_SUCCESS);
        assertThat(r.exitCode()).isEqualTo(i % 3);
        assertThat(r.stdout()).isEqualTo("note " + i + " hello\n");
        assertThat(Files.readString(dir.resolve("sum-" + i + ".txt")).trim()).isEqualTo(expected);
        assertThat(r.command().getOutputsList())
            .extracting(o -> o.getRemoteName())
            .containsExactly("sum.txt", "copy.bin");
        assertThat(r.run().getWorkerId()).isNotEmpty();
        assertThat(r.run().getHost()).isNotEmpty();
        assertThat(r.run().getAttempt()).isEqualTo(1);
        assertThat(
                r.run().getEnded().getSeconds() * 1000 + r.run().getEnded().getNanos() / 1_000_000)
            .isGreaterThanOrEqualTo(
                r.run().getStarted().getSeconds() * 1000
                    + r.run().getStarted().getNanos() / 1_000_000);
      }
      // the 3 MB output is not inline: downloaded from the file store
      assertThat(sha256(Files.readAllBytes(dir.resolve("copy-0.bin")))).isEqualTo(expected);
      // one transfer of the cacheable input for the worker, however many tasks read it
      assertThat(grid.server().localWorker().commands().fetches()).isEqualTo(1);
    }
    // sandboxes removed after each task (by the worker's remover thread, soon after)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              try (Stream<Path> left = Files.list(sandboxRoot())) {
                assertThat(left).isEmpty();
              }
            });
  }

  @Test
  void shouldEndTasksWithWorkQueueResultCodes() throws Exception {
    try (TaskSession session = commandSession()) {
      session.submit("no-output", CommandTask.of("true").output("missing.txt", null).build());
      session.submit("signal", CommandTask.of("kill -9 $$").build());
      session.submit(
          "too-long",
          CommandTask.of("sleep 30 & echo $! > " + dir.resolve("child.pid") + "; wait")
              .maxRunningTime(Duration.ofMillis(500))
              .build());
      session.flush();
      Map<String, TaskResult> ended = byId(session.awaitResults(3, Duration.ofSeconds(30)));

      assertThat(ended.get("no-output").isDeadLetter()).isTrue();
      assertThat(ended.get("no-output").resultCode()).isEqualTo(ResultCode.RESULT_OUTPUT_MISSING);
      assertThat(ended.get("no-output").error()).contains("missing.txt");
      assertThat(ended.get("signal").resultCode()).isEqualTo(ResultCode.RESULT_SIGNAL);
      assertThat(ended.get("signal").command().getSignal()).isEqualTo(9);
      assertThat(ended.get("too-long").resultCode()).isEqualTo(ResultCode.RESULT_MAX_RUNNING_TIME);
      assertThat(ended.get("too-long").error()).startsWith("MAX_WALLTIME");
      // the whole process group was stopped, not only the shell
      long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void shouldUploadInputsAheadOnceAndAgainWhenAFileChanges() throws Exception {
    // given: 6 files, 30 tasks reading them (each file by 5 tasks)
    Path inputs = Files.createDirectories(dir.resolve("ahead-" + System.nanoTime()));
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      files.add(Files.writeString(inputs.resolve("f" + i), "file " + i + "\n"));
    }
    Map<String, CommandTask> tasks = new java.util.LinkedHashMap<>();
    for (int t = 0; t < 30; t++) {
      tasks.put("t" + t, CommandTask.of("cat in").input(files.get(t % 6), "in", true).build());
    }
    try (TaskSession session = commandSession()) {
      // when: their inputs are uploaded ahead (several at once), then the tasks submitted
      session.uploadInputs(tasks.values());
      for (String id : files.stream().map(f -> session.files().upload(f)).toList()) {
        assertThat(session.files().holds(id)).isTrue();
      }
      tasks.forEach(session::submit);
      // and one file is rewritten before one more task reads it
      Files.writeString(files.get(0), "file 0, rewritten\n");
      session.submit("again", CommandTask.of("cat in").input(files.get(0), "in", true).build());
      session.finishSending();
      List<TaskResult> results = session.awaitResults(31, Duration.ofSeconds(60));

      // then: every task read its file; the rewritten one was sent again
      for (TaskResult r : results) {
        assertThat(r.commandSucceeded()).as(r.taskId() + ": " + r.error()).isTrue();
        String expected =
            r.taskId().equals("again")
                ? "file 0, rewritten\n"
                : "file " + Integer.parseInt(r.taskId().substring(1)) % 6 + "\n";
        assertThat(r.stdout()).as(r.taskId()).isEqualTo(expected);
      }
      // and a missing input is refused before anything is sent, naming the file
      Path missing = inputs.resolve("missing");
      assertThatThrownBy(
              () ->
                  session.uploadInputs(
                      List.of(CommandTask.of("cat in").input(missing, "in", true).build())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(missing.toString());
    }
  }

  @Test
  void shouldRunTheFirstTasksWhileLaterInputsAreStillUploading() throws Exception {
    // given: task "first" reads a file; task "second" reads a pipe nobody writes yet, so its
    // upload cannot end
    Path inputs = Files.createDirectories(dir.resolve("pipelined-" + System.nanoTime()));
    Path file = Files.writeString(inputs.resolve("file"), "ready\n");
    Path pipe = inputs.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
    Map<String, CommandTask> tasks = new java.util.LinkedHashMap<>();
    tasks.put("first", CommandTask.of("cat in").input(file, "in", false).build());
    tasks.put("second", CommandTask.of("wc -c < in").input(pipe, "in", false).build());
    try (TaskSession session = commandSession()) {
      CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> session.submitAll(tasks));
      // when: "first" is sent once its own input is in the grid
      TaskResult first = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (first == null && System.nanoTime() < deadline) {
        session.flush(); // submitAll may not have queued it yet
        first = session.poll(Duration.ofMillis(200));
      }
      assertThat(first).as("first task's result while the pipe waits").isNotNull();
      // then: it ran while the pipe's upload was still waiting for a writer
      assertThat(first.taskId()).isEqualTo("first");
      assertThat(first.stdout()).isEqualTo("ready\n");
      assertThat(sent).isNotDone();
      // and once the pipe ends (a writer opening and closing it: the client reads an input twice,
      // to hash it and to send it), "second" is sent and runs too
      Process writer =
          new ProcessBuilder("sh", "-c", "while :; do : > \"$0\"; done", pipe.toString()).start();
      try {
        sent.get(30, TimeUnit.SECONDS);
      } finally {
        writer.destroyForcibly();
      }
      session.finishSending();
      TaskResult second = session.awaitResults(1, Duration.ofSeconds(60)).get(0);
      assertThat(second.taskId()).isEqualTo("second");
      assertThat(second.commandSucceeded()).as(second.error()).isTrue();
      assertThat(second.stdout().strip()).isEqualTo("0");
    }
  }

  @Test
  void shouldRefuseAMissingInputBeforeSendingAnyTask() throws Exception {
    Path inputs = Files.createDirectories(dir.resolve("refused-" + System.nanoTime()));
    Path present = Files.writeString(inputs.resolve("present"), "here\n");
    Path missing = inputs.resolve("missing");
    Map<String, CommandTask> tasks = new java.util.LinkedHashMap<>();
    tasks.put("a", CommandTask.of("cat in").input(present, "in", false).build());
    tasks.put("b", CommandTask.of("cat in").input(missing, "in", false).build());
    try (TaskSession session = commandSession()) {
      assertThatThrownBy(() -> session.submitAll(tasks))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(missing.toString());
      assertThat(session.empty()).as("no task was submitted").isTrue();
    }
  }

  @Test
  void shouldEndInputMissingWhenTheGridDoesNotHoldTheFile() throws Exception {
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session =
        queue.createSession(
            Session.newBuilder()
                .setApp(App.newBuilder().setId(ContractLimits.COMMAND_APP_ID))
                .build());
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(grid.newChannel()));
    call.requests.onNext(
        Batch.newBuilder()
            .setSessionId(session.getId())
            .addMessages(
                Message.newBuilder()
                    .setId("t")
                    .setCommand(
                        Command.newBuilder()
                            .setCommandLine("cat in")
                            .addInputs(
                                InputFile.newBuilder()
                                    .setRemoteName("in")
                                    .setSha256("a".repeat(64)))))
            .build());
    call.requests.onCompleted();
    // a task ending with an error is a dead letter: the stream completes without a result
    assertThat(call.awaitEnd(Duration.ofSeconds(30)).isOk()).isTrue();
    assertThat(call.resultCount()).isZero();
    java.util.Iterator<Batch> letters =
        queue.clientStreamDeadLetters(Session.newBuilder().setId(session.getId()).build());
    Message letter = letters.next().getMessages(0);
    assertThat(letter.getResultCode()).isEqualTo(ResultCode.RESULT_INPUT_MISSING);
    assertThat(letter.getError()).contains("INPUT_MISSING").contains("a".repeat(64));
  }

  @Test
  void shouldStopARunningCommandWhenCancelled() throws Exception {
    Path started = dir.resolve("cancel-started");
    try (TaskSession session = commandSession()) {
      session.submit(
          "long",
          CommandTask.of(
                  "echo $$ > " + started + ".tmp; mv " + started + ".tmp " + started + "; sleep 30")
              .tag("slow")
              .build());
      session.flush();
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
      long shell = Long.parseLong(Files.readString(started).trim());

      session.cancel(List.of(), List.of("slow"));
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(20)).get(0);

      assertThat(r.resultCode()).isEqualTo(ResultCode.RESULT_CANCELLED);
      assertThat(r.error()).contains("cancelled");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(shell).map(p -> !p.isAlive()).orElse(true));
    }
  }

  @Test
  void shouldSendTasksWithBatchAttributesInBatchesOfTheirOwn() throws Exception {
    try (TaskSession session = commandSession()) {
      // given: tasks that set resources, category, max retries and priority, between plain ones
      session.submit("plain-1", CommandTask.of("echo 1").build());
      session.submit(
          "sized",
          CommandTask.of("echo 2")
              .resources(1, 16, 0, 0)
              .category("small")
              .maxRetries(1)
              .priority(4)
              .build());
      session.submit("plain-2", CommandTask.of("echo 3").build());
      session.flush();

      // when
      Map<String, TaskResult> ended = byId(session.awaitResults(3, Duration.ofSeconds(30)));

      // then
      assertThat(ended.get("plain-1").stdout()).isEqualTo("1\n");
      assertThat(ended.get("sized").stdout()).isEqualTo("2\n");
      assertThat(ended.get("plain-2").stdout()).isEqualTo("3\n");
      assertThat(ended.values()).allSatisfy(r -> assertThat(r.commandSucceeded()).isTrue());
    }
  }

  @Test
  void shouldStampJavaHandlerResultsWithWhereAndHowLong() throws Exception {
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      session.submit("e", "x".getBytes(StandardCharsets.UTF_8));
      session.flush();
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(20)).get(0);
      assertThat(r.resultCode()).isEqualTo(ResultCode.RESULT_SUCCESS);
      assertThat(r.run().getWorkerId()).isEqualTo(grid.name() + "-local");
      assertThat(r.run().getAttempt()).isEqualTo(1);
      assertThat(r.run().hasStarted()).isTrue();
    }
  }

  @Test
  void shouldRefuseBadCommandTasksNamingTheField() throws Exception {
    // the Java client refuses them before sending
    assertThatThrownBy(() -> CommandTask.of(" ").build())
        .hasMessageContaining("command.command_line must not be empty");
    assertThatThrownBy(() -> CommandTask.of("true").output("../x", null).build())
        .hasMessageContaining("command.output_names[0] '../x'");
    assertThatThrownBy(() -> CommandTask.of("true").output("/etc/x", null).build())
        .hasMessageContaining("command.output_names[0] '/etc/x'");
    assertThatThrownBy(
            () ->
                CommandTask.of("true")
                    .buffer(new byte[ContractLimits.INLINE_INPUT_MAX_BYTES + 1], "big")
                    .build())
        .hasMessageContaining("command.inputs[0].content")
        .hasMessageContaining(String.valueOf(ContractLimits.INLINE_INPUT_MAX_BYTES));
    try (TaskSession session = commandSession()) {
      assertThatThrownBy(
              () ->
                  session.submit(
                      "t",
                      CommandTask.of("true")
                          .input(dir.resolve("does-not-exist"), "in", false)
                          .build()))
          .hasMessageContaining("does-not-exist")
          .hasMessageContaining("does not exist");
    }

    // the server refuses them on the wire, naming the field
    assertThat(rawStatus(ContractLimits.COMMAND_APP_ID, Command.newBuilder().setCommandLine("")))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(s.getDescription())
                  .contains("batch.messages[0].command.command_line must not be empty");
            });
    assertThat(
            rawStatus(
                ContractLimits.COMMAND_APP_ID,
                Command.newBuilder().setCommandLine("true").addOutputNames("a/../../x")))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(s.getDescription()).contains("batch.messages[0].command.output_names[0]");
            });
    assertThat(
            rawStatus(
                ContractLimits.COMMAND_APP_ID,
                Command.newBuilder()
                    .setCommandLine("true")
                    .addInputs(
                        InputFile.newBuilder()
                            .setRemoteName("big")
                            .setContent(
                                ByteString.copyFrom(
                                    new byte[ContractLimits.INLINE_INPUT_MAX_BYTES + 1])))))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(s.getDescription())
                  .contains("batch.messages[0].command.inputs[0].content")
                  .contains(String.valueOf(ContractLimits.INLINE_INPUT_MAX_BYTES));
            });
    assertThat(rawStatus("echo", Command.newBuilder().setCommandLine("true")))
        .satisfies(
            s -> {
              assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(s.getDescription()).contains("batch.messages[0].command is only for");
            });
  }

  @Test
  void shouldKeepFilesInTheGridUntilTheSessionCloses() throws Exception {
    byte[] data = new byte[(5 << 20) + 17];
    new Random(3).nextBytes(data);
    Path local = Files.write(dir.resolve("five.bin"), data);
    TaskSession session = commandSession();
    String sha = session.files().upload(local);
    assertThat(sha).isEqualTo(sha256(data));
    assertThat(session.files().holds(sha)).isTrue();
    session.files().download(sha, dir.resolve("five-back.bin"));
    assertThat(Files.readAllBytes(dir.resolve("five-back.bin"))).isEqualTo(data);
    assertThat(session.files().upload(local)).isEqualTo(sha); // held: not sent again

    String id = session.id();
    session.close();

    assertThat(client.files(id).holds(sha)).isFalse();
    assertThatThrownBy(() -> client.files(id).download(sha, dir.resolve("gone.bin")))
        .isInstanceOfSatisfying(
            GridQueueException.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  private static Status rawStatus(String app, Command.Builder command) throws Exception {
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session =
        queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId(app)).build());
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(grid.newChannel()));
    call.requests.onNext(
        Batch.newBuilder()
            .setSessionId(session.getId())
            .addMessages(Message.newBuilder().setId("t").setCommand(command))
            .build());
    return call.awaitEnd(Duration.ofSeconds(10));
  }

  private static Path sandboxRoot() {
    return Path.of(grid.server().ignite().configuration().getWorkDirectory()).resolve("sandboxes");
  }

  private static Map<String, TaskResult> byId(List<TaskResult> results) {
    return results.stream().collect(Collectors.toMap(TaskResult::taskId, Function.identity()));
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
