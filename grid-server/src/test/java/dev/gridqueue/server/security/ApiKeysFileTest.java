package dev.gridqueue.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ApiKeysFileTest {
  @Test
  void shouldKeepTheKeysInForceWhenTheChangedFileIsMalformedAndTakeTheNextGoodOne()
      throws Exception {
    // given
    Path file = Files.createTempFile(Path.of("target"), "api-keys", ".txt");
    Files.writeString(file, "client k-alice alice\n");
    ApiKeysFile keys = ApiKeysFile.load(file);
    assertThat(keys.reloadIfChanged()).isFalse(); // unchanged

    // when: a malformed file
    Files.writeString(file, "client k-alice alice\nclient k-bob\n");

    // then: refused, alice's key still works
    assertThat(keys.reloadIfChanged()).isFalse();
    assertThat(keys.get().lookup("k-alice")).isPresent();
    assertThat(keys.get().lookup("k-bob")).isEmpty();

    // when: a good one, alice revoked and bob added
    Files.writeString(file, "client k-bob bob\n");

    // then
    assertThat(keys.reloadIfChanged()).isTrue();
    assertThat(keys.get().lookup("k-alice")).isEmpty();
    assertThat(keys.get().lookup("k-bob")).contains(new Caller("bob", Caller.Role.CLIENT));
  }
}
