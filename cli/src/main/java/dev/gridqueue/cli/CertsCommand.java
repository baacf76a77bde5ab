package dev.gridqueue.cli;

import dev.gridqueue.cli.certs.DevCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gridqueue certs DIR}: a development CA and the certificates a secured grid needs. */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description =
        "Write a development CA and certificates for gRPC TLS (server, client) and Ignite SSL (node key store, trust store) into DIR.")
final class CertsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Directory to write (new or empty).")
  Path dir;

  @Option(
      names = "--san",
      split = ",",
      paramLabel = "NAME",
      description =
          "Host names or IP addresses the server certificate is valid for, besides localhost and 127.0.0.1.")
  List<String> names = List.of();

  @Option(names = "--days", description = "Validity in days (default: ${DEFAULT-VALUE}).")
  int days = 365;

  @Override
  public Integer call() throws Exception {
    DevCertificates.write(dir, names, Duration.ofDays(days));
    System.out.printf(
        "wrote %s to %s (keep ca.key, *.key, *.p12 and store-password private)%n",
        String.join(", ", DevCertificates.FILES), dir);
    return 0;
  }
}
