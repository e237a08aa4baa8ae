package dev.vigil.console.registry;

import dev.vigil.console.api.BadParameterException;
import java.util.regex.Pattern;

/**
 * The registry's rules for names and addresses, each failure a 400 naming the field.
 *
 * <p>Stateless and thread-safe.
 */
final class Names {
  /** The rule of framework-lite's {@code Service.requireValidName}; tests keep the two in step. */
  static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+-]{0,64}");
  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9]+)?]");

  private Names() {}

  static String service(String name) {
    if (!SERVICE.matcher(name).matches()) {
      throw new BadParameterException(
          "service", name, "1-128 of [A-Za-z0-9._-], starting with a letter or digit");
    }
    return name;
  }

  static String nodeId(String id) {
    if (!NODE_ID.matcher(id).matches()) {
      throw new BadParameterException(
          "nodeId", id, "1-128 of [A-Za-z0-9._:@-], starting with a letter or digit");
    }
    return id;
  }

  static String version(String version) {
    if (!VERSION.matcher(version).matches()) {
      throw new BadParameterException("version", version, "0-64 of [A-Za-z0-9._+-]");
    }
    return version;
  }

  /** {@code host:port} with a host name, an IPv4 address or a bracketed IPv6 address. */
  static String address(String address) {
    int colon = address.lastIndexOf(':');
    boolean valid = false;
    if (colon > 0 && colon < address.length() - 1 && address.length() <= 261) {
      String host = address.substring(0, colon);
      String port = address.substring(colon + 1);
      boolean hostOk =
          host.startsWith("[") ? IPV6.matcher(host).matches() : HOST_NAME.matcher(host).matches();
      valid = hostOk && port.length() <= 5 && port.chars().allMatch(Character::isDigit);
      if (valid) {
        int p = Integer.parseInt(port);
        valid = p >= 1 && p <= 65_535;
      }
    }
    if (!valid) {
      throw new BadParameterException(
          "address", address, "host:port with a port of 1..65535 (IPv6 as [addr]:port)");
    }
    return address;
  }
}
