package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.server.EmbeddedGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code examples/java-client} (README's 30-second example) is a Maven project of its own that
 * imports gridqueue's BOM and depends on {@code client-api} alone: Maven builds it and runs it
 * against a real grid node, as README says. gridqueue's two artifacts are installed, flattened as
 * they are published, into a local repository of this test's own under target/ (never ~/.m2); the
 * rest (grpc-java, protobuf, Maven's plugins) comes read-only from this build's repository.
 */
class JavaClientExampleIT {
  private static final String VERSION = "0.1.0-SNAPSHOT";

  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  @Test
  void shouldBuildTheExampleWithMavenAgainstTheBomAndRunItAgainstAGrid() throws Exception {
    // given: the example copied out of the source tree, and gridqueue's artifacts installed in
    // a repository of its own
    Path dir = Files.createDirectories(Path.of("target", "java-client-example", uuid()));
    Path project = copy(Path.of("..", "examples", "java-client"), dir.resolve("project"));
    Path repo = dir.resolve("repo").toAbsolutePath();
    install(repo, "gridqueue-bom", Path.of("..", "bom", "target", "flattened-pom.xml"), null);
    install(
        repo,
        "client-api",
        Path.of("..", "client-api", "target", "flattened-pom.xml"),
        Path.of("..", "client-api", "target", "client-api-" + VERSION + ".jar"));
    Path settings =
        Files.writeString(
            dir.resolve("settings.xml"),
            """
            <settings>
              <mirrors>
                <mirror>
                  <id>this-build</id>
                  <mirrorOf>*</mirrorOf>
                  <url>%s</url>
                </mirror>
              </mirrors>
            </settings>
            """
                .formatted(Path.of(System.getProperty("gridqueue.maven.repository")).toUri()));

    // when: README's command
    Path out = dir.resolve("out.txt");
    Process run =
        new ProcessBuilder(
                maven(),
                "-B",
                "-q",
                "-Dstyle.color=never",
                "-s",
                settings.toAbsolutePath().toString(),
                "-Dmaven.repo.local=" + repo,
                "compile",
                "exec:java",
                "-Dexec.args=127.0.0.1:" + grid.server().grpcPort())
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();

    // then
    assertThat(run.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(out);
    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains("task-9999 -> payload-9999", "10000 tasks ended");
    assertThat(repo.resolve("dev/gridqueue/gridqueue-parent")).doesNotExist();
  }

  /** What {@code mvn install} leaves in a local repository for a SNAPSHOT. */
  private static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
    Path at =
        Files.createDirectories(repo.resolve(Path.of("dev", "gridqueue", artifactId, VERSION)));
    assertThat(pom).as("built by this reactor before the cli module").exists();
    Files.copy(pom, at.resolve(artifactId + "-" + VERSION + ".pom"));
    if (jar != null) {
      Files.copy(jar, at.resolve(artifactId + "-" + VERSION + ".jar"));
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(p -> !p.toString().contains("target")).toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  private static String maven() {
    String home = System.getProperty("gridqueue.maven.home");
    return home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))
        ? Path.of(home, "bin", "mvn").toString()
        : "mvn";
  }

  private static String uuid() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
