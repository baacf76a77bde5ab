package dev.gridqueue.server.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a blocked worker host may be: a host name or an IP address, by form. */
class HostNamesTest {
  @Test
  void shouldAcceptHostNamesAndAddresses() {
    for (String ok :
        List.of(
            "node-1",
            "a.b.example.org",
            "example.org.",
            "10.0.0.7",
            "::1",
            "fe80::1%eth0",
            "2001:db8::8a2e:370:7334",
            "2001:db8:0:0:0:0:2:1",
            "::ffff:10.0.0.1")) {
      assertThat(HostNames.isHostOrAddress(ok)).as(ok).isTrue();
    }
  }

  @Test
  void shouldRefuseWhatIsNeither() {
    for (String bad :
        List.of(
            "",
            "a b",
            "-x",
            "x-",
            "under_score",
            "a..b",
            "999.1.1.1",
            "1.2.3",
            "::1::2",
            "1:2:3:4:5:6:7:8:9",
            "12345::1",
            "http://x",
            "x".repeat(64))) {
      assertThat(HostNames.isHostOrAddress(bad)).as(bad).isFalse();
    }
  }
}
