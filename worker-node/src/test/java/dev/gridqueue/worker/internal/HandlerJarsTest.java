package dev.gridqueue.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.worker.HandlerLoadException;
import dev.gridqueue.worker.testing.HandlerJar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handlers loaded from a directory of jars ({@code --handlers DIR}), through the registry a worker
 * builds: jars compiled at test time against the handler API alone, under target/handler-jars.
 */
class HandlerJarsTest {
  private static final Path ROOT = Path.of("target", "handler-jars").toAbsolutePath();
  private static final ClassLoader WORKER = HandlerJarsTest.class.getClassLoader();

  private static Path upperDir;

  @BeforeAll
  static void buildTheUpperJar() throws Exception {
    HandlerJar.deleteRecursively(ROOT);
    upperDir = ROOT.resolve("upper");
    HandlerJar.create()
        .handler(
            "com.example.upper.UpperHandler",
            "upper",
            "return (context.taskId() + \":\" + new String(payload, StandardCharsets.UTF_8).toUpperCase()"
                + " + \":\" + context.attempt()).getBytes(StandardCharsets.UTF_8);")
        .writeTo(upperDir.resolve("upper-handler.jar"));
  }

  @Test
  void shouldServeAJarsHandlersBesideTheBuiltInApps() throws Exception {
    // given
    HandlerRegistry handlers = HandlerRegistry.load(Set.of(), WORKER, Optional.of(upperDir));

    // when
    List<String> results = run(handlers, "upper", "a=x", "b=yz");

    // then
    assertThat(handlers.appIds())
        .contains("upper", "echo", "pi", "sleep", "jacobi", "shared-digest");
    assertThat(results).containsExactly("a:X:3", "b:YZ:3");
    assertThat(handlers.describeOrigins())
        .isEqualTo(
            "cosine, echo, jaccard, jacobi, pi, shared-digest, sleep, wordcount from the classpath;"
                + " upper from "
                + upperDir.resolve("upper-handler.jar"));
  }

  @Test
  void shouldServeOnlyTheAppsAskedForAmongJarsAndBuiltIns() {
    // when
    HandlerRegistry handlers =
        HandlerRegistry.load(Set.of("upper", "echo"), WORKER, Optional.of(upperDir));

    // then
    assertThat(handlers.appIds()).containsExactlyInAnyOrder("upper", "echo");
  }

  @Test
  void shouldShowAJarTheHandlerApiAndTheJdkButNotTheWorkersLibraries() throws Exception {
    // given: a handler reporting which classes it can load, and its context class loader
    Path dir = ROOT.resolve("probe");
    HandlerJar.create()
        .handler(
            "com.example.probe.ProbeHandler",
            "probe",
            """
            StringBuilder seen = new StringBuilder();
            for (String name : new String(payload, StandardCharsets.UTF_8).split(",")) {
              try {
                Class.forName(name, false, getClass().getClassLoader());
                seen.append(name).append(" visible;");
              } catch (ClassNotFoundException e) {
                seen.append(name).append(" hidden;");
              }
            }
            seen.append(" context loader is mine: ")
                .append(Thread.currentThread().getContextClassLoader() == getClass().getClassLoader());
            return seen.toString().getBytes(StandardCharsets.UTF_8);""")
        .writeTo(dir.resolve("probe.jar"));
    HandlerRegistry handlers = HandlerRegistry.load(Set.of("probe"), WORKER, Optional.of(dir));

    // when
    List<String> results =
        run(
            handlers,
            "probe",
            "t=java.sql.Connection,dev.gridqueue.worker.api.TaskContext,org.apache.ignite.Ignite,"
                + "com.google.protobuf.ByteString,dev.gridqueue.worker.internal.BatchRunner,org.slf4j.Logger");

    // then
    assertThat(results)
        .containsExactly(
            "java.sql.Connection visible;dev.gridqueue.worker.api.TaskContext visible;org.apache.ignite.Ignite hidden;"
                + "com.google.protobuf.ByteString hidden;dev.gridqueue.worker.internal.BatchRunner hidden;"
                + "org.slf4j.Logger hidden; context loader is mine: true");
  }

  @Test
  void shouldNameBothJarsWhenTwoHandlersClaimOneApp() {
    // given
    Path dir = ROOT.resolve("twins");
    Path first =
        HandlerJar.create()
            .handler("com.example.a.Twin", "twin", "return payload;")
            .writeTo(dir.resolve("a.jar"));
    Path second =
        HandlerJar.create()
            .handler("com.example.b.Twin", "twin", "return payload;")
            .writeTo(dir.resolve("b.jar"));

    // when / then
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of(), WORKER, Optional.of(dir)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessage(
            "app 'twin' is claimed by two handlers: com.example.a.Twin in "
                + first
                + ", and com.example.b.Twin in "
                + second
                + "; remove one, or give it another app id");
  }

  @Test
  void shouldNameTheJarAndTheClasspathWhenAJarClaimsABuiltInApp() {
    // given
    Path dir = ROOT.resolve("clash");
    Path jar =
        HandlerJar.create()
            .handler("com.example.MyEcho", "echo", "return payload;")
            .writeTo(dir.resolve("my-echo.jar"));

    // when / then
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of(), WORKER, Optional.of(dir)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessageStartingWith(
            "app 'echo' is claimed by two handlers: dev.gridqueue.worker.apps.EchoHandler on the classpath (")
        .hasMessageContaining(", and com.example.MyEcho in " + jar + ";");
  }

  @Test
  void shouldRefuseADirectoryThatDoesNotExist() {
    Path missing = ROOT.resolve("no-such-dir");

    assertThatThrownBy(() -> HandlerRegistry.load(Set.of(), WORKER, Optional.of(missing)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessage("handlers directory " + missing + " does not exist");
  }

  @Test
  void shouldRefuseAJarItCannotRead() throws Exception {
    // given
    Path dir = ROOT.resolve("unreadable");
    Files.createDirectories(dir);
    Path jar = Files.writeString(dir.resolve("truncated.jar"), "not a zip file");

    // when / then
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of(), WORKER, Optional.of(dir)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessageStartingWith("cannot read handler jar " + jar + ": java.util.zip.ZipException");
  }

  @Test
  void shouldPointAJarListingItsHandlersUnderTheFormerServicesFileToTheApi() {
    // given
    Path dir = ROOT.resolve("former");
    Path jar =
        HandlerJar.create()
            .handler("com.example.Old", "old", "return payload;")
            .servicesFile("META-INF/services/dev.gridqueue.worker.TaskHandler")
            .writeTo(dir.resolve("old.jar"));

    // when / then
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of(), WORKER, Optional.of(dir)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessage(
            "handler jar "
                + jar
                + " declares no task handler: it has no "
                + HandlerJar.SERVICES_FILE
                + " but the former META-INF/services/dev.gridqueue.worker.TaskHandler;"
                + " rebuild it against dev.gridqueue:worker-api (package dev.gridqueue.worker.api)");
  }

  @Test
  void shouldNameTheJarOfAHandlerThatCannotBeCreated() {
    // given
    Path dir = ROOT.resolve("broken");
    Path jar =
        HandlerJar.create()
            .handler(
                "com.example.Broken",
                """
            package com.example;
            public final class Broken implements dev.gridqueue.worker.api.TaskHandler {
              public Broken() { throw new IllegalStateException("no licence file"); }
              public String appId() { return "broken"; }
              public byte[] handle(dev.gridqueue.worker.api.TaskContext c, byte[] p) { return p; }
            }
            """)
            .writeTo(dir.resolve("broken.jar"));

    // when / then
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of(), WORKER, Optional.of(dir)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessageStartingWith("cannot create the task handlers of " + jar + ": ")
        .hasMessageContaining("no licence file");
  }

  @Test
  void shouldSayWhereItLookedForAnAppWithoutHandler() {
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of("square"), WORKER, Optional.of(upperDir)))
        .isInstanceOf(HandlerLoadException.class)
        .hasMessageStartingWith(
            "no handler for app 'square' on the classpath or in " + upperDir + "; found [");
  }

  /** Runs one batch of {@code id=payload} tasks as attempt 3 and returns the results as text. */
  private static List<String> run(HandlerRegistry handlers, String app, String... tasks)
      throws Exception {
    Batch.Builder batch = Batch.newBuilder().setId("b");
    for (String t : tasks) {
      String[] idAndPayload = t.split("=", 2);
      batch.addMessages(
          Message.newBuilder()
              .setId(idAndPayload[0])
              .setPayload(ByteString.copyFromUtf8(idAndPayload[1])));
    }
    Batch results =
        Batch.parseFrom(new BatchRunner(handlers).run("s", app, batch.build().toByteArray(), 3));
    return results.getMessagesList().stream()
        .map(
            m ->
                m.hasError()
                    ? "error: " + m.getError()
                    : m.getPayload().toString(StandardCharsets.UTF_8))
        .toList();
  }
}
