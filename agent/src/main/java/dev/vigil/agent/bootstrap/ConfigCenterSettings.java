package dev.vigil.agent.bootstrap;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the agent reads its live settings: the console's base URLs, environment, token and the
 * instance's node id and labels, from {@code vigil.config.*} system properties or {@code
 * VIGIL_CONFIG_*} environment variables. Immutable.
 */
final class ConfigCenterSettings {
  static final String APP = "vigil-agent";
  static final String DEFAULT_ENV = "prod";
  static final long DEFAULT_WAIT_MILLIS = 30_000;

  final List<URI> urls;
  final String env;
  final String token;
  final String instance;
  final String serviceLabel;
  final long waitMillis;

  private ConfigCenterSettings(
      List<URI> urls,
      String env,
      String token,
      String instance,
      String serviceLabel,
      long waitMillis) {
    this.urls = urls;
    this.env = env;
    this.token = token;
    this.instance = instance;
    this.serviceLabel = serviceLabel;
    this.waitMillis = waitMillis;
  }

  /**
   * Whether {@code vigil.config.url} is set; cheap, so start-up can skip the rest when it is not.
   */
  static boolean configured(Map<String, String> props, Map<String, String> env) {
    String url = get(props, env, "vigil.config.url");
    return url != null && !url.isBlank();
  }

  /** The settings, or null (after one line to {@code warn}) when they cannot be used. */
  static ConfigCenterSettings parse(
      Map<String, String> props, Map<String, String> env, String service, Consumer<String> warn) {
    String raw = get(props, env, "vigil.config.url");
    if (raw == null || raw.isBlank()) {
      return null;
    }
    List<URI> urls = new ArrayList<>();
    for (String part : raw.split(",")) {
      String u = part.trim();
      while (u.endsWith("/")) {
        u = u.substring(0, u.length() - 1);
      }
      if (u.isEmpty()) {
        continue;
      }
      URI uri;
      try {
        uri = URI.create(u);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme()))) {
        warn.accept(
            "vigil.config.url: "
                + raw
                + " (expected: http:// or https:// URLs of the console, comma-separated);"
                + " live settings are off");
        return null;
      }
      urls.add(uri);
    }
    if (urls.isEmpty()) {
      return null;
    }
    String e = get(props, env, "vigil.config.env");
    String environment = e == null || e.isBlank() ? DEFAULT_ENV : e.trim();
    if (!environment.matches("[a-z0-9_-]{1,63}")) {
      warn.accept(
          "vigil.config.env: "
              + e
              + " (expected: lowercase letters, digits, '-' or '_', 1-63); live settings are off");
      return null;
    }
    String token = get(props, env, "vigil.config.token");
    if (token == null || token.isBlank()) {
      token = get(props, env, "vigil.token");
    }
    token = token == null ? "" : token.trim();
    String instance = instanceId(props, env, service);
    long wait = DEFAULT_WAIT_MILLIS;
    String w = get(props, env, "vigil.config.wait");
    if (w != null) {
      String t = w.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      if (t.endsWith("ms")) {
        t = t.substring(0, t.length() - 2);
      } else if (t.endsWith("s")) {
        t = t.substring(0, t.length() - 1);
        unit = 1000;
      }
      try {
        long n = Long.parseLong(t.trim()) * unit;
        if (n >= 1 && n <= 300_000) {
          wait = n;
        } else {
          warn.accept("vigil.config.wait: " + w + " (expected: 1ms to 300s); using 30s");
        }
      } catch (NumberFormatException ex) {
        warn.accept("vigil.config.wait: " + w + " (expected: a duration such as 30s); using 30s");
      }
    }
    String label = service.replace(',', '_').replace('=', '_');
    if (label.length() > 256) {
      label = label.substring(0, 256);
    }
    return new ConfigCenterSettings(
        Collections.unmodifiableList(urls), environment, token, instance, label, wait);
  }

  /**
   * This JVM's node id: {@code vigil.config.instance}, or {@code <service>@<host>:<pid>}. The
   * exporter sends it as the resource attribute {@code service.instance.id}, so the console matches
   * JVM metrics to the instance the config center knows.
   */
  static String instanceId(Map<String, String> props, Map<String, String> env, String service) {
    String instance = get(props, env, "vigil.config.instance");
    return nodeId(
        instance == null || instance.isBlank()
            ? service + "@" + host() + ":" + ProcessHandle.current().pid()
            : instance.trim());
  }

  /** Keeps what the console accepts in a node id: letters, digits, {@code . _ : @ -}. */
  static String nodeId(String raw) {
    StringBuilder sb = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length() && sb.length() < 256; i++) {
      char c = raw.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (sb.length() == 0 && !alnum) {
        continue;
      }
      sb.append(alnum || c == '.' || c == '_' || c == ':' || c == '@' || c == '-' ? c : '-');
    }
    return sb.length() == 0 ? "agent" : sb.toString();
  }

  private static String host() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.trim();
    }
    try {
      String s = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!s.isEmpty()) {
        return s;
      }
    } catch (Exception ignored) {
      // not Linux
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  private static String get(Map<String, String> props, Map<String, String> env, String key) {
    String v = props.get(key);
    if (v == null) {
      v = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return v;
  }
}
