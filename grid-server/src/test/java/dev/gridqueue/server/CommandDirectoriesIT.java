package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Command;
import dev.gridqueue.proto.v1.InputFile;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.OutputDirectory;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input and output directories of command tasks (Work Queue's specify_directory) through the Java
 * client on a real grid: a tree in and out byte for byte (empty directories included), links out of
 * the sandbox never followed, bad names and limits refused naming the field and the limit.
 */
class CommandDirectoriesIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  private static Path dir;
  private static GridQueueClient client;

  @BeforeAll
  static void setUp() throws Exception {
    Files.createDirectories(grid.workDir());
    dir = Files.createTempDirectory(grid.workDir(), "command-directories-it");
    client = new GridQueueClient(grid.newChannel());
  }

  private static TaskSession commandSession() {
    return client.openSession(
        SessionOptions.forApp(ContractLimits.COMMAND_APP_ID).batchSize(10).build());
  }

  @Test
  void shouldSendADirectoryTreeInAndBringItBackByteForByte() throws Exception {
    // given: a tree with nested files (one over the inline limits), an empty directory
    Path tree = dir.resolve("tree");
    Random random = new Random(11);
    write(tree.resolve("a.txt"), "alpha\n".getBytes(StandardCharsets.UTF_8));
    write(tree.resolve("sub/b.bin"), bytes(random, 100_000));
    write(tree.resolve("sub/deeper/c.bin"), bytes(random, 3 << 20));
    for (int i = 0; i < 30; i++) {
      write(tree.resolve("many/f" + i), bytes(random, 60_000));
    }
    Files.createDirectories(tree.resolve("empty"));
    Path back = dir.resolve("back");
    try (TaskSession session = commandSession()) {
      // when: the command copies the tree it was given into its output directory
      session.submit(
          "copy",
          CommandTask.of("cp -r in out && echo done > out/new.txt")
              .inputDirectory(tree, "in", true)
              .outputDirectory("out", back)
              .build());
      session.flush();
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(60)).get(0);

      // then: the tree came back whole, byte for byte, where asked
      assertThat(r.resultCode()).as(r.error()).isEqualTo(ResultCode.RESULT_SUCCESS);
      Map<String, byte[]> expected = contents(tree);
      expected.put("new.txt", "done\n".getBytes(StandardCharsets.UTF_8));
      assertThat(contents(back)).containsOnlyKeys(expected.keySet());
      contents(back)
          .forEach((name, data) -> assertThat(data).as(name).isEqualTo(expected.get(name)));
      assertThat(back.resolve("empty")).isEmptyDirectory();
      OutputDirectory out = r.command().getOutputDirectories(0);
      assertThat(out.getRemoteName()).isEqualTo("out");
      assertThat(out.getEmptyDirectoriesList()).containsExactly("out/empty");
      // large files and what passes the directory's inline budget come from the file store
      assertThat(out.getFilesList()).anyMatch(f -> !f.getInline());
      assertThat(out.getFilesList().stream().filter(f -> f.getInline()).mapToLong(f -> f.getSize()))
          .allMatch(size -> size <= ContractLimits.INLINE_OUTPUT_MAX_BYTES);
      assertThat(
              out.getFilesList().stream()
                  .filter(f -> f.getInline())
                  .mapToLong(f -> f.getSize())
                  .sum())
          .isLessThanOrEqualTo(ContractLimits.DIRECTORY_INLINE_MAX_BYTES);
    }
  }

  @Test
  void shouldNeverFollowLinksOutOfTheSandbox() throws Exception {
    Path outside = dir.resolve("outside");
    write(outside.resolve("secret.txt"), "secret\n".getBytes(StandardCharsets.UTF_8));
    String target = outside.toAbsolutePath().toString();
    try (TaskSession session = commandSession()) {
      // links inside an output directory: listed, not followed
      session.submit(
          "linksInDir",
          CommandTask.of(
                  "mkdir out && echo ok > out/ok.txt && ln -s "
                      + target
                      + "/secret.txt out/file-link && ln -s "
                      + target
                      + " out/dir-link")
              .outputDirectory("out", dir.resolve("links-back"))
              .build());
      // an output directory that is a link out of the sandbox
      session.submit(
          "dirIsLink",
          CommandTask.of("ln -s " + target + " out")
              .outputDirectory("out", dir.resolve("dir-link-back"))
              .build());
      // an output file reached through a link, as the file or on the way to it
      session.submit(
          "fileIsLink",
          CommandTask.of("ln -s " + target + "/secret.txt s.txt")
              .output("s.txt", dir.resolve("s.txt"))
              .build());
      session.submit(
          "parentIsLink",
          CommandTask.of("ln -s " + target + " d")
              .output("d/secret.txt", dir.resolve("s2.txt"))
              .build());
      session.flush();
      Map<String, TaskResult> r = byId(session.awaitResults(4, Duration.ofSeconds(60)));

      TaskResult links = r.get("linksInDir");
      assertThat(links.resultCode()).as(links.error()).isEqualTo(ResultCode.RESULT_SUCCESS);
      OutputDirectory out = links.command().getOutputDirectories(0);
      assertThat(out.getFilesList())
          .extracting(f -> f.getRemoteName())
          .containsExactly("out/ok.txt");
      assertThat(out.getSkippedLinksList()).containsExactly("out/dir-link", "out/file-link");
      try (Stream<Path> written = Files.walk(dir.resolve("links-back"))) {
        assertThat(written.map(p -> dir.resolve("links-back").relativize(p).toString()))
            .containsExactlyInAnyOrder("", "ok.txt");
      }
      for (String id : List.of("dirIsLink", "fileIsLink", "parentIsLink")) {
        assertThat(r.get(id).resultCode()).as(id).isEqualTo(ResultCode.RESULT_OUTPUT_MISSING);
        assertThat(r.get(id).command().getOutputsList()).as(id).isEmpty();
        assertThat(r.get(id).command().getOutputDirectoriesList()).as(id).isEmpty();
      }
      assertThat(dir.resolve("s.txt")).doesNotExist();
      assertThat(dir.resolve("s2.txt")).doesNotExist();
      assertThat(dir.resolve("dir-link-back")).doesNotExist();
    }
  }

  @Test
  void shouldRefuseBadDirectoryNamesAndLimitsNamingTheField() throws Exception {
    // the Java client refuses them before sending
    assertThatThrownBy(() -> CommandTask.of("true").outputDirectory("../x", null).build())
        .hasMessageContaining("command.output_directories[0] '../x'");
    Path small = dir.resolve("small");
    write(small.resolve("a.txt"), new byte[1]);
    assertThatThrownBy(() -> CommandTask.of("true").inputDirectory(small, "/abs", false).build())
        .hasMessageContaining("'/abs/");
    assertThatThrownBy(
            () -> CommandTask.of("true").inputDirectory(dir.resolve("missing"), "in", false))
        .hasMessageContaining("is not a directory");
    Path many = dir.resolve("too-many");
    Files.createDirectories(many);
    for (int i = 0; i <= ContractLimits.DIRECTORY_FILES_MAX; i++) {
      Files.createFile(many.resolve("f" + i));
    }
    assertThatThrownBy(() -> CommandTask.of("true").inputDirectory(many, "in", false))
        .hasMessageContaining("inputDirectory(" + many + ")")
        .hasMessageContaining("the limit is " + ContractLimits.DIRECTORY_FILES_MAX);

    // the server refuses them on the wire, naming the field and the limit
    Command.Builder tooManyInputs = Command.newBuilder().setCommandLine("true");
    for (int i = 0; i <= ContractLimits.COMMAND_INPUTS_MAX; i++) {
      tooManyInputs.addInputs(
          InputFile.newBuilder()
              .setRemoteName("in/f" + i)
              .setContent(ByteString.copyFromUtf8("x")));
    }
    assertInvalid(
        tooManyInputs,
        "batch.messages[0].command.inputs has "
            + (ContractLimits.COMMAND_INPUTS_MAX + 1)
            + " entries; the limit is "
            + ContractLimits.COMMAND_INPUTS_MAX);
    Command.Builder tooManyDirs = Command.newBuilder().setCommandLine("true");
    for (int i = 0; i <= ContractLimits.COMMAND_OUTPUT_DIRECTORIES_MAX; i++) {
      tooManyDirs.addOutputDirectories("out" + i);
    }
    assertInvalid(
        tooManyDirs,
        "batch.messages[0].command.output_directories has "
            + (ContractLimits.COMMAND_OUTPUT_DIRECTORIES_MAX + 1)
            + " entries; the limit is "
            + ContractLimits.COMMAND_OUTPUT_DIRECTORIES_MAX);
    assertInvalid(
        Command.newBuilder().setCommandLine("true").addDirectories("a/../../x"),
        "batch.messages[0].command.directories[0] 'a/../../x'");
    assertInvalid(
        Command.newBuilder().setCommandLine("true").addOutputDirectories("/tmp"),
        "batch.messages[0].command.output_directories[0] '/tmp'");

    // an output directory over the limit on the worker: the task ends naming it and the limit
    try (TaskSession session = commandSession()) {
      session.submit(
          "big",
          CommandTask.of(
                  "mkdir out && cd out && seq 0 "
                      + ContractLimits.DIRECTORY_FILES_MAX
                      + " | xargs touch")
              .outputDirectory("out", dir.resolve("big-back"))
              .build());
      session.flush();
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(60)).get(0);
      assertThat(r.resultCode()).isEqualTo(ResultCode.RESULT_RESOURCE_EXHAUSTION);
      assertThat(r.error())
          .contains("command.output_directories[0] 'out'")
          .contains("the limit is " + ContractLimits.DIRECTORY_FILES_MAX);
      assertThat(dir.resolve("big-back")).doesNotExist();
    }
  }

  @Test
  void shouldKeepACachedOutputForLaterTasksOnTheWorker() throws Exception {
    try (TaskSession session = commandSession()) {
      // given: one output kept in the worker's cache, one not
      session.submit(
          "make",
          CommandTask.of(
                  "head -c 2000000 /dev/urandom > kept.bin && head -c 2000000 /dev/urandom >"
                      + " plain.bin")
              .output("kept.bin", dir.resolve("kept.bin"), true)
              .output("plain.bin", dir.resolve("plain.bin"))
              .build());
      session.flush();
      TaskResult made = session.awaitResults(1, Duration.ofSeconds(60)).get(0);
      assertThat(made.resultCode()).as(made.error()).isEqualTo(ResultCode.RESULT_SUCCESS);
      assertThat(made.command().getOutputsList())
          .extracting(o -> o.getRemoteName() + ":" + o.getCached())
          .containsExactly("kept.bin:true", "plain.bin:false");
      long before = grid.server().localWorker().commands().fetches();

      // when: later tasks read both as cacheable inputs (the grid holds them: not uploaded again)
      session.submit(
          "useKept",
          CommandTask.of("sha256sum in.bin | cut -c1-64")
              .input(dir.resolve("kept.bin"), "in.bin", true)
              .build());
      session.flush();
      TaskResult kept = session.awaitResults(1, Duration.ofSeconds(60)).get(0);
      long afterKept = grid.server().localWorker().commands().fetches();
      session.submit(
          "usePlain",
          CommandTask.of("sha256sum in.bin | cut -c1-64")
              .input(dir.resolve("plain.bin"), "in.bin", true)
              .build());
      session.flush();
      TaskResult plain = session.awaitResults(1, Duration.ofSeconds(60)).get(0);

      // then: the cached output crossed no network, the other was fetched once
      assertThat(kept.stdout().trim())
          .isEqualTo(CommandTasksIT.sha256(Files.readAllBytes(dir.resolve("kept.bin"))));
      assertThat(plain.stdout().trim())
          .isEqualTo(CommandTasksIT.sha256(Files.readAllBytes(dir.resolve("plain.bin"))));
      assertThat(afterKept).isEqualTo(before);
      assertThat(grid.server().localWorker().commands().fetches()).isEqualTo(before + 1);
    }
  }

  private static void assertInvalid(Command.Builder command, String message) throws Exception {
    Status s = rawStatus(command);
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains(message);
  }

  private static Status rawStatus(Command.Builder command) throws Exception {
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
            .addMessages(Message.newBuilder().setId("t").setCommand(command))
            .build());
    return call.awaitEnd(Duration.ofSeconds(10));
  }

  private static void write(Path file, byte[] data) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private static byte[] bytes(Random random, int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    return data;
  }

  /** Every regular file under {@code root} by its relative path. */
  private static Map<String, byte[]> contents(Path root) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static Map<String, TaskResult> byId(List<TaskResult> results) {
    return results.stream().collect(Collectors.toMap(TaskResult::taskId, Function.identity()));
  }
}
