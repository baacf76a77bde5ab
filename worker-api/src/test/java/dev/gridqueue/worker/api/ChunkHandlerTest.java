package dev.gridqueue.worker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkHandlerTest {
  private static final TaskContext CONTEXT = new TaskContext("s", "t", 1);

  /** Map: upper case, failing on "bad"; reduce: concatenation; no pair. */
  private static final class Upper extends ChunkHandler {
    @Override
    public String appId() {
      return "upper";
    }

    @Override
    protected byte[] map(TaskContext context, byte[] item) {
      String s = text(item);
      if (s.equals("bad")) {
        throw new IllegalStateException("bad item");
      }
      return bytes(s.toUpperCase());
    }

    @Override
    protected byte[] reduce(TaskContext context, List<byte[]> items) {
      StringBuilder all = new StringBuilder();
      items.forEach(i -> all.append(text(i)));
      return bytes(all.toString());
    }
  }

  @Test
  void shouldMapEachItemAndLetAFailedItemFailAlone() throws Exception {
    // given
    byte[] chunk =
        Chunks.encodeChunk(Chunks.Kind.MAP, List.of(bytes("a"), bytes("bad"), bytes("")));

    // when
    List<Chunks.Entry> entries = Chunks.decodeResult(new Upper().handle(CONTEXT, chunk));

    // then
    assertThat(entries).hasSize(3);
    assertThat(text(entries.get(0).output())).isEqualTo("A");
    assertThat(entries.get(1).error()).isEqualTo("java.lang.IllegalStateException: bad item");
    assertThat(entries.get(2).output()).isEmpty();
  }

  @Test
  void shouldReduceAChunkToOneEntry() throws Exception {
    byte[] chunk = Chunks.encodeChunk(Chunks.Kind.REDUCE, List.of(bytes("x"), bytes("y")));

    List<Chunks.Entry> entries = Chunks.decodeResult(new Upper().handle(CONTEXT, chunk));

    assertThat(entries).hasSize(1);
    assertThat(text(entries.get(0).output())).isEqualTo("xy");
  }

  @Test
  void shouldFailTheWholeTaskForAnOperationTheAppLacksOrAPayloadThatIsNoChunk() {
    byte[] pairs = Chunks.encodeChunk(Chunks.Kind.PAIR, List.of(bytes("a"), bytes("b")));
    assertThatThrownBy(() -> new Upper().handle(CONTEXT, pairs))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("app upper does not implement pair");
    assertThatThrownBy(() -> new Upper().handle(CONTEXT, bytes("hello")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a chunk");
    byte[] truncated = Chunks.encodeChunk(Chunks.Kind.MAP, List.of(bytes("abc")));
    assertThatThrownBy(
            () ->
                new Upper()
                    .handle(CONTEXT, java.util.Arrays.copyOf(truncated, truncated.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("chunk ends before its last item");
  }

  @Test
  void shouldWriteTheDocumentedBytes() {
    // "GQC1", 'M', n = 1, length 2, "hi"
    assertThat(Chunks.encodeChunk(Chunks.Kind.MAP, List.of(bytes("hi"))))
        .containsExactly('G', 'Q', 'C', '1', 'M', 0, 0, 0, 1, 0, 0, 0, 2, 'h', 'i');
    // "GQR1", n = 2, ok "A", failed "e"
    assertThat(Chunks.encodeResult(List.of(Chunks.Entry.ok(bytes("A")), Chunks.Entry.failed("e"))))
        .containsExactly('G', 'Q', 'R', '1', 0, 0, 0, 2, 0, 0, 0, 0, 1, 'A', 1, 0, 0, 0, 1, 'e');
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
