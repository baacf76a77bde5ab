package dev.gridqueue.server;

import static dev.gridqueue.server.InputValidationIT.batch;
import static dev.gridqueue.server.InputValidationIT.session;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's last bound: with the session and server quotas set above what its memory holds, a
 * client sending work no worker takes is refused once the data region is 90% full (before, the
 * region filled and Ignite's default failure handler halted the JVM), and once the session is
 * closed the server serves again.
 */
class DataRegionFullIT {
  @RegisterExtension
  static EmbeddedGrid grid =
      new EmbeddedGrid()
          .dataRegionBytes(64L << 20)
          .configure(o -> o.queuedBytesPerSession(1L << 40).queuedBytesPerServer(1L << 40));

  /** The expected refusal. */
  static final String REFUSAL = "memory for the grid is nearly full";

  @Test
  void shouldRefuseWritesWhenTheDataRegionIsFullAndKeepServing() throws Exception {
    fillAndRecover(grid, REFUSAL);
  }

  /** Fills the grid's region through one session; expects {@code refusal}; closes; serves. */
  static void fillAndRecover(EmbeddedGrid grid, String refusal) throws Exception {
    ManagedChannel channel = grid.newChannel();
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(channel);
    QueueGrpc.QueueStub queueAsync = QueueGrpc.newStub(channel);
    // given a session whose work no worker takes, and quotas that do not stop it
    Session session = queue.createSession(session("served-by-nobody"));
    RawStreamCall call = new RawStreamCall(queueAsync);

    // when it sends more than the 64 MiB region holds
    for (int i = 0; i < 40; i++) {
      call.requests.onNext(
          Batch.newBuilder()
              .setSessionId(session.getId())
              .addMessages(
                  Message.newBuilder()
                      .setId("t" + i)
                      .setPayload(ByteString.copyFrom(new byte[4 << 20])))
              .build());
    }

    // then the stream ends with RESOURCE_EXHAUSTED (not a halted server)
    Status status = call.awaitEnd(Duration.ofSeconds(60));
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains(refusal);
    // and once the session's batches are gone, the server serves again
    queue.closeSession(session);
    Session fresh = queue.createSession(session("echo"));
    RawStreamCall alive = new RawStreamCall(queueAsync);
    alive.requests.onNext(batch(fresh.getId(), "alive"));
    alive.requests.onCompleted();
    assertThat(alive.awaitEnd(Duration.ofSeconds(60)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(alive.resultCount()).isEqualTo(1);
  }
}
