package dev.gridqueue.grid;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

/** Starts Ignite nodes of a gridqueue grid. */
public final class GridNodes {
  private GridNodes() {}

  /** Starts a node with the given options; the caller owns it and must close it. */
  public static Ignite start(GridOptions options) {
    return Ignition.start(IgniteConfigFactory.create(options));
  }
}
