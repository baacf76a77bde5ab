package dev.gridqueue.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stats log read back (README, "Transactions and stats logs"): its rows by column name. Lines
 * starting with {@code #} are comments; {@code # timestamp name...} names the columns of the rows
 * after it (a scheduler that moved to another node starts its stretch with a header of its own).
 */
final class StatsLogFile {
  /** One row: the time (microseconds since the epoch) and the named figures. */
  record Row(long micros, Map<String, Long> figures) {
    long get(String column) {
      return figures.getOrDefault(column, 0L);
    }
  }

  private final List<Row> rows;

  private StatsLogFile(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  static StatsLogFile read(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    String[] columns = null;
    int lineNumber = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNumber++;
      String trimmed = line.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.startsWith("#")) {
        String[] words = trimmed.substring(1).trim().split("\\s+");
        if (words.length > 1 && words[0].equals("timestamp")) {
          columns = words;
        }
        continue;
      }
      if (columns == null) {
        throw new IOException(
            file + " line " + lineNumber + ": data before the '# timestamp' header");
      }
      String[] values = trimmed.split("\\s+");
      if (values.length != columns.length) {
        continue; // a line cut short (the server died writing it)
      }
      Map<String, Long> figures = new HashMap<>();
      try {
        for (int i = 1; i < values.length; i++) {
          figures.put(columns[i], Long.parseLong(values[i]));
        }
        rows.add(new Row(Long.parseLong(values[0]), figures));
      } catch (NumberFormatException e) {
        throw new IOException(file + " line " + lineNumber + ": not a number: " + e.getMessage());
      }
    }
    return new StatsLogFile(rows);
  }

  List<Row> rows() {
    return rows;
  }
}
