package dev.gridqueue.grid;

import dev.gridqueue.client.ContractLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.events.EventType;
import org.apache.ignite.kubernetes.configuration.KubernetesConnectionConfiguration;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.TcpDiscoveryIpFinder;
import org.apache.ignite.spi.discovery.tcp.ipfinder.kubernetes.TcpDiscoveryKubernetesIpFinder;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/** Builds the Ignite configuration of a gridqueue node from {@link GridOptions}. */
public final class IgniteConfigFactory {
  private static final long INITIAL_DATA_REGION_BYTES = 64L << 20;

  /** The one data region every cache lives in. */
  public static final String DATA_REGION = "default";

  private IgniteConfigFactory() {}

  /**
   * The node's configuration: gridqueue's own, or, with {@link GridOptions#igniteConfig()}, the
   * operator's Spring XML configuration merged with what gridqueue needs.
   *
   * <p>Always gridqueue's, whatever the file says (the grid depends on them): instance name, client
   * mode, logger (SLF4J), peer class loading (off), thin-client and REST connectors (off:
   * gridqueue's API is gRPC), failure handler, failure-detection timeouts, public pool size.
   * Merged: event types (gridqueue's three added), user attributes (gridqueue's keys win), caches
   * (gridqueue's added; a cache of the same name is refused). The file's when it sets them,
   * gridqueue's flags otherwise: local host, work directory, SSL context factory, discovery SPI,
   * communication SPI, data storage (data regions), metrics log frequency. Everything else is the
   * file's.
   */
  public static IgniteConfiguration create(GridOptions options) {
    IgniteConfiguration cfg =
        options.igniteConfig() != null
            ? SpringXmlConfiguration.load(options.igniteConfig())
            : new IgniteConfiguration();
    cfg.setIgniteInstanceName(options.instanceName());
    cfg.setClientMode(options.clientMode());
    cfg.setGridLogger(new Slf4jLogger());
    cfg.setPeerClassLoadingEnabled(false);
    // gridqueue talks gRPC; Ignite's thin-client and REST ports would only be attack surface.
    cfg.setClientConnectorConfiguration(null);
    cfg.setConnectorConfiguration(null);
    // A full data region is request-driven (clients fill it): it must not halt the JVM, as
    // Ignite's default handler would (see DataRegionFullTolerantHandler).
    cfg.setFailureHandler(new DataRegionFullTolerantHandler());
    cfg.setFailureDetectionTimeout(options.failureDetectionTimeout().toMillis());
    cfg.setClientFailureDetectionTimeout(options.failureDetectionTimeout().toMillis());
    cfg.setPublicThreadPoolSize(options.publicThreadPoolSize());
    Map<String, Object> attributes = new HashMap<>();
    if (cfg.getUserAttributes() != null) {
      cfg.getUserAttributes().forEach((k, v) -> attributes.put(k, v));
    }
    attributes.putAll(options.userAttributes());
    cfg.setUserAttributes(attributes);
    // The scheduler follows workers joining and leaving through these events.
    cfg.setIncludeEventTypes(
        withEvents(
            cfg.getIncludeEventTypes(),
            EventType.EVT_NODE_JOINED,
            EventType.EVT_NODE_LEFT,
            EventType.EVT_NODE_FAILED));

    if (cfg.getLocalHost() == null) {
      cfg.setLocalHost(options.localHost());
    }
    if (cfg.getWorkDirectory() == null) {
      cfg.setWorkDirectory(
          options.workDirectory().resolve(options.instanceName()).toAbsolutePath().toString());
    }
    if (cfg.getMetricsLogFrequency() == IgniteConfiguration.DFLT_METRICS_LOG_FREQ) {
      cfg.setMetricsLogFrequency(0);
    }
    if (options.ssl() != null && cfg.getSslContextFactory() == null) {
      // Discovery and communication both take it from here: a node without a certificate from
      // the grid's CA is refused at the handshake, before it can read or write a cache.
      cfg.setSslContextFactory(options.ssl().contextFactory());
    }
    if (cfg.getDiscoverySpi() == null) {
      cfg.setDiscoverySpi(discovery(options));
    }
    if (cfg.getCommunicationSpi() == null) {
      cfg.setCommunicationSpi(communication(options));
    }
    if (cfg.getDataStorageConfiguration() == null) {
      cfg.setDataStorageConfiguration(dataStorage(options));
    }
    if (!options.clientMode()) {
      // Servers define the caches; client nodes (workers) take them from the cluster, which also
      // lets a worker open the shared-data cache with a near cache.
      cfg.setCacheConfiguration(
          withCaches(
              cfg.getCacheConfiguration(),
              sessionsCache(),
              batchesCache(options.backups()),
              sharedDataCache(options.backups()),
              filesCache(options.backups()),
              cancellationsCache(),
              remoteWorkersCache(),
              replicated(CacheNames.SESSION_ACTIVITY),
              replicated(CacheNames.STREAM_ATTACHMENTS),
              replicated(CacheNames.SCHEDULER)));
    }
    return cfg;
  }

  private static int[] withEvents(int[] configured, int... needed) {
    if (configured == null) {
      return needed;
    }
    return IntStream.concat(Arrays.stream(configured), Arrays.stream(needed)).distinct().toArray();
  }

  private static CacheConfiguration<?, ?>[] withCaches(
      CacheConfiguration<?, ?>[] configured, CacheConfiguration<?, ?>... gridqueue) {
    List<CacheConfiguration<?, ?>> all = new ArrayList<>();
    if (configured != null) {
      all.addAll(Arrays.asList(configured));
    }
    for (CacheConfiguration<?, ?> cache : gridqueue) {
      if (all.stream().anyMatch(c -> cache.getName().equals(c.getName()))) {
        throw new IllegalArgumentException(
            "Ignite configuration: cache " + cache.getName() + " is gridqueue's; rename yours");
      }
      all.add(cache);
    }
    return all.toArray(CacheConfiguration<?, ?>[]::new);
  }

  private static TcpDiscoverySpi discovery(GridOptions options) {
    TcpDiscoverySpi spi = new TcpDiscoverySpi();
    spi.setLocalPort(options.discoveryPort());
    spi.setLocalPortRange(options.discoveryPortRange());
    spi.setIpFinder(ipFinder(options));
    return spi;
  }

  private static TcpDiscoveryIpFinder ipFinder(GridOptions options) {
    if (options.kubernetes() != null) {
      KubernetesConnectionConfiguration k8s = new KubernetesConnectionConfiguration();
      k8s.setNamespace(options.kubernetes().namespace());
      k8s.setServiceName(options.kubernetes().serviceName());
      k8s.setDiscoveryPort(options.discoveryPort());
      if (options.kubernetes().masterUrl() != null) {
        k8s.setMasterUrl(options.kubernetes().masterUrl());
        k8s.setAccountToken(options.kubernetes().accountToken().toAbsolutePath().toString());
      }
      return new TcpDiscoveryKubernetesIpFinder(k8s);
    }
    TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
    finder.setAddresses(List.copyOf(options.seedAddresses()));
    return finder;
  }

  private static TcpCommunicationSpi communication(GridOptions options) {
    TcpCommunicationSpi spi = new TcpCommunicationSpi();
    spi.setLocalPort(options.communicationPort());
    spi.setLocalPortRange(options.communicationPortRange());
    // OS autotuning: Ignite's fixed 32 KB buffers throttle batch traffic between JVMs.
    spi.setSocketSendBuffer(0);
    spi.setSocketReceiveBuffer(0);
    // Bounded outbound queues: a slow peer applies backpressure instead of filling the heap.
    spi.setMessageQueueLimit(4096);
    return spi;
  }

  private static DataStorageConfiguration dataStorage(GridOptions options) {
    DataRegionConfiguration region = new DataRegionConfiguration();
    region.setName(DATA_REGION);
    region.setInitialSize(Math.min(INITIAL_DATA_REGION_BYTES, options.dataRegionMaxBytes()));
    region.setMaxSize(options.dataRegionMaxBytes());
    DataStorageConfiguration storage = new DataStorageConfiguration();
    storage.setDefaultDataRegionConfiguration(region);
    return storage;
  }

  private static CacheConfiguration<String, Object> sessionsCache() {
    CacheConfiguration<String, Object> cache = new CacheConfiguration<>(CacheNames.SESSIONS);
    cache.setCacheMode(CacheMode.REPLICATED);
    cache.setAtomicityMode(CacheAtomicityMode.ATOMIC);
    cache.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
    cache.setOnheapCacheEnabled(true);
    return cache;
  }

  private static CacheConfiguration<String, Object> remoteWorkersCache() {
    return replicated(CacheNames.REMOTE_WORKERS);
  }

  private static CacheConfiguration<String, Object> replicated(String name) {
    CacheConfiguration<String, Object> cache = new CacheConfiguration<>(name);
    cache.setCacheMode(CacheMode.REPLICATED);
    cache.setAtomicityMode(CacheAtomicityMode.ATOMIC);
    cache.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
    return cache;
  }

  private static CacheConfiguration<String, Object> cancellationsCache() {
    CacheConfiguration<String, Object> cache = new CacheConfiguration<>(CacheNames.CANCELLATIONS);
    cache.setCacheMode(CacheMode.REPLICATED);
    cache.setAtomicityMode(CacheAtomicityMode.ATOMIC);
    // A cancel returns only once every copy (and the workers' near caches) hold it.
    cache.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
    return cache;
  }

  private static CacheConfiguration<String, Object> sharedDataCache(int backups) {
    CacheConfiguration<String, Object> cache = new CacheConfiguration<>(CacheNames.SHARED_DATA);
    cache.setCacheMode(CacheMode.PARTITIONED);
    cache.setBackups(backups);
    cache.setAtomicityMode(CacheAtomicityMode.ATOMIC);
    cache.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
    cache.setEagerTtl(true); // expired levels leave memory, not only reads
    return cache;
  }

  private static CacheConfiguration<String, Object> filesCache(int backups) {
    CacheConfiguration<String, Object> cache = new CacheConfiguration<>(CacheNames.FILES);
    cache.setCacheMode(CacheMode.PARTITIONED);
    cache.setBackups(backups);
    cache.setAtomicityMode(CacheAtomicityMode.ATOMIC);
    cache.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
    // Files of a session left open for good do not hold the grid's memory for ever.
    cache.setExpiryPolicyFactory(
        CreatedExpiryPolicy.factoryOf(
            new javax.cache.expiry.Duration(
                TimeUnit.SECONDS, ContractLimits.FILE_TTL.toSeconds())));
    cache.setEagerTtl(true);
    return cache;
  }

  private static CacheConfiguration<String, Object> batchesCache(int backups) {
    CacheConfiguration<String, Object> cache = new CacheConfiguration<>(CacheNames.BATCHES);
    cache.setCacheMode(CacheMode.PARTITIONED);
    cache.setBackups(backups);
    cache.setAtomicityMode(CacheAtomicityMode.ATOMIC);
    // A put returns only once backups hold the batch: that is when a batch counts as accepted.
    cache.setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC);
    // Reads go to the primary. A continuous-query event leaves the primary before the backups are
    // written, so a node that learns of a batch from an event and reads its own backup copy can
    // find nothing (a worker then skipped a queued batch for good) or an older state.
    cache.setReadFromBackup(false);
    return cache;
  }
}
