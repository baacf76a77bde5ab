package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.FieldChecks;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.errors.QuotaExceededException;
import dev.gridqueue.grid.errors.SessionNotFoundException;
import dev.gridqueue.grid.store.BatchFilters;
import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.shareddata.FileStore;
import dev.gridqueue.shareddata.SharedDataStore;
import java.util.HashSet;
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

  /**
   * Validates the request, fills in defaults, stores the session (owned by the key named {@code
   * owner}) and returns it with its id.
   */
  Session create(Session request, String owner) {
    String appId = request.getApp().getId();
    if (appId.isBlank()) {
      throw new InvalidRequestException("app.id must not be empty");
    }
    FieldChecks.length("app.id", appId, ContractLimits.NAME_MAX_CHARS);
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
            SessionPolicies.of(attributes),
            owner));
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

  /**
   * Applies an UpdateSession request (see {@link SessionUpdates}) and returns the session as it now
   * is. The new attributes are computed and checked from the stored ones first, then written only
   * if nobody changed the session meanwhile (its version), else computed again: an invalid request
   * or a closed session changes nothing, and concurrent updates never lose each other.
   */
  Session update(Session request) {
    String id = request.getId();
    if (id.isEmpty()) {
      throw new InvalidRequestException("id must not be empty");
    }
    while (true) {
      SessionRecord current = require(id);
      SessionAttributes next = SessionUpdates.merge(attributesOf(current), request);
      SessionRecord updated =
          current.updated(
              next.getPriority(),
              next.getMaxInflightBatchesPerWorker(),
              next.toByteArray(),
              SessionPolicies.of(next));
      Boolean written = sessions.invoke(id, new ReplaceIfVersion(current.version(), updated));
      if (written == null) {
        throw new SessionNotFoundException(id);
      }
      if (written) {
        return Session.newBuilder()
            .setId(id)
            .setApp(dev.gridqueue.proto.v1.App.newBuilder().setId(current.appId()))
            .setAttributes(next)
            .build();
      }
    }
  }

  /**
   * Replaces the session's record if it is still at {@code expectedVersion}, on the node owning the
   * entry: true if replaced, false if another update came first, null if the session is gone.
   */
  private static final class ReplaceIfVersion
      implements org.apache.ignite.cache.CacheEntryProcessor<String, SessionRecord, Boolean> {
    private static final long serialVersionUID = 1L;
    private final long expectedVersion;
    private final SessionRecord replacement;

    ReplaceIfVersion(long expectedVersion, SessionRecord replacement) {
      this.expectedVersion = expectedVersion;
      this.replacement = replacement;
    }

    @Override
    public Boolean process(
        javax.cache.processor.MutableEntry<String, SessionRecord> entry, Object... args) {
      if (!entry.exists()) {
        return null;
      }
      if (entry.getValue().version() != expectedVersion) {
        return false;
      }
      entry.setValue(replacement);
      return true;
    }
  }

  private static SessionAttributes attributesOf(SessionRecord record) {
    try {
      return SessionAttributes.parseFrom(record.attributes());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "stored attributes of session " + record.sessionId() + " are corrupt", e);
    }
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
    FieldChecks.count(
        "task_ids and tags",
        taskIds.size() + tags.size(),
        ContractLimits.CANCEL_ITEMS_PER_REQUEST_MAX);
    if (taskIds.stream().anyMatch(String::isEmpty) || tags.stream().anyMatch(String::isEmpty)) {
      throw new InvalidRequestException("task_ids and tags must not contain empty strings");
    }
    for (String taskId : taskIds) {
      FieldChecks.length("task_ids entry", taskId, ContractLimits.TASK_ID_MAX_CHARS);
    }
    for (String tag : tags) {
      FieldChecks.length("tags entry", tag, ContractLimits.NAME_MAX_CHARS);
    }
    Boolean added = cancellations.invoke(id, new AddCancellations(taskIds, tags, all));
    if (!Boolean.TRUE.equals(added)) {
      throw new QuotaExceededException(
          "session "
              + id
              + " has cancelled too many task ids and tags: the limit is "
              + ContractLimits.CANCEL_ITEMS_PER_SESSION_MAX
              + " (cancel by tag or all instead)");
    }
    return taskIds.size() + tags.size() + (all ? 1 : 0);
  }

  /**
   * Merges cancellations on the node owning the entry: concurrent cancels never lose each other.
   * Answers false, changing nothing, when the set would grow past its limit.
   */
  private static final class AddCancellations
      implements org.apache.ignite.cache.CacheEntryProcessor<String, CancelSet, Boolean> {
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
    public Boolean process(
        javax.cache.processor.MutableEntry<String, CancelSet> entry, Object... args) {
      CancelSet current = entry.exists() ? entry.getValue() : CancelSet.EMPTY;
      if (current.size() + taskIds.size() + tags.size()
          > ContractLimits.CANCEL_ITEMS_PER_SESSION_MAX) {
        return false;
      }
      entry.setValue(current.with(taskIds, tags, all));
      return true;
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
    return SessionAttributeRules.withDefaults(given);
  }
}
