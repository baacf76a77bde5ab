package dev.gridqueue.worker.apps;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Words of a text, as the word-count and similarity apps see them: lower-cased runs of letters and
 * digits; and word counts as bytes, one "word TAB count" line each, sorted by word.
 */
final class Words {
  private static final Pattern NOT_A_WORD_CHAR = Pattern.compile("[^\\p{L}\\p{N}]+");

  private Words() {}

  /** The words of UTF-8 text, in order. */
  static List<String> of(byte[] utf8) {
    List<String> words = new ArrayList<>();
    for (String w : NOT_A_WORD_CHAR.split(strictUtf8(utf8).toLowerCase(Locale.ROOT))) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }

  /** How often each word occurs in UTF-8 text. */
  static Map<String, Long> count(byte[] utf8) {
    Map<String, Long> counts = new TreeMap<>();
    for (String w : of(utf8)) {
      counts.merge(w, 1L, Long::sum);
    }
    return counts;
  }

  static byte[] encodeCounts(Map<String, Long> counts) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(counts).forEach((w, n) -> text.append(w).append('\t').append(n).append('\n'));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @throws IllegalArgumentException naming the line that is not "word TAB count"
   */
  static Map<String, Long> decodeCounts(byte[] bytes) {
    Map<String, Long> counts = new TreeMap<>();
    String[] lines = strictUtf8(bytes).split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      int tab = lines[i].indexOf('\t');
      try {
        counts.merge(
            lines[i].substring(0, tab), Long.parseLong(lines[i].substring(tab + 1)), Long::sum);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "word counts line " + (i + 1) + " is not 'word<TAB>count': " + abbreviate(lines[i]));
      }
    }
    return counts;
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("text is not UTF-8: " + e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
