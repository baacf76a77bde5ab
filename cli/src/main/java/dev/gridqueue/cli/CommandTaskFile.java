package dev.gridqueue.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.gridqueue.client.CommandTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A file of command tasks, one JSON object a line (blank lines and lines starting with # are
 * skipped):
 *
 * <pre>{@code
 * {"id": "a", "command": "gzip -c a.txt > a.txt.gz", "inputs": ["a.txt"], "outputs": ["a.txt.gz"]}
 * {"command": "./sim --seed 2", "inputs": [{"local": "bin/sim", "remote": "sim", "cache": true}],
 *  "outputs": [{"remote": "out.csv", "local": "results/2.csv"}], "env": {"OMP_NUM_THREADS": "1"},
 *  "buffers": [{"remote": "params.txt", "text": "alpha=2"}], "max_running_time_s": 60,
 *  "tag": "sims", "category": "sim", "cores": 1, "memory_mb": 512, "disk_mb": 0, "gpus": 0,
 *  "max_retries": 3, "priority": 2}
 * }</pre>
 *
 * An input or output given as a string is the same name locally and in the sandbox (an input's
 * sandbox name is its file name); inputs named as strings are cached on the workers. Local paths
 * are relative to the working directory. A task without an id gets {@code line<N>}. An input whose
 * local path is a directory sends the directory with everything under it; an output whose remote
 * name ends with '/' brings back a directory ({@code "outputs": ["results/"]}).
 */
final class CommandTaskFile {
  /** One task of the file, with the id it runs under. */
  record Entry(String id, CommandTask task) {}

  private CommandTaskFile() {}

  /**
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  static List<Entry> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> lineOfId = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Entry entry;
      try {
        entry = parse(JsonParser.parseString(line).getAsJsonObject(), "line" + (i + 1));
      } catch (JsonParseException | IllegalStateException | IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
      // Two tasks under one id would run as one (a session's rule): refuse the file instead.
      Integer earlier = lineOfId.putIfAbsent(entry.id(), i + 1);
      if (earlier != null) {
        throw new IllegalArgumentException(
            file
                + " line "
                + (i + 1)
                + ": id \""
                + entry.id()
                + "\" is already used on line "
                + earlier);
      }
      entries.add(entry);
    }
    return entries;
  }

  /** Adds {@code local} as an input file, or as an input directory when it is one. */
  static void input(CommandTask.Builder b, Path local, String remote, boolean cache) {
    if (Files.isDirectory(local)) {
      b.inputDirectory(local, remote, cache);
    } else {
      b.input(local, remote, cache);
    }
  }

  /**
   * Adds {@code remote} as an output file, or as an output directory when it ends with '/' (a local
   * path with the slash kept names the same directory).
   */
  static void output(CommandTask.Builder b, String remote, Path local) {
    if (remote.endsWith("/") && remote.length() > 1) {
      b.outputDirectory(remote.substring(0, remote.length() - 1), local);
    } else {
      b.output(remote, local);
    }
  }

  private static Entry parse(JsonObject o, String defaultId) {
    if (!o.has("command")) {
      throw new IllegalArgumentException("\"command\" is required");
    }
    CommandTask.Builder b = CommandTask.of(o.get("command").getAsString());
    for (JsonElement in : array(o, "inputs")) {
      if (in.isJsonPrimitive()) {
        Path local = Path.of(in.getAsString());
        input(b, local, local.getFileName().toString(), true);
      } else {
        JsonObject f = in.getAsJsonObject();
        Path local = Path.of(f.get("local").getAsString());
        String remote =
            f.has("remote") ? f.get("remote").getAsString() : local.getFileName().toString();
        input(b, local, remote, !f.has("cache") || f.get("cache").getAsBoolean());
      }
    }
    for (JsonElement buf : array(o, "buffers")) {
      JsonObject f = buf.getAsJsonObject();
      b.buffer(
          f.get("text").getAsString().getBytes(StandardCharsets.UTF_8),
          f.get("remote").getAsString());
    }
    for (JsonElement out : array(o, "outputs")) {
      if (out.isJsonPrimitive()) {
        output(b, out.getAsString(), Path.of(out.getAsString()));
      } else {
        JsonObject f = out.getAsJsonObject();
        String remote = f.get("remote").getAsString();
        output(b, remote, Path.of(f.has("local") ? f.get("local").getAsString() : remote));
      }
    }
    if (o.has("env")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("env").entrySet()) {
        b.env(e.getKey(), e.getValue().getAsString());
      }
    }
    if (o.has("max_running_time_s")) {
      b.maxRunningTime(
          Duration.ofMillis((long) (o.get("max_running_time_s").getAsDouble() * 1000)));
    }
    if (o.has("tag")) {
      b.tag(o.get("tag").getAsString());
    }
    if (o.has("category")) {
      b.category(o.get("category").getAsString());
    }
    if (o.has("cores") || o.has("memory_mb") || o.has("disk_mb") || o.has("gpus")) {
      b.resources(
          intOf(o, "cores"),
          (long) intOf(o, "memory_mb"),
          (long) intOf(o, "disk_mb"),
          intOf(o, "gpus"));
    }
    if (o.has("max_retries")) {
      b.maxRetries(o.get("max_retries").getAsInt());
    }
    if (o.has("priority")) {
      b.priority(o.get("priority").getAsInt());
    }
    String id = o.has("id") ? o.get("id").getAsString() : defaultId;
    return new Entry(id, b.build());
  }

  private static int intOf(JsonObject o, String field) {
    return o.has(field) ? o.get(field).getAsInt() : 0;
  }

  private static Iterable<JsonElement> array(JsonObject o, String field) {
    return o.has(field) ? o.getAsJsonArray(field) : List.of();
  }
}
