package com.example.client;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/** README's 30-second example: 10,000 tasks of the built-in "echo" app, each result printed. */
public final class EchoClient {
  public static void main(String[] args) throws Exception {
    String target = args.length > 0 ? args[0] : "localhost:1337";
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(target)
            .usePlaintext()
            .directExecutor() // callbacks never block: no thread hop
            .build();
    GridQueueClient client = new GridQueueClient(channel); // thin client: gRPC only
    int ended = 0;
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("echo").priority(7).build())) {
      for (int i = 0; i < 10_000; i++) {
        session.submit("task-" + i, ("payload-" + i).getBytes()); // sent in batches of 100
      }
      session.finishSending(); // server ends the stream after the last result
      for (TaskResult r; (r = session.take()) != null; ended++) {
        System.out.println(
            r.taskId() + " -> " + (r.succeeded() ? new String(r.payload()) : r.error()));
      }
    } // close() closes the session
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    System.out.println(ended + " tasks ended");
  }
}
