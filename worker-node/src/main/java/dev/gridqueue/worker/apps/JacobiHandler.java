package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.TaskContext;
import dev.gridqueue.worker.api.TaskHandler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * App "jacobi": one block of rows of a Jacobi iteration for {@code A x = b}, the iterative-solver
 * pattern of shared data. The current {@code x} is the session's shared data (one update level per
 * iteration, n little-endian doubles, decoded once per worker and level); a task's payload is
 * {@code "<n> <from> <to>"} and its result the new {@code x[from..to)} as little-endian doubles.
 *
 * <p>The system is generated, not shipped: {@code A[i][j] = 1 / (1 + |i - j|)} off the diagonal,
 * {@code A[i][i] = 1 +} the row's off-diagonal sum (strictly diagonally dominant, so Jacobi
 * converges), {@code b[i] = 1}.
 */
public final class JacobiHandler implements TaskHandler {
  public static final String APP_ID = "jacobi";

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  public byte[] handle(TaskContext context, byte[] payload) {
    String[] f = new String(payload, StandardCharsets.US_ASCII).trim().split("\\s+");
    if (f.length != 3) {
      throw new IllegalArgumentException("payload must be \"<n> <from> <to>\"");
    }
    int n = Integer.parseInt(f[0]);
    int from = Integer.parseInt(f[1]);
    int to = Integer.parseInt(f[2]);
    double[] x = context.sharedObject(JacobiHandler::decode);
    if (x.length != n || from < 0 || to > n || from >= to) {
      throw new IllegalArgumentException(
          "rows [" + from + ", " + to + ") do not fit x of size " + x.length);
    }
    double[] next = new double[to - from];
    for (int i = from; i < to; i++) {
      double offDiagonal = 0;
      double sum = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          double a = coefficient(i, j);
          offDiagonal += a;
          sum += a * x[j];
        }
      }
      next[i - from] = (1.0 - sum) / (1.0 + offDiagonal);
    }
    return encode(next);
  }

  /** {@code A[i][j]} for {@code i != j}. */
  public static double coefficient(int i, int j) {
    return 1.0 / (1 + Math.abs(i - j));
  }

  public static byte[] encode(double[] values) {
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asDoubleBuffer().put(values);
    return buffer.array();
  }

  public static double[] decode(byte[] bytes) {
    double[] values = new double[bytes.length / Double.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
    return values;
  }
}
