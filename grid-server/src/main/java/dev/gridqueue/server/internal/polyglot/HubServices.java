package dev.gridqueue.server.internal.polyglot;

import java.util.concurrent.Executor;
import org.apache.ignite.Ignite;

/**
 * What a hub's workers and lanes share: the grid node, the pool for calls that wait on the grid
 * (never a network thread), and the batches' deadlines.
 */
record HubServices(Ignite ignite, Executor blockingCalls, BatchDeadlines deadlines) {}
