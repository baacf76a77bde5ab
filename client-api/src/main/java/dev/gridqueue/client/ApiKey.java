package dev.gridqueue.client;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The API key a grid may require of every call, sent as {@code api_key} metadata (ALPCRUN.CH's
 * name). {@link GridQueueClient.Builder#apiKey} sends it on the channels the client creates; for a
 * channel of your own, {@code new GridQueueClient(ApiKey.attach(channel, key))}.
 */
public final class ApiKey {
  /** The metadata key. */
  public static final String METADATA_KEY = "api_key";

  /** The environment variable the command line reads a key from. */
  public static final String ENVIRONMENT_VARIABLE = "GRIDQUEUE_API_KEY";

  private ApiKey() {}

  /** An interceptor adding {@code key} to every call. */
  public static ClientInterceptor interceptor(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("an API key must not be empty");
    }
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of(METADATA_KEY, Metadata.ASCII_STRING_MARSHALLER), key);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  /** {@code channel}, with {@code key} added to every call. */
  public static Channel attach(Channel channel, String key) {
    return ClientInterceptors.intercept(channel, interceptor(key));
  }

  /** The key in a file: its first line, trimmed. */
  public static String readFile(Path file) {
    try {
      String key =
          Files.readString(file, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("API key file " + file + " is empty");
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read API key file " + file, e);
    }
  }
}
