package dev.gridqueue.grid.store;

import java.util.List;
import java.util.Objects;

/**
 * The client batches a coalesced stored batch is made of: their ids and how many tasks each
 * contributed, in the order their tasks appear.
 */
public final class ClientBatches {
  private final String[] ids;
  private final int[] sizes;

  public ClientBatches(List<String> ids, List<Integer> sizes) {
    if (ids.size() != sizes.size()) {
      throw new IllegalArgumentException("ids and sizes differ in length");
    }
    this.ids = ids.stream().map(Objects::requireNonNull).toArray(String[]::new);
    this.sizes = sizes.stream().mapToInt(Integer::intValue).toArray();
  }

  public int count() {
    return ids.length;
  }

  public String id(int index) {
    return ids[index];
  }

  public int size(int index) {
    return sizes[index];
  }
}
