package dev.gridqueue.benchmarks.load;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The figures of one load-driver run, printed as Markdown tables. */
final class Report {
  private final List<String> lines = new ArrayList<>();
  private final List<String> throughput = new ArrayList<>();
  private final List<String> latency = new ArrayList<>();
  private final List<String> payload = new ArrayList<>();
  private final List<String> scaling = new ArrayList<>();
  private final List<String> memory = new ArrayList<>();
  private final List<String> servers = new ArrayList<>();

  void header(String target) {
    Runtime rt = Runtime.getRuntime();
    lines.add(
        "# gridqueue bench, "
            + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16));
    lines.add("");
    lines.add(
        String.format(
            "Machine: %d cores, %s %s, Java %s, max heap %d MiB. Target: %s. No-op tasks (app echo), 100 B payloads unless noted.",
            rt.availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            System.getProperty("java.version"),
            rt.maxMemory() >> 20,
            target == null ? "embedded grid (1 node, local worker) in this JVM" : target));
  }

  void throughput(int batch, int payloadBytes, double grid, double raw) {
    throughput.add(
        String.format("| %,d | %,.0f | %,.0f | %.0f%% |", batch, grid, raw, 100 * grid / raw));
  }

  void latency(String what, long[] sorted) {
    latency.add(
        String.format(
            "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %,d |",
            what,
            LatencyProbe.percentileMicros(sorted, 50),
            LatencyProbe.percentileMicros(sorted, 90),
            LatencyProbe.percentileMicros(sorted, 99),
            sorted[sorted.length - 1] / 1e3,
            sorted.length));
  }

  void payload(int bytes, int batch, double grid, double raw) {
    payload.add(
        String.format(
            "| %s | %d | %,.0f | %.1f | %,.0f | %.0f%% |",
            size(bytes), batch, grid, grid * bytes / (1 << 20), raw, 100 * grid / raw));
  }

  void scaling(int workers, double rate) {
    scaling.add(String.format("| %d | %,.0f |", workers, rate));
  }

  void memory(QueuedMemoryProbe.Result r) {
    memory.add(
        String.format(
            "| %,d | %d | %.1f | %.0f | %.0f | %.1f |",
            r.tasks(),
            r.batchSize(),
            r.heapBytes() / 1048576.0,
            r.heapPerTask(),
            r.offHeapPerTask(),
            r.submitSeconds()));
  }

  void servers(int servers, int batch, double rate, double ofOne, long[] sortedLatency) {
    this.servers.add(
        String.format(
            "| %d | %,d | %,.0f | %.0f%% | %,.0f | %,.0f |",
            servers,
            batch,
            rate,
            100 * ofOne,
            LatencyProbe.percentileMicros(sortedLatency, 50),
            LatencyProbe.percentileMicros(sortedLatency, 99)));
  }

  void print(PrintStream out) {
    lines.forEach(out::println);
    table(
        out,
        "Throughput (tasks/s, median of runs)",
        "| batch size | grid | raw gRPC baseline | grid / baseline |\n| ---: | ---: | ---: | ---: |",
        throughput);
    table(
        out,
        "Round trip of one task at a time (µs)",
        "| path | p50 | p90 | p99 | max | samples |\n| --- | ---: | ---: | ---: | ---: | ---: |",
        latency);
    table(
        out,
        "Payload sizes (tasks/s)",
        "| payload | batch | grid | grid MiB/s | baseline | grid / baseline |\n| ---: | ---: | ---: | ---: | ---: | ---: |",
        payload);
    table(
        out,
        "Scaling with worker processes (batches of 100, grid node has no local worker)",
        "| worker JVMs (2 slots each) | tasks/s |\n| ---: | ---: |",
        scaling);
    table(
        out,
        "Grids of several server processes (backups 1; worker processes; clients spread over the servers)",
        "| servers | batch | tasks/s | of 1 server | batch-1 round trip p50 µs | p99 µs |\n| ---: | ---: | ---: | ---: | ---: | ---: |",
        servers);
    table(
        out,
        "Memory of queued tasks (grid with no worker)",
        "| tasks | batch | heap MiB | heap B/task | off-heap B/task | submit s |\n| ---: | ---: | ---: | ---: | ---: | ---: |",
        memory);
  }

  private static void table(PrintStream out, String title, String head, List<String> rows) {
    if (rows.isEmpty()) {
      return;
    }
    out.println();
    out.println("## " + title);
    out.println();
    out.println(head);
    rows.forEach(out::println);
  }

  private static String size(int bytes) {
    return bytes >= 1 << 20
        ? (bytes >> 20) + " MiB"
        : bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " B";
  }
}
