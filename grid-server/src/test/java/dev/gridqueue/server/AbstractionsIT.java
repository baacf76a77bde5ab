package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.Codec;
import dev.gridqueue.client.GridAbstractionException;
import dev.gridqueue.client.GridAbstractions;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Work Queue's map, pair and tree reduce through the Java client on a real grid with two worker
 * nodes: a word count (map + tree reduce of the built-in "wordcount" app) and all-pairs similarity
 * matrices ("jaccard", "cosine") equal what the test computes locally, for chunks of one item, of
 * seven, and larger than the input; a failing item, a failing chunk and an app without the
 * operation surface as exceptions naming them.
 */
class AbstractionsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  private static final Codec<Map<String, Long>> COUNTS =
      Codec.of(AbstractionsIT::encodeCounts, AbstractionsIT::decodeCounts);
  private static GridQueueClient client;

  @BeforeAll
  static void startWorkers() {
    for (String id : List.of("a", "b")) {
      grid.closeAfter(
          WorkerNode.start(
              grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
              WorkerOptions.newBuilder()
                  .workerId(id)
                  .slots(2)
                  .apps(Set.of("wordcount", "jaccard", "cosine"))
                  .build()));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 2);
    client = new GridQueueClient(grid.newChannel());
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @Test
  void shouldCountWordsWithMapAndTreeReduceAsLocallyForEveryChunkSize() throws Exception {
    // given: 150 lines of known text
    List<String> lines = text(150, new Random(42));
    Map<String, Long> expected = new TreeMap<>();
    lines.forEach(l -> countLocally(l).forEach((w, n) -> expected.merge(w, n, Long::sum)));

    try (TaskSession session = client.openSession(SessionOptions.forApp("wordcount").build())) {
      GridAbstractions grid = GridAbstractions.over(session).withTimeout(Duration.ofMinutes(2));
      for (int chunkSize : List.of(1, 7, 1000)) {
        // when
        List<Map<String, Long>> perLine = grid.map(lines, Codec.utf8(), COUNTS, chunkSize);
        Map<String, Long> total = grid.treeReduce(perLine, COUNTS, Math.max(2, chunkSize));

        // then: each line's counts in input order, and the total, as counted here
        assertThat(perLine).as("chunk size %d", chunkSize).hasSize(lines.size());
        for (int i = 0; i < lines.size(); i++) {
          assertThat(perLine.get(i)).as("line %d", i).isEqualTo(countLocally(lines.get(i)));
        }
        assertThat(total).as("chunk size %d", chunkSize).isEqualTo(expected);
      }
      assertThat(grid.treeReduce(List.of(Map.of("one", 1L)), COUNTS, 2)).containsEntry("one", 1L);
      assertThat(grid.map(List.<byte[]>of(), 3)).isEmpty();
    }
  }

  @Test
  void shouldComputeAllPairsSimilarityAsLocallyForEveryChunkSize() throws Exception {
    // given: 9 rows and 6 columns of text
    Random random = new Random(7);
    List<String> rows = text(9, random);
    List<String> columns = text(6, random);
    columns.set(0, rows.get(3)); // one identical pair: similarity 1
    columns.set(1, "");

    for (String app : List.of("jaccard", "cosine")) {
      try (TaskSession session = client.openSession(SessionOptions.forApp(app).build())) {
        GridAbstractions grid = GridAbstractions.over(session);
        for (int chunkSize : List.of(1, 7, 1000)) {
          // when
          List<Double> matrix =
              grid.pair(rows, columns, Codec.utf8(), Codec.utf8(), Codec.float64(), chunkSize);

          // then: row-major, each cell as computed here
          assertThat(matrix).hasSize(rows.size() * columns.size());
          for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < columns.size(); j++) {
              double local =
                  app.equals("jaccard")
                      ? jaccard(rows.get(i), columns.get(j))
                      : cosine(rows.get(i), columns.get(j));
              assertThat(matrix.get(i * columns.size() + j))
                  .as("%s (%d, %d) chunk size %d", app, i, j, chunkSize)
                  .isCloseTo(local, within(1e-12));
            }
          }
          assertThat(matrix.get(3 * columns.size())).isCloseTo(1.0, within(1e-12));
        }
      }
    }
  }

  @Test
  void shouldNameTheFailedItemOrChunk() throws Exception {
    try (TaskSession session = client.openSession(SessionOptions.forApp("wordcount").build())) {
      GridAbstractions grid = GridAbstractions.over(session).withTimeout(Duration.ofMinutes(1));
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        items.add(("line " + i).getBytes(StandardCharsets.UTF_8));
      }
      items.set(12, new byte[] {'a', (byte) 0xff, 'b'});

      // when / then: an item that is not UTF-8 fails alone, named with its chunk
      assertThatThrownBy(() -> grid.map(items, 7))
          .isInstanceOfSatisfying(
              GridAbstractionException.class,
              e -> {
                assertThat(e.item()).hasValue(12);
                assertThat(e.chunk()).isEqualTo(1);
                assertThat(e.operation()).isEqualTo("map");
              })
          .hasMessageContaining("map of app wordcount: item 12 in chunk 1 (items 7..13) failed")
          .hasMessageContaining("not UTF-8");

      // a reduce chunk whose input is not word counts
      List<byte[]> counts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        counts.add(("w" + i + "\t1\n").getBytes(StandardCharsets.UTF_8));
      }
      counts.set(8, "no tab here\n".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> grid.treeReduce(counts, 4))
          .isInstanceOfSatisfying(
              GridAbstractionException.class, e -> assertThat(e.chunk()).isEqualTo(2))
          .hasMessageContaining("treeReduce of app wordcount: chunk 2 (items 8..9) of level 0")
          .hasMessageContaining("line 1 is not 'word<TAB>count'");

      // an operation the app does not implement fails the whole chunk
      assertThatThrownBy(() -> grid.pair(items.subList(0, 2), items.subList(0, 2), 3))
          .isInstanceOf(GridAbstractionException.class)
          .hasMessageContaining(
              "pair of app wordcount: chunk 0 (items 0..2) ended as a dead letter")
          .hasMessageContaining("does not implement pair");

      // the session still serves the next call
      assertThat(grid.map(items.subList(0, 3), 2)).hasSize(3);
    }
  }

  @Test
  void shouldRefuseChunkSizesThatCannotWork() {
    try (TaskSession session = client.openSession(SessionOptions.forApp("wordcount").build())) {
      GridAbstractions grid = GridAbstractions.over(session);
      assertThatThrownBy(() -> grid.map(List.of(new byte[1]), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("chunkSize must be at least 1, was 0");
      assertThatThrownBy(() -> grid.treeReduce(List.of(new byte[1]), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("chunkSize must be at least 2, was 1");
      assertThatThrownBy(() -> grid.treeReduce(List.of(), 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("inputs must not be empty");
    }
  }

  /** Lines of words from a small vocabulary, with punctuation, case and non-ASCII letters. */
  private static List<String> text(int lines, Random random) {
    String[] vocabulary = {
      "Grid", "queue", "task", "worker", "café", "naïve", "Σίσυφος", "data", "map", "reduce",
      "pair", "chunk", "x1", "42", "the", "a", "of"
    };
    String[] separators = {" ", ", ", ". ", " -- ", "\t", "; "};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      StringBuilder line = new StringBuilder();
      int words = 3 + random.nextInt(12);
      for (int w = 0; w < words; w++) {
        line.append(vocabulary[random.nextInt(vocabulary.length)]);
        line.append(separators[random.nextInt(separators.length)]);
      }
      out.add(line.toString());
    }
    return out;
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int cp : text.toLowerCase(Locale.ROOT).codePoints().toArray()) {
      if (Character.isLetterOrDigit(cp)) {
        word.appendCodePoint(cp);
      } else if (word.length() > 0) {
        words.add(word.toString());
        word.setLength(0);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  private static Map<String, Long> countLocally(String text) {
    Map<String, Long> counts = new TreeMap<>();
    words(text).forEach(w -> counts.merge(w, 1L, Long::sum));
    return counts;
  }

  private static double jaccard(String a, String b) {
    Set<String> x = new HashSet<>(words(a));
    Set<String> y = new HashSet<>(words(b));
    Set<String> union = new HashSet<>(x);
    union.addAll(y);
    x.retainAll(y);
    return union.isEmpty() ? 1.0 : (double) x.size() / union.size();
  }

  private static double cosine(String a, String b) {
    Map<String, Long> x = countLocally(a);
    Map<String, Long> y = countLocally(b);
    double dot = 0;
    double nx = 0;
    double ny = 0;
    for (Map.Entry<String, Long> e : x.entrySet()) {
      dot += (double) e.getValue() * y.getOrDefault(e.getKey(), 0L);
      nx += (double) e.getValue() * e.getValue();
    }
    for (long n : y.values()) {
      ny += (double) n * n;
    }
    return nx == 0 || ny == 0 ? 0.0 : dot / Math.sqrt(nx * ny);
  }

  /** The "wordcount" app's format: "word TAB count" lines. */
  private static byte[] encodeCounts(Map<String, Long> counts) {
    StringBuilder s = new StringBuilder();
    counts.forEach((w, n) -> s.append(w).append('\t').append(n).append('\n'));
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Long> decodeCounts(byte[] bytes) {
    Map<String, Long> counts = new HashMap<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        int tab = line.indexOf('\t');
        counts.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
      }
    }
    return new TreeMap<>(counts);
  }
}
