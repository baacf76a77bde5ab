package dev.gridqueue.worker.testing;

import dev.gridqueue.worker.api.TaskHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds a handler jar at test time the way a handler author does: Java sources compiled with the
 * JDK's compiler against the handler API alone (worker-api's classes are the whole classpath),
 * their handlers listed in {@code META-INF/services/dev.gridqueue.worker.api.TaskHandler}.
 */
public final class HandlerJar {
  public static final String SERVICES_FILE = "META-INF/services/" + TaskHandler.class.getName();

  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<String> listed = new ArrayList<>();
  private String servicesFile = SERVICES_FILE;

  private HandlerJar() {}

  public static HandlerJar create() {
    return new HandlerJar();
  }

  /** A handler class {@code className} for {@code appId} whose {@code handle} runs {@code body}. */
  public HandlerJar handler(String className, String appId, String body) {
    return handler(className, handlerSource(className, appId, body));
  }

  /** A handler class from its full source, compiled and listed in the services file. */
  public HandlerJar handler(String className, String source) {
    sources.put(className, source);
    listed.add(className);
    return this;
  }

  /** Lists the handlers under another services file name (e.g. the one before the API moved). */
  public HandlerJar servicesFile(String name) {
    this.servicesFile = name;
    return this;
  }

  /**
   * The source of a handler class; {@code body} sees {@code context} and {@code payload}, may
   * throw, and has {@code StandardCharsets} imported.
   */
  public static String handlerSource(String className, String appId, String body) {
    int dot = className.lastIndexOf('.');
    return "package "
        + className.substring(0, dot)
        + ";\n"
        + "import dev.gridqueue.worker.api.TaskContext;\n"
        + "import dev.gridqueue.worker.api.TaskHandler;\n"
        + "import java.nio.charset.StandardCharsets;\n"
        + "public final class "
        + className.substring(dot + 1)
        + " implements TaskHandler {\n"
        + "  @Override public String appId() { return \""
        + appId
        + "\"; }\n"
        + "  @Override public byte[] handle(TaskContext context, byte[] payload) throws Exception {\n"
        + body
        + "\n"
        + "  }\n"
        + "}\n";
  }

  /**
   * Compiles the sources and writes {@code jar}. The classes go to {@code <dir>-classes/<jar name>}
   * beside the jar's directory, not into it: that directory is what a worker loads.
   */
  public Path writeTo(Path jar) {
    try {
      Path dir = jar.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path classes =
          dir.resolveSibling(dir.getFileName() + "-classes").resolve(jar.getFileName().toString());
      deleteRecursively(classes);
      Files.createDirectories(classes);
      compile(classes);
      writeJar(jar, classes);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes {@code path} and everything under it, if it exists: tests start from a clean directory.
   */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void compile(Path classes) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<JavaFileObject> units =
        sources.entrySet().stream()
            .map(e -> (JavaFileObject) new Source(e.getKey(), e.getValue()))
            .toList();
    List<String> options =
        List.of(
            "--release",
            "17",
            "-proc:none",
            "-classpath",
            apiClasspath().toString(),
            "-d",
            classes.toString());
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      if (!javac.getTask(null, files, diagnostics, options, null, units).call()) {
        throw new IllegalStateException(
            "handler sources do not compile:\n"
                + diagnostics.getDiagnostics().stream()
                    .map(Object::toString)
                    .collect(Collectors.joining("\n")));
      }
    }
  }

  /** Where the worker-api classes are: its target/classes in a reactor build, or its jar. */
  private static Path apiClasspath() {
    try {
      return Path.of(TaskHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private void writeJar(Path jar, Path classes) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> compiled = Files.walk(classes)) {
      for (Path c : compiled.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(c));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(servicesFile));
      out.write((String.join("\n", listed) + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(
          URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension),
          Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
