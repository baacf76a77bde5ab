package dev.gridqueue.grid.store;

/**
 * One stored level of a session's shared data: how big it is and how many chunks hold it. The
 * generation names this write's chunks, so two racing writers of a level never mix chunks.
 */
public final class SharedDataHeader {
  private final int level;
  private final long sizeBytes;
  private final int chunkCount;
  private final String generation;

  public SharedDataHeader(int level, long sizeBytes, int chunkCount, String generation) {
    this.level = level;
    this.sizeBytes = sizeBytes;
    this.chunkCount = chunkCount;
    this.generation = generation;
  }

  public String generation() {
    return generation;
  }

  public int level() {
    return level;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public int chunkCount() {
    return chunkCount;
  }
}
