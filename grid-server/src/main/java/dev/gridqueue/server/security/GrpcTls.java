package dev.gridqueue.server.security;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS of a grid server's gRPC port: its certificate chain and private key (PEM, the key in PKCS#8),
 * and optionally the CA whose certificates clients must present (mutual TLS).
 */
public record GrpcTls(Path certificateChain, Path privateKey, Optional<Path> clientCa) {
  public GrpcTls {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(clientCa, "clientCa");
  }

  /** The server's credentials; with a client CA, clients without a certificate it signed fail. */
  public ServerCredentials credentials() {
    try {
      TlsServerCredentials.Builder tls =
          TlsServerCredentials.newBuilder()
              .keyManager(certificateChain.toFile(), privateKey.toFile());
      if (clientCa.isPresent()) {
        tls.trustManager(clientCa.get().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return tls.build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the TLS certificate " + certificateChain + " or key " + privateKey, e);
    }
  }
}
