package dev.gridqueue.grid;

import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.internal.IgnitionEx;

/**
 * Reads an operator's Ignite node configuration from a Spring XML file (ignite-spring), the way
 * Ignite's own {@code ignite.sh config.xml} does: exactly one {@link IgniteConfiguration} bean.
 */
final class SpringXmlConfiguration {
  private SpringXmlConfiguration() {}

  static IgniteConfiguration load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Ignite configuration " + file + ": no such file");
    }
    Collection<IgniteConfiguration> found;
    try {
      found = IgnitionEx.loadConfigurations(file.toUri().toURL()).get1();
    } catch (IgniteCheckedException | MalformedURLException e) {
      throw new IllegalArgumentException("Ignite configuration " + file + ": " + rootMessage(e), e);
    }
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          "Ignite configuration "
              + file
              + ": expected one IgniteConfiguration bean, found "
              + found.size());
    }
    return found.iterator().next();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
