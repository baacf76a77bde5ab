package dev.gridqueue.server.internal.ops;

import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgnitePredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per change of the grid's membership, as the other nodes see it: a node that joins or
 * leaves cleanly is news (INFO), a node that failed is a warning (its work is re-queued). Ignite's
 * own discovery lines are kept at WARN and above, so this is the line an operator reads.
 */
public final class MembershipLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipLog.class);
  private static final int[] EVENTS = {
    EventType.EVT_NODE_JOINED, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED
  };

  private final Ignite ignite;
  private final IgnitePredicate<Event> listener = this::onEvent;

  public MembershipLog(Ignite ignite) {
    this.ignite = ignite;
    ignite.events().localListen(listener, EVENTS);
  }

  private boolean onEvent(Event event) {
    ClusterNode node = ((DiscoveryEvent) event).eventNode();
    String who =
        (node.isClient() ? "worker node " : "grid node ")
            + String.valueOf(
                node.<Object>attribute("org.apache.ignite.ignite.name") == null
                    ? node.id()
                    : node.attribute("org.apache.ignite.ignite.name"))
            + " ("
            + String.join(",", node.addresses())
            + ")";
    String now =
        String.format(
            "; the grid has %d grid node(s) and %d worker node(s)",
            ignite.cluster().forServers().nodes().size(),
            ignite.cluster().forClients().nodes().size());
    switch (event.type()) {
      case EventType.EVT_NODE_JOINED -> LOG.info("{} joined{}", who, now);
      case EventType.EVT_NODE_LEFT -> LOG.info("{} left{}", who, now);
      default ->
          LOG.warn(
              "{} failed (silent past the failure-detection timeout); what it held runs again"
                  + " elsewhere{}",
              who,
              now);
    }
    return true;
  }

  @Override
  public void close() {
    try {
      ignite.events().stopLocalListen(listener, EVENTS);
    } catch (IllegalStateException e) {
      // the node is already stopping: nothing left to listen to
    }
  }
}
