package dev.gridqueue.grid.errors;

import java.util.List;

/**
 * Range and size checks of request fields, each throwing {@link InvalidRequestException} with a
 * message naming the field and the limit. protobuf's uint32 arrives in a Java int, so a value at
 * 2^31 or above reads negative: every check reads uint32 fields as unsigned and refuses them above
 * their limit instead of storing a negative number.
 */
public final class FieldChecks {
  private FieldChecks() {}

  /** A uint32 field's value, read unsigned. */
  public static long unsigned(int uint32) {
    return Integer.toUnsignedLong(uint32);
  }

  /** Refuses a uint32 {@code field} outside {@code [min, max]}. */
  public static int uint32(String field, int value, long min, long max) {
    long v = unsigned(value);
    if (v < min || v > max) {
      throw new InvalidRequestException(
          field + " must be between " + min + " and " + max + ", got " + v);
    }
    return value;
  }

  /** Refuses a uint64 {@code field} above {@code max} (a value at 2^63 or above reads negative). */
  public static long uint64(String field, long value, long max) {
    if (value < 0 || value > max) {
      throw new InvalidRequestException(
          field + " must be between 0 and " + max + ", got " + Long.toUnsignedString(value));
    }
    return value;
  }

  /** Refuses a string {@code field} longer than {@code maxChars}. */
  public static String length(String field, String value, int maxChars) {
    if (value.length() > maxChars) {
      throw new InvalidRequestException(
          field + " is " + value.length() + " characters long; the limit is " + maxChars);
    }
    return value;
  }

  /** Refuses a list {@code field} with more than {@code maxCount} entries. */
  public static void count(String field, int count, long maxCount) {
    if (count > maxCount) {
      throw new InvalidRequestException(
          field + " holds " + count + " entries; the limit is " + maxCount);
    }
  }

  /**
   * Refuses a list of names with more than {@code maxCount} entries, or an empty or blank one, or
   * one longer than {@code maxChars}.
   */
  public static void names(String field, List<String> names, int maxCount, int maxChars) {
    count(field, names.size(), maxCount);
    for (String name : names) {
      if (name.isBlank()) {
        throw new InvalidRequestException(field + " must not contain empty entries");
      }
      length(field + " entry", name, maxChars);
    }
  }
}
