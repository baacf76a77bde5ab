package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Addresses and options as users type them, parsed by the real command line in-process. */
class CommandLineParsingTest {
  @Test
  void shouldParseHostPortIpv6AndHostAlone() {
    assertThat(ServerAddress.parse("node-a:1338")).isEqualTo(new ServerAddress("node-a", 1338));
    assertThat(ServerAddress.parse("localhost")).isEqualTo(new ServerAddress("localhost", 1337));
    assertThat(ServerAddress.parse("[::1]:1339")).isEqualTo(new ServerAddress("::1", 1339));
    assertThat(ServerAddress.parse("[::1]")).isEqualTo(new ServerAddress("::1", 1337));
    assertThat(ServerAddress.parse("fe80::1")).isEqualTo(new ServerAddress("fe80::1", 1337));
    assertThat(new ServerAddress("::1", 1339).target()).isEqualTo("[::1]:1339");
  }

  @Test
  void shouldRefuseBadAddressesNamingWhatIsWrong() {
    assertThatThrownBy(() -> ServerAddress.parse("localhost:http"))
        .hasMessageContaining("port 'http' is not a number between 1 and 65535");
    assertThatThrownBy(() -> ServerAddress.parse("localhost:70000"))
        .hasMessageContaining("port '70000'");
    assertThatThrownBy(() -> ServerAddress.parse("[::1:1337"))
        .hasMessageContaining("never closes it");
    assertThatThrownBy(() -> ServerAddress.parse(":1337")).hasMessageContaining("has no host");
  }

  @Test
  void shouldTakeAnIpv6ServerOptionOnStatusAndSessions() {
    StatusCommand status = new StatusCommand();
    new CommandLine(status).parseArgs("--server", "[::1]:1337,localhost", "--json");
    assertThat(status.connection.servers)
        .containsExactly(new ServerAddress("::1", 1337), new ServerAddress("localhost", 1337));
    assertThat(status.json).isTrue();

    SessionsCommand.CancelTasks cancel = new SessionsCommand.CancelTasks();
    new CommandLine(cancel).parseArgs("s-1", "--tag", "gpu", "--server", "h");
    assertThat(cancel.sessionId).isEqualTo("s-1");
    assertThat(cancel.tags).containsExactly("gpu");
  }

  @Test
  void shouldExitWithTheUsageCodeAndOneLineForABadAddress() {
    StringWriter err = new StringWriter();

    int exit =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .execute("status", "--server", "localhost:notaport");

    assertThat(exit).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString().lines())
        .containsExactly(
            "Invalid value for option '--server' (HOST[:PORT]): 'localhost:notaport': port"
                + " 'notaport' is not a number between 1 and 65535",
            "Try 'gridqueue status --help' for the options.");
  }

  @Test
  void shouldAcceptLogLevelOnEveryCommandAndRefuseAnUnknownLevel() {
    assertThat(LogLevel.apply(new String[] {"status", "--log-level", "nope"}))
        .contains("--log-level must be one of ERROR, WARN, INFO, DEBUG, TRACE; got 'nope'");
    CommandLine.ParseResult parsed =
        Main.commandLine().parseArgs("sessions", "list", "--log-level", "WARN");
    String level = parsed.subcommand().subcommand().matchedOption("--log-level").getValue();
    assertThat(level).isEqualTo("WARN");
  }

  @Test
  void shouldSpareTheGridNodesOnlyWhenChaosIsToldSo() {
    ChaosCommand byDefault = new ChaosCommand();
    new CommandLine(byDefault).parseArgs("--tasks", "10");
    assertThat(byDefault.killsAGridNode()).isTrue();

    ChaosCommand spared = new ChaosCommand();
    new CommandLine(spared).parseArgs("--no-kill-grid-node");
    assertThat(spared.killsAGridNode()).isFalse();

    ChaosCommand noKills = new ChaosCommand();
    new CommandLine(noKills).parseArgs("--no-kills");
    assertThat(noKills.killsAGridNode()).isFalse();
  }
}
