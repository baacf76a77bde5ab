package dev.gridqueue.server.internal.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gridqueue.server.GridServerStartException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** A small HTTP server on one port (the JDK's), for the metrics endpoint and the dashboard. */
final class HttpEndpoint implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Binds {@code host:port} (0: a free port); {@code what} names it in the error. */
  static HttpEndpoint bind(String what, String host, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      server.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "gridqueue-" + what);
                t.setDaemon(true);
                return t;
              }));
      return new HttpEndpoint(server);
    } catch (BindException e) {
      throw new GridServerStartException(
          what + " port " + port + " on " + host + " is taken (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + what + " on port " + port, e);
    }
  }

  interface Page {
    void serve(HttpExchange exchange) throws IOException;
  }

  HttpEndpoint route(String path, Page page) {
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            page.serve(exchange);
          }
        });
    return this;
  }

  HttpEndpoint start() {
    server.start();
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
