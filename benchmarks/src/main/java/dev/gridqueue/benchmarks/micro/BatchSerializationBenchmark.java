package dev.gridqueue.benchmarks.micro;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Protobuf cost of one {@code gridqueue.v1.Batch} of {@code tasks} tasks with {@code payloadBytes}
 * bytes each, in batches per second (tasks per second = score × tasks).
 *
 * <ul>
 *   <li>{@code serialize}: {@code toByteArray()} of a built batch. Protobuf memoizes the serialized
 *       size after the first call, so this is the pure encoding cost (what the server pays to store
 *       a batch it parsed, minus the size walk).
 *   <li>{@code buildAndSerialize}: a client's path: build the batch from task ids and payloads
 *       already held as {@code ByteString}s, then {@code toByteArray()} (size computed afresh).
 *   <li>{@code parse}: {@code Batch.parseFrom(bytes)}, which copies every payload.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BatchSerializationBenchmark {
  @Param({"1", "100", "1000"})
  int tasks;

  @Param({"100", "10240"})
  int payloadBytes;

  private Batch batch;
  private byte[] serialized;
  private String sessionId;
  private String[] taskIds;
  private ByteString[] payloads;

  @Setup(Level.Trial)
  public void makeBatch() {
    sessionId = "session-1";
    batch = TaskBatches.of(sessionId, tasks, payloadBytes, 42);
    serialized = batch.toByteArray();
    taskIds = new String[tasks];
    payloads = new ByteString[tasks];
    for (int i = 0; i < tasks; i++) {
      taskIds[i] = batch.getMessages(i).getId();
      payloads[i] = batch.getMessages(i).getPayload();
    }
  }

  @Benchmark
  public byte[] serialize() {
    return batch.toByteArray();
  }

  @Benchmark
  public byte[] buildAndSerialize() {
    Batch.Builder b = Batch.newBuilder().setId("batch-42").setSessionId(sessionId).setPriority(5);
    for (int i = 0; i < taskIds.length; i++) {
      b.addMessages(Message.newBuilder().setId(taskIds[i]).setPayload(payloads[i]));
    }
    return b.build().toByteArray();
  }

  @Benchmark
  public Batch parse() throws InvalidProtocolBufferException {
    return Batch.parseFrom(serialized);
  }
}
