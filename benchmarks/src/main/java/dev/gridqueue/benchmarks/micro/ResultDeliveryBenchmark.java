package dev.gridqueue.benchmarks.micro;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.worker.apps.EchoHandler;
import dev.gridqueue.worker.internal.BatchRunner;
import dev.gridqueue.worker.internal.HandlerRegistry;
import java.util.Set;
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
 * CPU cost of a batch's result path outside the grid, in batches per second (tasks per second =
 * score × tasks).
 *
 * <ul>
 *   <li>{@code serverDeliver}: what {@code ClientStreamHandler.deliver} does with a DONE {@link
 *       StoredBatch}: {@code Batch.parseFrom(stored.payload())}, then the re-serialization gRPC's
 *       protobuf marshaller performs when the message is sent ({@code toByteArray()} here).
 *   <li>{@code workerRun}: {@link BatchRunner} running a task batch of the {@code echo} app: parse,
 *       one handler call per task, build and serialize the result batch.
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
public class ResultDeliveryBenchmark {
  private static final String SESSION = "session-1";

  @Param({"1", "100", "1000"})
  int tasks;

  @Param({"100", "10240"})
  int payloadBytes;

  private StoredBatch done;
  private byte[] taskBatch;
  private BatchRunner runner;
  private String appId;

  @Setup(Level.Trial)
  public void makeBatches() {
    Batch taskMessages = TaskBatches.of(SESSION, tasks, payloadBytes, 7);
    taskBatch = taskMessages.toByteArray();
    done =
        StoredBatch.queued(SESSION, 1, 5, taskBatch)
            .done(1, TaskBatches.resultsOf(taskMessages).toByteArray(), System.currentTimeMillis());
    if (done.state() != BatchState.DONE) {
      throw new IllegalStateException("expected a DONE batch, got " + done.state());
    }
    HandlerRegistry handlers = HandlerRegistry.load(Set.of(), getClass().getClassLoader());
    appId = EchoHandler.APP_ID;
    if (handlers.forApp(appId).isEmpty()) {
      throw new IllegalStateException(
          "no echo handler on the classpath; found " + handlers.appIds());
    }
    runner = new BatchRunner(handlers);
  }

  @Benchmark
  public byte[] serverDeliver() throws InvalidProtocolBufferException {
    Batch results = Batch.parseFrom(done.payload());
    return results.toByteArray();
  }

  @Benchmark
  public byte[] workerRun() throws InvalidProtocolBufferException {
    return runner.run(SESSION, appId, taskBatch, 1);
  }
}
