package dev.gridqueue.grid;

/**
 * A private set of loopback ports for one local grid: a discovery range its servers share and a
 * communication range. Servers and workers of the same local grid use the same instance.
 */
public final class LocalGridPorts {
  private static final int DISCOVERY_RANGE = 9;
  private static final int COMMUNICATION_RANGE = 29;

  private final int discoveryPort;
  private final int communicationPort;

  private LocalGridPorts(int discoveryPort, int communicationPort) {
    this.discoveryPort = discoveryPort;
    this.communicationPort = communicationPort;
  }

  /** Free ranges picked now. */
  public static LocalGridPorts allocate() {
    int base = FreePorts.findRange(DISCOVERY_RANGE + COMMUNICATION_RANGE + 2);
    return new LocalGridPorts(base, base + DISCOVERY_RANGE + 1);
  }

  /** The discovery address other nodes use to join: "127.0.0.1:from..to". */
  public String seedAddress() {
    return "127.0.0.1:" + discoveryPort + ".." + (discoveryPort + DISCOVERY_RANGE);
  }

  public int discoveryPort() {
    return discoveryPort;
  }

  /** Options for a node of this grid, ports set, the rest defaults. */
  public GridOptions.Builder options(String instanceName) {
    return GridOptions.newBuilder()
        .instanceName(instanceName)
        .discoveryPort(discoveryPort, DISCOVERY_RANGE)
        .communicationPort(communicationPort, COMMUNICATION_RANGE)
        .seedAddresses(java.util.List.of(seedAddress()));
  }
}
