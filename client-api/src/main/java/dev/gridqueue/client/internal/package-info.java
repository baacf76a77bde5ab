/**
 * How the Java client works inside: not part of its API. Classes here are public only so that
 * {@code dev.gridqueue.client} can use them; they may change or go in any release, without notice.
 * Use {@link dev.gridqueue.client.GridQueueClient} and {@link dev.gridqueue.client.TaskSession}.
 */
package dev.gridqueue.client.internal;
