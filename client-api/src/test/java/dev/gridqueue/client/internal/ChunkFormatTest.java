package dev.gridqueue.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented bytes, the same ones worker-api's ChunkHandlerTest pins for the worker's side. */
class ChunkFormatTest {
  @Test
  void shouldWriteTheDocumentedChunk() {
    byte[] chunk =
        ChunkFormat.chunk(ChunkFormat.MAP, List.of("hi".getBytes(StandardCharsets.UTF_8)));

    assertThat(chunk).containsExactly('G', 'Q', 'C', '1', 'M', 0, 0, 0, 1, 0, 0, 0, 2, 'h', 'i');
    assertThat(ChunkFormat.size(List.of("hi".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(chunk.length);
  }

  @Test
  void shouldReadTheDocumentedResultAndRefuseOthers() {
    byte[] result = {'G', 'Q', 'R', '1', 0, 0, 0, 2, 0, 0, 0, 0, 1, 'A', 1, 0, 0, 0, 1, 'e'};

    List<ChunkFormat.Entry> entries = ChunkFormat.result(result);

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).output()).containsExactly('A');
    assertThat(entries.get(1).error()).isEqualTo("e");
    assertThatThrownBy(() -> ChunkFormat.result("hello".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a chunk result");
    assertThatThrownBy(() -> ChunkFormat.result(java.util.Arrays.copyOf(result, 15)))
        .hasMessage("chunk result ends before its last entry");
  }
}
