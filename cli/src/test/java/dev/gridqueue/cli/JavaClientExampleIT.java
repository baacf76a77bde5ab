package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.server.EmbeddedGrid;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code examples/java-client} (README's 30-second example) compiles against the Java client and
 * runs to the end against a real grid node, in a JVM of its own.
 */
class JavaClientExampleIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  @Test
  void shouldCompileAndRunTheJavaClientExample() throws Exception {
    // given: the example compiled at test time
    Path sources = Path.of("..", "examples", "java-client", "src", "main", "java").normalize();
    Path classes = Files.createDirectories(Path.of("target", "java-client-example"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xlint:all"));
    try (Stream<Path> files = Files.walk(sources)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();

    // when
    Path out = classes.resolve("out.txt");
    Process run =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path"),
                "com.example.client.EchoClient",
                "127.0.0.1:" + grid.server().grpcPort())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();

    // then
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(out);
    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains("task-9999 -> payload-9999").endsWith("10000 tasks ended\n");
  }
}
