package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.errors.SessionNotFoundException;
import dev.gridqueue.grid.store.BatchFilters;
import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.shareddata.FileStore;
import dev.gridqueue.shareddata.SharedDataStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;

/** Opens, finds and closes sessions in the grid. */
final class SessionStore {
  private static final int REMOVE_CHUNK = 1000;

  private final IgniteCache<String, SessionRecord> sessions;
  private final IgniteCache<String, StoredBatch> batches;
  private final SharedDataStore sharedData;
  private final FileStore files;
  private final IgniteCache<String, CancelSet> cancellations;
  private final IgniteCache<String, Long> activity;
  private final IgniteCache<String, java.util.UUID> attachments;

  SessionStore(Ignite ignite, SharedDataStore sharedData) {
    this.cancellations = ignite.cache(CacheNames.CANCELLATIONS);
    this.activity = ignite.cache(CacheNames.SESSION_ACTIVITY);
    this.attachments = ignite.cache(CacheNames.STREAM_ATTACHMENTS);
    this.sessions = ignite.cache(CacheNames.SESSIONS);
    this.batches = ignite.cache(CacheNames.BATCHES);
    this.sharedData = sharedData;
    this.files = new FileStore(ignite);
  }

  /** Validates the request, fills in defaults, stores the session and returns it with its id. */
  Session create(Session request) {
    String appId = request.getApp().getId();
    if (appId.isBlank()) {
      throw new InvalidRequestException("app.id must not be empty");
    }
    SessionAttributes attributes = withDefaults(request.getAttributes());
    String id = UUID.randomUUID().toString();
    sessions.put(
        id,
        new SessionRecord(
            id,
            appId,
            attributes.getPriority(),
            attributes.getMaxInflightBatchesPerWorker(),
            attributes.toByteArray(),
            SessionPolicies.of(attributes)));
    // Every session has a (first empty) cancel set, so worker near caches hold it after one read.
    cancellations.put(id, CancelSet.EMPTY);
    activity.put(id, System.currentTimeMillis());
    return request.toBuilder().setId(id).setAttributes(attributes).build();
  }

  /** The open session {@code id}. */
  SessionRecord require(String id) {
    if (id.isEmpty()) {
      throw new InvalidRequestException("session_id must not be empty");
    }
    SessionRecord record = sessions.get(id);
    if (record == null) {
      throw new SessionNotFoundException(id);
    }
    return record;
  }

  /** Whether the session is open. */
  boolean exists(String id) {
    return sessions.containsKey(id);
  }

  /**
   * Closes the session: removes it, then its queued batches, undelivered results and shared data.
   */
  void close(String id) {
    if (id.isEmpty()) {
      throw new InvalidRequestException("id must not be empty");
    }
    if (sessions.getAndRemove(id) == null) {
      throw new SessionNotFoundException(id);
    }
    Set<String> keys = new HashSet<>();
    try (QueryCursor<Cache.Entry<String, StoredBatch>> cursor =
        batches.query(new ScanQuery<>(new BatchFilters.KeysOfSession(id)))) {
      for (Cache.Entry<String, StoredBatch> e : cursor) {
        keys.add(e.getKey());
        if (keys.size() >= REMOVE_CHUNK) {
          batches.removeAll(keys);
          keys.clear();
        }
      }
    }
    batches.removeAll(keys);
    sharedData.deleteSession(id);
    files.deleteSession(id);
    cancellations.remove(id);
    activity.remove(id);
    attachments.removeAll(
        Set.of(
            dev.gridqueue.grid.store.StreamAttachments.resultsOf(id),
            dev.gridqueue.grid.store.StreamAttachments.deadLettersOf(id)));
  }

  /**
   * Adds task ids and tags (or everything) to the session's cancellations; returns how many ids and
   * tags the request named. Workers check the set before every batch they start.
   */
  int cancel(String id, Set<String> taskIds, Set<String> tags, boolean all) {
    require(id);
    if (!all && taskIds.isEmpty() && tags.isEmpty()) {
      throw new InvalidRequestException("cancel request names nothing: set task_ids, tags or all");
    }
    if (taskIds.stream().anyMatch(String::isEmpty) || tags.stream().anyMatch(String::isEmpty)) {
      throw new InvalidRequestException("task_ids and tags must not contain empty strings");
    }
    cancellations.invoke(id, new AddCancellations(taskIds, tags, all));
    return taskIds.size() + tags.size() + (all ? 1 : 0);
  }

  /**
   * Merges cancellations on the node owning the entry: concurrent cancels never lose each other.
   */
  private static final class AddCancellations
      implements org.apache.ignite.cache.CacheEntryProcessor<String, CancelSet, Void> {
    private static final long serialVersionUID = 1L;
    private final Set<String> taskIds;
    private final Set<String> tags;
    private final boolean all;

    AddCancellations(Set<String> taskIds, Set<String> tags, boolean all) {
      this.taskIds = new HashSet<>(taskIds);
      this.tags = new HashSet<>(tags);
      this.all = all;
    }

    @Override
    public Void process(
        javax.cache.processor.MutableEntry<String, CancelSet> entry, Object... args) {
      CancelSet current = entry.exists() ? entry.getValue() : CancelSet.EMPTY;
      entry.setValue(current.with(taskIds, tags, all));
      return null;
    }
  }

  /** Whether the session declares task resources or categories (its batches place by resources). */
  boolean placesByResources(String id) {
    SessionRecord record = sessions.get(id);
    if (record == null) {
      return false;
    }
    try {
      SessionAttributes a = SessionAttributes.parseFrom(record.attributes());
      return a.hasTaskResources() || a.getCategoriesCount() > 0;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored attributes of session " + id + " are corrupt", e);
    }
  }

  /** Whether the session asked to be removed when its client goes away. */
  boolean cleansUpOnClientExit(String id) {
    SessionRecord record = sessions.get(id);
    if (record == null) {
      return false;
    }
    try {
      return SessionAttributes.parseFrom(record.attributes()).getCleanupOnClientExit();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored attributes of session " + id + " are corrupt", e);
    }
  }

  static SessionAttributes withDefaults(SessionAttributes given) {
    SessionAttributes.Builder a = given.toBuilder();
    if (!a.hasPriority()) {
      a.setPriority(ContractLimits.PRIORITY_DEFAULT);
    } else if (a.getPriority() > ContractLimits.PRIORITY_MAX) {
      throw new InvalidRequestException(
          "attributes.priority must be between "
              + ContractLimits.PRIORITY_MIN
              + " and "
              + ContractLimits.PRIORITY_MAX
              + ", got "
              + a.getPriority());
    }
    if (!a.hasMaxInflightBatchesPerWorker()) {
      a.setMaxInflightBatchesPerWorker(ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_DEFAULT);
    } else if (a.getMaxInflightBatchesPerWorker()
            < ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MIN
        || a.getMaxInflightBatchesPerWorker()
            > ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MAX) {
      throw new InvalidRequestException(
          "attributes.max_inflight_batches_per_worker must be between "
              + ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MIN
              + " and "
              + ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MAX
              + ", got "
              + a.getMaxInflightBatchesPerWorker());
    }
    if (!a.hasMaxRetries()) {
      a.setMaxRetries(ContractLimits.MAX_RETRIES_DEFAULT);
    } else if (a.getMaxRetries() > ContractLimits.MAX_RETRIES_MAX) {
      throw new InvalidRequestException(
          "attributes.max_retries must be at most "
              + ContractLimits.MAX_RETRIES_MAX
              + ", got "
              + a.getMaxRetries());
    }
    if (a.getMaxWorkers() > 0 && a.getMinWorkers() > a.getMaxWorkers()) {
      throw new InvalidRequestException(
          "attributes.min_workers ("
              + a.getMinWorkers()
              + ") must not exceed attributes.max_workers ("
              + a.getMaxWorkers()
              + ")");
    }
    List<String> tags = new ArrayList<>(a.getTagsList());
    if (tags.stream().anyMatch(String::isBlank)) {
      throw new InvalidRequestException("attributes.tags must not contain empty tags");
    }
    if (a.hasIdleTimeout()
        && (a.getIdleTimeout().getSeconds() < 0 || a.getIdleTimeout().getNanos() < 0)) {
      throw new InvalidRequestException("attributes.idle_timeout must not be negative");
    }
    if (a.hasMaxTaskRunningTime()
        && (a.getMaxTaskRunningTime().getSeconds() < 0
            || a.getMaxTaskRunningTime().getNanos() < 0)) {
      throw new InvalidRequestException("attributes.max_task_running_time must not be negative");
    }
    double multiplier = a.getFastAbortMultiplier();
    if (Double.isNaN(multiplier) || multiplier < 0 || multiplier > 0 && multiplier < 1) {
      throw new InvalidRequestException(
          "attributes.fast_abort_multiplier must be 0 (off) or at least 1, got " + multiplier);
    }
    for (String category : a.getCategoriesMap().keySet()) {
      if (category.isBlank()) {
        throw new InvalidRequestException(
            "attributes.categories must not have an empty category name");
      }
    }
    if (a.getBlockedWorkerHostsList().stream().anyMatch(String::isBlank)) {
      throw new InvalidRequestException(
          "attributes.blocked_worker_hosts must not contain empty host names");
    }
    return a.build();
  }
}
