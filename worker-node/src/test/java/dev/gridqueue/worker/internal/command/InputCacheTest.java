package dev.gridqueue.worker.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputCacheTest {
  @TempDir Path dir;

  private final List<String> fetched = new ArrayList<>();

  private InputCache cache(long maxBytes) {
    return new InputCache(
        dir.resolve("cache"),
        maxBytes,
        (session, sha, out) -> {
          fetched.add(sha);
          out.write(new byte[sha.startsWith("big") ? 3000 : 1000]);
        },
        "w");
  }

  @Test
  void shouldFetchACacheableFileOnceAndEvictTheLeastRecentlyUsed() throws Exception {
    // given: room for two files of 1000 bytes
    InputCache cache = cache(2500);
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    String c = "c".repeat(64);

    // when
    cache.place("s", a, true, dir.resolve("t1/in"));
    cache.place("s", a, true, dir.resolve("t2/in"));
    cache.place("s", b, true, dir.resolve("t3/in"));
    cache.place("s", a, true, dir.resolve("t4/in")); // a is now the most recently used
    cache.place("s", c, true, dir.resolve("t5/in")); // evicts b
    cache.place("s", a, true, dir.resolve("t6/in"));
    cache.place("s", b, true, dir.resolve("t7/in"));

    // then
    assertThat(fetched).containsExactly(a, b, c, b);
    assertThat(cache.fetches()).isEqualTo(4);
    assertThat(Files.size(dir.resolve("t6/in"))).isEqualTo(1000);
    long held;
    try (var files = Files.list(dir.resolve("cache"))) {
      held = files.count();
    }
    assertThat(held).isEqualTo(2);
  }

  @Test
  void shouldNotKeepFilesBiggerThanTheCacheOrNotCacheable() throws Exception {
    InputCache cache = cache(2500);
    String big = "big" + "0".repeat(61);
    String d = "d".repeat(64);

    cache.place("s", big, true, dir.resolve("t1/in"));
    cache.place("s", big, true, dir.resolve("t2/in"));
    cache.place("s", d, false, dir.resolve("t3/in"));
    cache.place("s", d, false, dir.resolve("t4/in"));

    assertThat(fetched).containsExactly(big, big, d, d);
    assertThat(Files.size(dir.resolve("t2/in"))).isEqualTo(3000);
    try (var files = Files.list(dir.resolve("cache"))) {
      assertThat(files).isEmpty();
    }
  }
}
