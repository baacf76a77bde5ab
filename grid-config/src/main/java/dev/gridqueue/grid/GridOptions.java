package dev.gridqueue.grid;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How one Ignite node of a gridqueue grid is configured: its role (server or client), how it finds
 * the rest of the grid, and where it keeps its files. Immutable; build with {@link #newBuilder()},
 * which rejects bad values at once.
 */
public final class GridOptions {
  /** Discovery port a server listens on unless told otherwise (Ignite's default). */
  public static final int DEFAULT_DISCOVERY_PORT = 47500;

  /** Communication port a node listens on unless told otherwise (Ignite's default). */
  public static final int DEFAULT_COMMUNICATION_PORT = 47100;

  private final String instanceName;
  private final boolean clientMode;
  private final String localHost;
  private final int discoveryPort;
  private final int discoveryPortRange;
  private final int communicationPort;
  private final int communicationPortRange;
  private final List<String> seedAddresses;
  private final KubernetesDiscovery kubernetes;
  private final Path workDirectory;
  private final int backups;
  private final Duration failureDetectionTimeout;
  private final long dataRegionMaxBytes;
  private final int publicThreadPoolSize;
  private final Map<String, Object> userAttributes;
  private final NodeSsl ssl;
  private final Path igniteConfig;

  private GridOptions(Builder b) {
    this.ssl = b.ssl;
    this.igniteConfig = b.igniteConfig;
    this.instanceName = b.instanceName != null ? b.instanceName : "gridqueue-" + UUID.randomUUID();
    this.clientMode = b.clientMode;
    this.localHost = b.localHost;
    this.discoveryPort = b.discoveryPort;
    this.discoveryPortRange = b.discoveryPortRange;
    this.communicationPort = b.communicationPort;
    this.communicationPortRange = b.communicationPortRange;
    this.seedAddresses =
        b.seedAddresses != null
            ? List.copyOf(b.seedAddresses)
            : List.of(
                b.localHost
                    + ":"
                    + b.discoveryPort
                    + ".."
                    + (b.discoveryPort + b.discoveryPortRange));
    this.kubernetes = b.kubernetes;
    this.workDirectory = b.workDirectory;
    this.backups = b.backups;
    this.failureDetectionTimeout = b.failureDetectionTimeout;
    this.dataRegionMaxBytes = b.dataRegionMaxBytes;
    this.publicThreadPoolSize = b.publicThreadPoolSize;
    this.userAttributes = Map.copyOf(b.userAttributes);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.instanceName = instanceName;
    b.clientMode = clientMode;
    b.localHost = localHost;
    b.discoveryPort = discoveryPort;
    b.discoveryPortRange = discoveryPortRange;
    b.communicationPort = communicationPort;
    b.communicationPortRange = communicationPortRange;
    b.seedAddresses = seedAddresses;
    b.kubernetes = kubernetes;
    b.workDirectory = workDirectory;
    b.backups = backups;
    b.failureDetectionTimeout = failureDetectionTimeout;
    b.dataRegionMaxBytes = dataRegionMaxBytes;
    b.publicThreadPoolSize = publicThreadPoolSize;
    b.userAttributes = userAttributes;
    b.ssl = ssl;
    b.igniteConfig = igniteConfig;
    return b;
  }

  /**
   * An Ignite Spring XML node configuration to start from, or null: {@link IgniteConfigFactory}
   * says which of its settings gridqueue overrides.
   */
  public Path igniteConfig() {
    return igniteConfig;
  }

  /** SSL between grid nodes, or null for plaintext (see {@link NodeSsl}). */
  public NodeSsl ssl() {
    return ssl;
  }

  public String instanceName() {
    return instanceName;
  }

  public boolean clientMode() {
    return clientMode;
  }

  public String localHost() {
    return localHost;
  }

  public int discoveryPort() {
    return discoveryPort;
  }

  public int discoveryPortRange() {
    return discoveryPortRange;
  }

  public int communicationPort() {
    return communicationPort;
  }

  public int communicationPortRange() {
    return communicationPortRange;
  }

  /** Discovery addresses ("host:port" or "host:from..to") of nodes to join. */
  public List<String> seedAddresses() {
    return seedAddresses;
  }

  /** Kubernetes discovery instead of static addresses, or null. */
  public KubernetesDiscovery kubernetes() {
    return kubernetes;
  }

  public Path workDirectory() {
    return workDirectory;
  }

  public int backups() {
    return backups;
  }

  public Duration failureDetectionTimeout() {
    return failureDetectionTimeout;
  }

  public long dataRegionMaxBytes() {
    return dataRegionMaxBytes;
  }

  /** Threads of Ignite's public pool: on a worker node, the batches it runs at once. */
  public int publicThreadPoolSize() {
    return publicThreadPoolSize;
  }

  /** Node attributes other nodes see (a worker advertises its apps and slots this way). */
  public Map<String, Object> userAttributes() {
    return userAttributes;
  }

  /**
   * Kubernetes discovery: the namespace and the headless service of the grid's server pods, whose
   * Endpoints Ignite reads from the API server. Inside a pod the defaults find the API server and
   * the service-account token; {@link #withApiServer} points elsewhere (a node outside the cluster,
   * or a test).
   */
  public static final class KubernetesDiscovery {
    private final String namespace;
    private final String serviceName;
    private final String masterUrl;
    private final Path accountToken;

    public KubernetesDiscovery(String namespace, String serviceName) {
      this(namespace, serviceName, null, null);
    }

    private KubernetesDiscovery(
        String namespace, String serviceName, String masterUrl, Path accountToken) {
      this.namespace = requireText(namespace, "kubernetes namespace");
      this.serviceName = requireText(serviceName, "kubernetes service name");
      this.masterUrl = masterUrl;
      this.accountToken = accountToken;
    }

    /** The same discovery through the API server at {@code https://...} with this token file. */
    public KubernetesDiscovery withApiServer(String masterUrl, Path accountToken) {
      return new KubernetesDiscovery(
          namespace,
          serviceName,
          requireText(masterUrl, "kubernetes API server URL"),
          Objects.requireNonNull(accountToken, "accountToken"));
    }

    public String namespace() {
      return namespace;
    }

    public String serviceName() {
      return serviceName;
    }

    /** The API server's URL, or null for the in-cluster default. */
    public String masterUrl() {
      return masterUrl;
    }

    /** The service-account token file, or null for the in-pod default. */
    public Path accountToken() {
      return accountToken;
    }
  }

  /** Builder of {@link GridOptions}. */
  public static final class Builder {
    private String instanceName;
    private boolean clientMode;
    private String localHost = "127.0.0.1";
    private int discoveryPort = DEFAULT_DISCOVERY_PORT;
    private int discoveryPortRange = 10;
    private int communicationPort = DEFAULT_COMMUNICATION_PORT;
    private int communicationPortRange = 100;
    private List<String> seedAddresses;
    private KubernetesDiscovery kubernetes;
    private Path igniteConfig;
    private Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"), "gridqueue");
    private int backups = 1;
    private Duration failureDetectionTimeout = Duration.ofSeconds(10);
    private long dataRegionMaxBytes = 1L << 30;
    private int publicThreadPoolSize = Math.max(8, Runtime.getRuntime().availableProcessors());
    private Map<String, Object> userAttributes = Map.of();
    private NodeSsl ssl;

    private Builder() {}

    /** SSL for discovery and communication; null for none. */
    public Builder ssl(NodeSsl ssl) {
      this.ssl = ssl;
      return this;
    }

    public Builder instanceName(String name) {
      this.instanceName = requireText(name, "instanceName");
      return this;
    }

    public Builder clientMode(boolean clientMode) {
      this.clientMode = clientMode;
      return this;
    }

    public Builder localHost(String host) {
      this.localHost = requireText(host, "localHost");
      return this;
    }

    public Builder discoveryPort(int port, int range) {
      this.discoveryPort = requirePort(port, "discoveryPort");
      this.discoveryPortRange = requireRange(range, "discoveryPortRange");
      return this;
    }

    public Builder communicationPort(int port, int range) {
      this.communicationPort = requirePort(port, "communicationPort");
      this.communicationPortRange = requireRange(range, "communicationPortRange");
      return this;
    }

    /** Discovery addresses to join; empty or unset means this node's own discovery port range. */
    public Builder seedAddresses(List<String> addresses) {
      Objects.requireNonNull(addresses, "seedAddresses");
      addresses.forEach(a -> requireText(a, "seed address"));
      this.seedAddresses = addresses.isEmpty() ? null : List.copyOf(addresses);
      return this;
    }

    /** See {@link GridOptions#igniteConfig()}. */
    public Builder igniteConfig(Path springXml) {
      this.igniteConfig = springXml;
      return this;
    }

    public Builder kubernetes(KubernetesDiscovery kubernetes) {
      this.kubernetes = kubernetes;
      return this;
    }

    public Builder workDirectory(Path dir) {
      this.workDirectory = Objects.requireNonNull(dir, "workDirectory");
      return this;
    }

    public Builder backups(int backups) {
      if (backups < 0 || backups > 3) {
        throw new IllegalArgumentException("backups must be between 0 and 3, got " + backups);
      }
      this.backups = backups;
      return this;
    }

    public Builder failureDetectionTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.toMillis() < 100) {
        throw new IllegalArgumentException(
            "failureDetectionTimeout must be at least 100 ms, got " + timeout);
      }
      this.failureDetectionTimeout = timeout;
      return this;
    }

    public Builder dataRegionMaxBytes(long bytes) {
      if (bytes < (64L << 20)) {
        throw new IllegalArgumentException(
            "dataRegionMaxBytes must be at least 64 MiB, got " + bytes);
      }
      this.dataRegionMaxBytes = bytes;
      return this;
    }

    public Builder publicThreadPoolSize(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("publicThreadPoolSize must be positive, got " + threads);
      }
      this.publicThreadPoolSize = threads;
      return this;
    }

    public Builder userAttributes(Map<String, ?> attributes) {
      this.userAttributes = Map.copyOf(attributes);
      return this;
    }

    public GridOptions build() {
      return new GridOptions(this);
    }
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  private static int requirePort(int port, String name) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be between 1 and 65535, got " + port);
    }
    return port;
  }

  private static int requireRange(int range, String name) {
    if (range < 0 || range > 1000) {
      throw new IllegalArgumentException(name + " must be between 0 and 1000, got " + range);
    }
    return range;
  }
}
