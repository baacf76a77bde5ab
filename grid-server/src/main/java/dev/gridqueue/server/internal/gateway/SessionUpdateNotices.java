package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.SchedulerLocation;
import dev.gridqueue.grid.notice.SessionUpdated;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the scheduler's node that a session's attributes changed, after the sessions cache holds
 * the new version on every server node (it is replicated and written synchronously), so the
 * scheduler applies it on its next pass. A notice that does not arrive (the scheduler's node just
 * died) is made up for: a new scheduler reads sessions fresh, and the running one compares the
 * versions of the sessions it knows every few seconds.
 */
final class SessionUpdateNotices {
  private static final Logger LOG = LoggerFactory.getLogger(SessionUpdateNotices.class);

  private final Ignite ignite;
  private final SchedulerLocation scheduler;

  SessionUpdateNotices(Ignite ignite) {
    this.ignite = ignite;
    this.scheduler = new SchedulerLocation(ignite);
  }

  void announce(String sessionId) {
    UUID node = scheduler.current();
    if (node == null) {
      return; // no scheduler yet: the first one reads the session as it is
    }
    try {
      ignite
          .message(ignite.cluster().forNodeId(node))
          .send(GridTopics.SESSION_UPDATED, new SessionUpdated(sessionId));
    } catch (IgniteException e) {
      LOG.debug(
          "notice of session {} updated not sent to the scheduler's node {} (gone?): {}",
          sessionId,
          node,
          e.toString());
    }
  }
}
