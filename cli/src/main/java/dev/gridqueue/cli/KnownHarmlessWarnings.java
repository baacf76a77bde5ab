package dev.gridqueue.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import org.slf4j.Marker;

/**
 * Drops Ignite warnings known to be harmless, by logger and message, so the rest of those loggers'
 * warnings still show (installed by logback.xml).
 *
 * <ul>
 *   <li>{@code GridClusterStateProcessor} "Received state finish message with unexpected ID": every
 *       node that joins an active in-memory grid receives the end of the grid's first activation,
 *       which it never asked for; the node joins normally.
 * </ul>
 */
public final class KnownHarmlessWarnings extends TurboFilter {
  private static final Map<String, String> KNOWN =
      Map.of(
          "org.apache.ignite.internal.processors.cluster.GridClusterStateProcessor",
          "Received state finish message with unexpected ID");

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || level != Level.WARN) {
      return FilterReply.NEUTRAL;
    }
    String prefix = KNOWN.get(logger.getName());
    return prefix != null && format.startsWith(prefix) ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
