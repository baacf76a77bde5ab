package dev.gridqueue.server.internal.ops;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gridqueue.proto.v1.Stats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The live dashboard: a static page ({@code /}) that polls {@code /api/grid} every second for the
 * scheduler's figures (sessions, workers and their bindings, dead letters) and the recent history
 * of queue depth and tasks done, which this node keeps for {@link #HISTORY_POINTS} polls.
 */
public final class DashboardEndpoint implements AutoCloseable {
  /** Points of history kept (one per poll of the scheduler: five minutes at one a second). */
  static final int HISTORY_POINTS = 300;

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().includingDefaultValueFields().omittingInsignificantWhitespace();

  private final byte[] page;
  private final Deque<String> history = new ArrayDeque<>();
  private volatile Stats latest;
  private volatile boolean schedulerUp;
  private HttpEndpoint http;

  public DashboardEndpoint() {
    try (InputStream in = DashboardEndpoint.class.getResourceAsStream("dashboard.html")) {
      this.page = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves the page and its JSON on {@code host:port}; returns the bound port. */
  public int serve(String host, int port) {
    http =
        HttpEndpoint.bind("dashboard", host, port)
            .route("/api/grid", e -> HttpEndpoint.send(e, 200, "application/json", json()))
            .route(
                "/",
                e -> {
                  if (e.getRequestURI().getPath().equals("/")) {
                    HttpEndpoint.send(e, 200, "text/html; charset=utf-8", page);
                  } else {
                    HttpEndpoint.send(e, 404, "text/plain", "not found");
                  }
                })
            .start();
    return http.port();
  }

  /** Takes the scheduler's latest answer (see {@link GridFiguresPoller#onFigures}). */
  public void onFigures(Optional<Stats> figures) {
    schedulerUp = figures.isPresent();
    figures.ifPresent(
        s -> {
          latest = s;
          String point =
              String.format(
                  "{\"t\":%d,\"waiting\":%d,\"running\":%d,\"done\":%d,\"deadLettered\":%d}",
                  System.currentTimeMillis(),
                  s.getTasksWaiting(),
                  s.getTasksRunning(),
                  s.getTasksDone() + s.getTasksFailed(),
                  s.getTasksDeadLettered());
          synchronized (history) {
            history.addLast(point);
            while (history.size() > HISTORY_POINTS) {
              history.removeFirst();
            }
          }
        });
  }

  private String json() throws InvalidProtocolBufferException {
    String points;
    synchronized (history) {
      points = String.join(",", history);
    }
    Stats s = latest;
    return "{\"schedulerUp\":"
        + schedulerUp
        + ",\"stats\":"
        + (s == null ? "null" : JSON.print(s))
        + ",\"history\":["
        + points
        + "]}";
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
  }
}
