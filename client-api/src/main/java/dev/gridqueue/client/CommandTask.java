package dev.gridqueue.client;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Command;
import dev.gridqueue.proto.v1.InputFile;
import dev.gridqueue.proto.v1.Resources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command task, after Work Queue's {@code Task}: a command line run with {@code /bin/sh -c} in a
 * sandbox on a worker, its input files placed there first and its output files brought back. Submit
 * it with {@link TaskSession#submit(String, CommandTask)} in a session of app {@link
 * ContractLimits#COMMAND_APP_ID}:
 *
 * <pre>{@code
 * CommandTask task = CommandTask.of("gzip < in.txt > out.gz")
 *     .input(Path.of("data/a.txt"), "in.txt", true)   // uploaded once, cached on the worker
 *     .output("out.gz", Path.of("results/a.gz"))       // written here when the task ends
 *     .maxRunningTime(Duration.ofMinutes(5))
 *     .build();
 * session.submit("a", task);
 * }</pre>
 *
 * Resources, category, priority and max retries are the contract's batch attributes: a task that
 * sets any of them is sent in a batch of its own.
 */
public final class CommandTask {
  /**
   * A local file to upload, or bytes to send inline, placed in the sandbox as {@code remoteName}.
   */
  record Input(String remoteName, Path local, byte[] bytes, boolean cache) {}

  private final String commandLine;
  private final List<Input> inputs;
  private final Map<String, Path> outputs;
  private final List<String> directories;
  private final List<String> cachedOutputs;
  private final Map<String, Path> outputDirectories;
  private final Map<String, String> env;
  private final Resources resources;
  private final String category;
  private final String tag;
  private final Integer maxRetries;
  private final Duration maxRunningTime;
  private final Integer priority;

  private CommandTask(Builder b) {
    this.commandLine = b.commandLine;
    this.inputs = List.copyOf(b.inputs);
    this.outputs = new LinkedHashMap<>(b.outputs);
    this.directories = List.copyOf(b.directories);
    this.cachedOutputs = List.copyOf(b.cachedOutputs);
    this.outputDirectories = new LinkedHashMap<>(b.outputDirectories);
    this.env = Map.copyOf(b.env);
    this.resources = b.resources;
    this.category = b.category;
    this.tag = b.tag;
    this.maxRetries = b.maxRetries;
    this.maxRunningTime = b.maxRunningTime;
    this.priority = b.priority;
  }

  /** A builder of a task running {@code commandLine}. */
  public static Builder of(String commandLine) {
    return new Builder(commandLine);
  }

  public String commandLine() {
    return commandLine;
  }

  public String tag() {
    return tag;
  }

  /** Output files by name in the sandbox, with where to write each (null: do not fetch). */
  public Map<String, Path> outputs() {
    return java.util.Collections.unmodifiableMap(outputs);
  }

  /** Output directories by name in the sandbox, with where to write each (null: do not fetch). */
  public Map<String, Path> outputDirectories() {
    return java.util.Collections.unmodifiableMap(outputDirectories);
  }

  List<Input> inputs() {
    return inputs;
  }

  /**
   * Checks that every local input file exists and is within {@link ContractLimits#FILE_MAX_BYTES},
   * without reading it: what submitting would refuse, found before a session is opened.
   *
   * @throws IllegalArgumentException naming the first file that is missing or over the limit
   */
  public void checkLocalInputs() {
    for (Input in : inputs) {
      if (in.local() != null) {
        FilesClient.checkedSize(in.local());
      }
    }
  }

  /** Whether the task sets batch attributes, and so travels in a batch of its own. */
  boolean needsOwnBatch() {
    return resources != null || !category.isEmpty() || maxRetries != null || priority != null;
  }

  /** The batch attributes this task sets, on an otherwise empty batch. */
  dev.gridqueue.proto.v1.Batch batchAttributes() {
    dev.gridqueue.proto.v1.Batch.Builder b =
        dev.gridqueue.proto.v1.Batch.newBuilder().setCategory(category);
    if (resources != null) {
      b.setResources(resources);
    }
    if (maxRetries != null) {
      b.setMaxRetries(maxRetries);
    }
    if (priority != null) {
      b.setPriority(priority);
    }
    return b.build();
  }

  /** The wire form, with {@code sha256ByInput} the stored hash of each uploaded input. */
  Command toCommand(Map<Input, String> sha256ByInput) {
    Command.Builder c = Command.newBuilder().setCommandLine(commandLine).putAllEnv(env);
    for (Input in : inputs) {
      InputFile.Builder f = InputFile.newBuilder().setRemoteName(in.remoteName());
      if (in.bytes() != null) {
        f.setContent(ByteString.copyFrom(in.bytes()));
      } else {
        f.setSha256(sha256ByInput.get(in)).setCache(in.cache());
      }
      c.addInputs(f);
    }
    c.addAllOutputNames(outputs.keySet());
    c.addAllDirectories(directories);
    c.addAllCachedOutputs(cachedOutputs);
    c.addAllOutputDirectories(outputDirectories.keySet());
    if (maxRunningTime != null) {
      c.setMaxRunningTime(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(maxRunningTime.getSeconds())
              .setNanos(maxRunningTime.getNano()));
    }
    return c.build();
  }

  /** Builder of {@link CommandTask}; {@link #build()} checks the contract's rules. */
  public static final class Builder {
    private final String commandLine;
    private final List<Input> inputs = new ArrayList<>();
    private final Map<String, Path> outputs = new LinkedHashMap<>();
    private final List<String> directories = new ArrayList<>();
    private final List<String> cachedOutputs = new ArrayList<>();
    private final Map<String, Path> outputDirectories = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Resources resources;
    private String category = "";
    private String tag = "";
    private Integer maxRetries;
    private Duration maxRunningTime;
    private Integer priority;

    private Builder(String commandLine) {
      this.commandLine = Objects.requireNonNull(commandLine, "commandLine");
    }

    /**
     * Uploads {@code local} (once per session: a file the grid holds is not sent again) and places
     * it in the sandbox as {@code remoteName}; {@code cache}: workers keep it for later tasks.
     */
    public Builder input(Path local, String remoteName, boolean cache) {
      inputs.add(new Input(remoteName, Objects.requireNonNull(local, "local"), null, cache));
      return this;
    }

    /**
     * Sends the directory {@code local} with everything under it (Work Queue's {@code
     * specify_directory} / {@code specify_input_file} on a directory): each regular file is an
     * input placed under {@code remoteName} at its path in the directory (uploaded once per
     * session; {@code cache}: workers keep it for later tasks), and each empty subdirectory is
     * created. The directory is read now; links to files are read as files, links to directories
     * are not followed.
     *
     * @throws IllegalArgumentException if {@code local} is not a directory, or holds more than
     *     {@link ContractLimits#DIRECTORY_FILES_MAX} files or {@link
     *     ContractLimits#DIRECTORY_MAX_BYTES} bytes
     */
    public Builder inputDirectory(Path local, String remoteName, boolean cache) {
      for (DirectoryTree.Entry e : DirectoryTree.read(local, "inputDirectory(" + local + ")")) {
        String name = remoteName + (e.relative().isEmpty() ? "" : "/" + e.relative());
        if (e.file() == null) {
          directories.add(name);
        } else {
          inputs.add(new Input(name, e.file(), null, cache));
        }
      }
      return this;
    }

    /**
     * Brings the directory {@code remoteName} back from the sandbox with every regular file and
     * empty subdirectory under it, written under {@code local} (null: only list it in the result)
     * before the result is handed over. Links in it are not followed nor returned.
     */
    public Builder outputDirectory(String remoteName, Path local) {
      outputDirectories.put(remoteName, local);
      return this;
    }

    /** Places {@code bytes} in the sandbox as {@code remoteName} (Work Queue's buffer). */
    public Builder buffer(byte[] bytes, String remoteName) {
      inputs.add(new Input(remoteName, null, bytes.clone(), false));
      return this;
    }

    /**
     * Brings {@code remoteName} back from the sandbox and writes it to {@code local} (null: only
     * list it in the result) before the result is handed over.
     */
    public Builder output(String remoteName, Path local) {
      outputs.put(remoteName, local);
      return this;
    }

    /**
     * As {@link #output(String, Path)}; {@code cache}: the worker also keeps the file in its input
     * cache (Work Queue's cache flag on an output), so a later task on that worker reading it as a
     * cacheable input (same bytes) gets it without a transfer.
     */
    public Builder output(String remoteName, Path local, boolean cache) {
      output(remoteName, local);
      cachedOutputs.remove(remoteName);
      if (cache) {
        cachedOutputs.add(remoteName);
      }
      return this;
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** Resources the task needs (Work Queue's cores, memory, disk, gpus); 0 needs none. */
    public Builder resources(int cores, long memoryMb, long diskMb, int gpus) {
      resources =
          Resources.newBuilder()
              .setCores(cores)
              .setMemoryMb(memoryMb)
              .setDiskMb(diskMb)
              .setGpus(gpus)
              .build();
      return this;
    }

    public Builder category(String category) {
      this.category = Objects.requireNonNull(category, "category");
      return this;
    }

    /** A label {@link TaskSession#cancel} can name. */
    public Builder tag(String tag) {
      this.tag = Objects.requireNonNull(tag, "tag");
      return this;
    }

    /** Times the task runs again after being lost with its worker. */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder maxRunningTime(Duration maxRunningTime) {
      this.maxRunningTime = maxRunningTime;
      return this;
    }

    /** Priority among the session's tasks: higher first. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the rule the task breaks
     */
    public CommandTask build() {
      CommandTask task = new CommandTask(this);
      Map<Input, String> placeholders = new java.util.HashMap<>();
      for (Input in : task.inputs) {
        if (in.local() != null) {
          placeholders.put(in, "0".repeat(64));
        }
      }
      String problem = CommandRules.problem(task.toCommand(placeholders), "command");
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (maxRetries != null && (maxRetries < 0 || maxRetries > ContractLimits.MAX_RETRIES_MAX)) {
        throw new IllegalArgumentException(
            "maxRetries must be between 0 and " + ContractLimits.MAX_RETRIES_MAX);
      }
      return task;
    }
  }
}
