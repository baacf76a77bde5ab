package dev.gridqueue.client;

import java.time.Duration;

/**
 * The limits and defaults of the wire contract ({@code gridqueue/v1/queue.proto}, {@code
 * cache.proto}, {@code command.proto} and {@code files.proto}), in one place for the Java client
 * and the grid servers. A value here is what the contract promises: a server refuses a request
 * outside these limits with {@code INVALID_ARGUMENT}, and fills in the defaults for attributes a
 * request leaves absent.
 */
public final class ContractLimits {
  /** Lowest {@code SessionAttributes.priority}. */
  public static final int PRIORITY_MIN = 0;

  /** Highest {@code SessionAttributes.priority}. */
  public static final int PRIORITY_MAX = 10;

  /** {@code SessionAttributes.priority} of a session that sets none. */
  public static final int PRIORITY_DEFAULT = 5;

  /** Least {@code SessionAttributes.max_inflight_batches_per_worker}. */
  public static final int MAX_INFLIGHT_BATCHES_PER_WORKER_MIN = 1;

  /** Most {@code SessionAttributes.max_inflight_batches_per_worker}. */
  public static final int MAX_INFLIGHT_BATCHES_PER_WORKER_MAX = 1000;

  /** {@code SessionAttributes.max_inflight_batches_per_worker} of a session that sets none. */
  public static final int MAX_INFLIGHT_BATCHES_PER_WORKER_DEFAULT = 10;

  /** Most {@code max_retries}, of a session ({@code SessionAttributes}) or of one {@code Batch}. */
  public static final int MAX_RETRIES_MAX = 100;

  /** {@code SessionAttributes.max_retries} of a session that sets none. */
  public static final int MAX_RETRIES_DEFAULT = 3;

  /** Largest encoded task batch; larger inputs shared by many tasks belong in shared data. */
  public static final int MAX_BATCH_BYTES = 64 << 20;

  /** Most tasks one batch may carry. */
  public static final int MAX_TASKS_PER_BATCH = 100_000;

  /** Largest shared-data payload (one level) a server accepts unless configured otherwise. */
  public static final int SHARED_DATA_MAX_PAYLOAD_BYTES = 256 << 20;

  /**
   * Room above the largest payload for the rest of a message (ids, TTL, protobuf framing). Kept
   * small: gRPC refuses a message above {@link #MAX_MESSAGE_BYTES} from its length prefix, before
   * buffering it, so this is how far past the payload limit a client can make the server buffer.
   */
  public static final int MESSAGE_FRAMING_BYTES = 1 << 20;

  /**
   * gRPC's largest message, on both sides of a connection: the largest shared-data payload plus
   * framing. Task batches stay below their own, lower limit ({@link #MAX_BATCH_BYTES}).
   */
  public static final int MAX_MESSAGE_BYTES = SHARED_DATA_MAX_PAYLOAD_BYTES + MESSAGE_FRAMING_BYTES;

  /** Longest TTL of a shared-data level, and the TTL of a level that asks for none. */
  public static final Duration SHARED_DATA_MAX_TTL = Duration.ofSeconds(600);

  // ---- Ranges of numeric fields (every uint32 field is also refused at 2^31 and above). ----

  /** Most workers {@code SessionAttributes.min_workers} and {@code max_workers} may name. */
  public static final int WORKERS_MAX = 100_000;

  /** Highest {@code Batch.priority} (a uint32 on the wire; stored as a Java int). */
  public static final int BATCH_PRIORITY_MAX = Integer.MAX_VALUE;

  /** Most {@code Resources.cores} a batch may need or a worker offer. */
  public static final int RESOURCE_CORES_MAX = 65_536;

  /** Most {@code Resources.memory_mb} (64 TiB). */
  public static final long RESOURCE_MEMORY_MB_MAX = 64L << 20;

  /** Most {@code Resources.disk_mb} (1 PiB). */
  public static final long RESOURCE_DISK_MB_MAX = 1L << 30;

  /** Most {@code Resources.gpus}. */
  public static final int RESOURCE_GPUS_MAX = 1_024;

  /** Longest {@code idle_timeout} and {@code max_task_running_time} (a year). */
  public static final Duration DURATION_MAX = Duration.ofDays(365);

  /** Largest {@code fast_abort_multiplier} (0 is off; else at least 1). */
  public static final double FAST_ABORT_MULTIPLIER_MAX = 1_000;

  /** Highest shared-data update level: an update past it would wrap the level. */
  public static final int SHARED_DATA_MAX_LEVEL = Integer.MAX_VALUE;

  /** Most batches a polyglot worker may run at once ({@code WorkerState.slots}). */
  public static final int WORKER_SLOTS_MAX = 4_096;

  // ---- Sizes of strings and lists (what a request can make a server hold). ----

  /** Longest name: app id, tag, category, host, client id, batch id, worker id. In characters. */
  public static final int NAME_MAX_CHARS = 256;

  /** Longest task id ({@code Message.id}) and {@code delivery_id}. In characters. */
  public static final int TASK_ID_MAX_CHARS = 1_024;

  /** Most entries in one list of names: session tags, categories, blocked hosts, worker apps. */
  public static final int NAMES_PER_LIST_MAX = 256;

  /** Largest encoded {@code SessionAttributes} (sessions are replicated to every server's heap). */
  public static final int SESSION_ATTRIBUTES_MAX_BYTES = 64 << 10;

  /** Most task ids plus tags one {@code CancelTasks} may name. */
  public static final int CANCEL_ITEMS_PER_REQUEST_MAX = 100_000;

  /** Most task ids plus tags a session's cancellations may hold in all (RESOURCE_EXHAUSTED). */
  public static final int CANCEL_ITEMS_PER_SESSION_MAX = 1_000_000;

  /** Most {@code ack_delivery_ids} on one batch. */
  public static final int ACKS_PER_BATCH_MAX = 100_000;

  // ---- Quotas: what a session or a server may hold, refused with RESOURCE_EXHAUSTED. ----

  /**
   * Bytes of task batches a session may have in the grid (queued, running, or results not yet
   * acknowledged), counted on the server that accepted them. Configurable per server.
   */
  public static final long QUEUED_BYTES_PER_SESSION_DEFAULT = 256L << 20;

  /** Bytes of shared data (all live levels) a session may hold. Configurable per server. */
  public static final long SHARED_DATA_BYTES_PER_SESSION_DEFAULT = 512L << 20;

  /**
   * Share of a server's data region past which it refuses new task batches and shared data
   * (RESOURCE_EXHAUSTED): a region that fills breaks Ignite's writes midway.
   */
  public static final double DATA_REGION_WRITES_STOP_AT = 0.9;

  /** Client streams plus dead-letter streams one session may have open on one server. */
  public static final int STREAMS_PER_SESSION_MAX = 16;

  /**
   * Shared-data uploads ({@code SetSharedData}, {@code UpdateSharedData}) one server takes at once:
   * each may buffer up to the largest payload in its heap, so more are refused (RESOURCE_EXHAUSTED)
   * before their message is read.
   */
  public static final int SHARED_DATA_UPLOADS_PER_SERVER_MAX = 2;

  /** Calls (streams included) one connection may have open at once. */
  public static final int CALLS_PER_CONNECTION_MAX = 256;

  /** The app id of sessions whose tasks are command lines ({@code Message.command}). */
  public static final String COMMAND_APP_ID = "command";

  /** Largest {@code InputFile.content} (a buffer); larger inputs go through the Files service. */
  public static final int INLINE_INPUT_MAX_BYTES = 1 << 20;

  /** Largest file in the grid's file store (an input uploaded with Files, or an output). */
  public static final long FILE_MAX_BYTES = 1L << 30;

  /** Size of the chunks the file store keeps a file in, and sends on download. */
  public static final int FILE_CHUNK_BYTES = 1 << 20;

  /** Largest {@code FileChunk.data} a client may send on upload. */
  public static final int FILE_UPLOAD_CHUNK_MAX_BYTES = 4 << 20;

  /** How long the file store keeps a file of a session that stays open. */
  public static final Duration FILE_TTL = Duration.ofHours(24);

  /** Bytes of a command's stdout, and of its stderr, kept in its result. */
  public static final int STD_STREAM_MAX_BYTES = 1 << 20;

  /** Output files up to this size also travel inline in the result ({@code OutputFile.content}). */
  public static final int INLINE_OUTPUT_MAX_BYTES = 64 << 10;

  /**
   * Most {@code Command.inputs} (an input directory travels as one input per file, so this bounds
   * the files a task's input directories hold, with {@link #DIRECTORY_FILES_MAX} per directory).
   */
  public static final int COMMAND_INPUTS_MAX = 10_000;

  /** Most {@code Command.directories} (empty input directories created in the sandbox). */
  public static final int COMMAND_DIRECTORIES_MAX = 1_000;

  /** Most {@code Command.output_directories}. */
  public static final int COMMAND_OUTPUT_DIRECTORIES_MAX = 100;

  /** Most files in one input or output directory of a command task. */
  public static final int DIRECTORY_FILES_MAX = 10_000;

  /** Most bytes, all files together, in one input or output directory of a command task. */
  public static final long DIRECTORY_MAX_BYTES = FILE_MAX_BYTES;

  /**
   * Bytes of one output directory's files that travel inline in the result ({@code
   * OutputDirectory.files[].content}); the rest are downloaded from the file store, so a directory
   * of many small files does not fill the result's batch.
   */
  public static final int DIRECTORY_INLINE_MAX_BYTES = 1 << 20;

  /** Between SIGTERM and SIGKILL when a command's process group is stopped. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /**
   * How long a session whose {@code idle_timeout} is absent may stay without an attached client
   * before the grid closes it (a killed client must not leave its tasks in the grid forever); a
   * grid server may be given another ({@code server --session-idle-timeout-s}).
   */
  public static final Duration SESSION_IDLE_TIMEOUT_DEFAULT = Duration.ofHours(1);

  /**
   * Work Queue's {@code hungry-minimum}: a session with fewer tasks waiting is hungry (wants more)
   * whatever the grid's size ({@code TaskSession.hungry()}).
   */
  public static final int HUNGRY_MINIMUM_TASKS = 10;

  /**
   * Work Queue's {@code hungry-minimum-factor}: a session is hungry while fewer tasks wait than
   * this many batches per worker slot.
   */
  public static final int HUNGRY_FACTOR = 2;

  /**
   * Largest chunk (one task) of the client's map, pair and tree reduce: a batch below the batch
   * limit with room for its framing.
   */
  public static final int ABSTRACTION_CHUNK_MAX_BYTES = MAX_BATCH_BYTES - MESSAGE_FRAMING_BYTES;

  /** How long a map, pair or tree reduce of the Java client waits for its chunks unless told. */
  public static final Duration ABSTRACTION_TIMEOUT_DEFAULT = Duration.ofMinutes(30);

  /**
   * Longest a polyglot worker may hold a batch of a session that sets no {@code
   * max_task_running_time} before the grid takes it back and runs it elsewhere (an attempt); a grid
   * server may be given another ({@code server --worker-batch-deadline-s}).
   */
  public static final Duration POLYGLOT_BATCH_DEADLINE_DEFAULT = Duration.ofHours(1);

  /**
   * What a polyglot worker is given beyond {@code max_task_running_time} × the batch's tasks (the
   * deadline of a batch of a session that sets one): time for the batch and its results to cross
   * the network.
   */
  public static final Duration POLYGLOT_BATCH_DEADLINE_GRACE = Duration.ofSeconds(30);

  private ContractLimits() {}
}
