package dev.gridqueue.server.internal.gateway;

import java.util.regex.Pattern;

/**
 * What a worker host may be named as in {@code blocked_worker_hosts}: a host name (RFC 1123 labels
 * of letters, digits and inner hyphens, dot-separated, at most 253 characters), an IPv4 address or
 * an IPv6 address. Checked by form alone, never resolved: a blocklist must not wait on DNS, and a
 * host may be blocked before it joins.
 */
final class HostNames {
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");

  private HostNames() {}

  static boolean isHostOrAddress(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      return isIpv6(s);
    }
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    if (s.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      return false; // dotted digits that are not an IPv4 address (999.1.1.1, 1.2.3)
    }
    String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** An IPv6 address (with "::" shortening, an IPv4 tail, a zone): by form, not resolved. */
  private static boolean isIpv6(String s) {
    if (!IPV6_CHARS.matcher(s).matches()) {
      return false;
    }
    String address = s.indexOf('%') >= 0 ? s.substring(0, s.indexOf('%')) : s;
    int doubleColons = address.split("::", -1).length - 1;
    if (doubleColons > 1) {
      return false;
    }
    String[] groups = address.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (g.isEmpty()) {
        continue; // part of "::" (checked above)
      }
      if (i == groups.length - 1 && g.contains(".")) {
        if (!IPV4.matcher(g).matches()) {
          return false;
        }
        count += 2;
      } else if (g.length() > 4 || g.contains(".")) {
        return false;
      } else {
        count++;
      }
    }
    return doubleColons == 1 ? count < 8 : count == 8;
  }
}
