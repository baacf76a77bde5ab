package dev.gridqueue.cli;

import dev.gridqueue.server.GridServerOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A grid node's gRPC address as a user writes it: {@code host:port}, {@code host} alone (the
 * default port), {@code [v6]:port}, {@code [v6]} or a bare IPv6 address.
 */
record ServerAddress(String host, int port) {
  static ServerAddress parse(String text) {
    String s = text == null ? "" : text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty address: expected HOST:PORT, e.g. localhost:1337");
    }
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "'"
                + s
                + "' opens an IPv6 address with [ but never closes it: expected [ADDRESS]:PORT");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw new IllegalArgumentException(
            "'" + s + "': expected [ADDRESS]:PORT, found '" + rest + "' after the ]");
      }
      port = rest.isEmpty() ? null : rest.substring(1);
    } else if (s.indexOf(':') != s.lastIndexOf(':')) {
      host = s; // several colons and no brackets: an IPv6 address without a port
      port = null;
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("'" + s + "' has no host: expected HOST:PORT");
    }
    return new ServerAddress(
        host, port == null ? GridServerOptions.DEFAULT_GRPC_PORT : port(s, port));
  }

  private static int port(String text, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "'" + text + "': port '" + port + "' is not a number between 1 and 65535");
  }

  /** The gRPC target ({@code host:port}, IPv6 in brackets). */
  String target() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return target();
  }

  /** For picocli options: a bad address is a usage error naming the option. */
  static final class Converter implements ITypeConverter<ServerAddress> {
    @Override
    public ServerAddress convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
