package dev.vigil.agent.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One immutable snapshot of the agent's settings. Built from system properties and environment
 * variables by {@link #parse}, which never fails: a bad value is reported to the warning sink with
 * what was expected and the default is used instead. {@link LiveSettings} holds the current one.
 */
public final class Settings {
  public static final String DEFAULT_SERVICE_NAME = "unknown_service:java";
  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4318";
  public static final double DEFAULT_SAMPLER_RATIO = 1.0;
  public static final long DEFAULT_METRICS_INTERVAL_MILLIS = 10_000;
  public static final int DEFAULT_QUEUE_SIZE = 2048;
  public static final int DEFAULT_BATCH_SIZE = 512;
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 2_000;

  /** Logback's INFO level as an int; the default threshold for exporting log events. */
  public static final int DEFAULT_LOG_LEVEL = LogLevels.INFO;

  /** Names of the instrumentations that {@code vigil.instrumentation.<name>.enabled} switches. */
  public static final String[] INSTRUMENTATIONS = {
    "framework-lite",
    "jdbc",
    "java-http-client",
    "http-url-connection",
    "javalin",
    "logback",
    "jvm-metrics"
  };

  private final boolean agentEnabled;
  private final String serviceName;
  private final String endpoint;
  private final String token;
  private final double samplerRatio;
  private final long metricsIntervalMillis;
  private final int logLevel;
  private final int queueSize;
  private final int batchSize;
  private final long shutdownTimeoutMillis;
  private final Map<String, Boolean> instrumentations;

  /** The switched-off instrumentations: usually none, which advice checks with one field read. */
  private final String[] disabled;

  private Settings(Builder b) {
    this.agentEnabled = b.agentEnabled;
    this.serviceName = b.serviceName;
    this.endpoint = b.endpoint;
    this.token = b.token;
    this.samplerRatio = b.samplerRatio;
    this.metricsIntervalMillis = b.metricsIntervalMillis;
    this.logLevel = b.logLevel;
    this.queueSize = b.queueSize;
    this.batchSize = b.batchSize;
    this.shutdownTimeoutMillis = b.shutdownTimeoutMillis;
    this.instrumentations = Collections.unmodifiableMap(new LinkedHashMap<>(b.instrumentations));
    List<String> off = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : instrumentations.entrySet()) {
      if (!e.getValue()) {
        off.add(e.getKey());
      }
    }
    this.disabled = off.toArray(new String[0]);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.agentEnabled = agentEnabled;
    b.serviceName = serviceName;
    b.endpoint = endpoint;
    b.token = token;
    b.samplerRatio = samplerRatio;
    b.metricsIntervalMillis = metricsIntervalMillis;
    b.logLevel = logLevel;
    b.queueSize = queueSize;
    b.batchSize = batchSize;
    b.shutdownTimeoutMillis = shutdownTimeoutMillis;
    b.instrumentations.putAll(instrumentations);
    return b;
  }

  /**
   * Reads {@code vigil.*} system properties, falling back to {@code VIGIL_*} environment variables
   * (dots and dashes become underscores, upper case). Bad values go to {@code warn} and are
   * replaced by defaults.
   */
  public static Settings parse(
      Map<String, String> systemProperties, Map<String, String> env, Consumer<String> warn) {
    return parse(systemProperties, env, warn, builder());
  }

  /** Parses over {@code b}: what is absent or bad keeps {@code b}'s value. */
  private static Settings parse(
      Map<String, String> systemProperties,
      Map<String, String> env,
      Consumer<String> warn,
      Builder b) {
    Source src = new Source(systemProperties, env);
    b.agentEnabled = src.bool("vigil.agent.enabled", b.agentEnabled, warn);
    String name = src.get("vigil.service.name");
    if (name == null) {
      name = env.get("OTEL_SERVICE_NAME");
    }
    if (name != null && !name.isBlank()) {
      b.serviceName = name.trim();
    }
    String endpoint = src.get("vigil.collector.endpoint");
    if (endpoint != null) {
      String e = endpoint.trim();
      while (e.endsWith("/")) {
        e = e.substring(0, e.length() - 1);
      }
      if (e.startsWith("http://") || e.startsWith("https://")) {
        b.endpoint = e;
      } else {
        warn.accept(
            "vigil.collector.endpoint: "
                + endpoint
                + " (expected: an http:// or https:// URL); using "
                + b.endpoint);
      }
    }
    String token = src.get("vigil.token");
    if (token != null && !token.isBlank()) {
      b.token = token.trim();
    }
    String ratio = src.get("vigil.sampler.ratio");
    if (ratio != null) {
      try {
        double r = Double.parseDouble(ratio.trim());
        if (r >= 0 && r <= 1) {
          b.samplerRatio = r;
        } else {
          warn.accept(
              "vigil.sampler.ratio: " + ratio + " (expected: 0.0 to 1.0); using " + b.samplerRatio);
        }
      } catch (NumberFormatException e) {
        warn.accept(
            "vigil.sampler.ratio: " + ratio + " (expected: 0.0 to 1.0); using " + b.samplerRatio);
      }
    }
    b.metricsIntervalMillis = src.duration("vigil.metrics.interval", b.metricsIntervalMillis, warn);
    String level = src.get("vigil.log.level");
    if (level != null) {
      int l = LogLevels.parse(level);
      if (l < 0) {
        warn.accept(
            "vigil.log.level: "
                + level
                + " (expected: TRACE, DEBUG, INFO, WARN, ERROR or OFF); using "
                + LogLevels.name(b.logLevel));
      } else {
        b.logLevel = l;
      }
    }
    b.queueSize = src.positiveInt("vigil.exporter.queue.size", b.queueSize, warn);
    b.batchSize = src.positiveInt("vigil.exporter.batch.size", b.batchSize, warn);
    b.shutdownTimeoutMillis =
        src.duration("vigil.exporter.shutdown.timeout", b.shutdownTimeoutMillis, warn);
    for (String i : INSTRUMENTATIONS) {
      boolean current = b.instrumentations.getOrDefault(i, true);
      b.instrumentations.put(i, src.bool("vigil.instrumentation." + i + ".enabled", current, warn));
    }
    return b.build();
  }

  /**
   * A copy with run-time overrides applied (keys as system properties, e.g. {@code
   * vigil.sampler.ratio}); only sampling, instrumentation switches, log level and metrics interval
   * can change at run time.
   */
  public Settings withOverrides(Map<String, String> overrides, Consumer<String> warn) {
    Map<String, String> props = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String k = e.getKey();
      if (k.equals("vigil.sampler.ratio")
          || k.equals("vigil.log.level")
          || k.equals("vigil.metrics.interval")
          || (k.startsWith("vigil.instrumentation.") && k.endsWith(".enabled"))) {
        props.put(k, e.getValue());
      } else {
        warn.accept(k + " cannot change at run time; ignored");
      }
    }
    return parse(props, Collections.emptyMap(), warn, toBuilder());
  }

  public boolean agentEnabled() {
    return agentEnabled;
  }

  public String serviceName() {
    return serviceName;
  }

  /** Base URL of the collector's OTLP/HTTP receiver, without a trailing slash. */
  public String endpoint() {
    return endpoint;
  }

  /** Bearer token sent to the collector; empty when none. */
  public String token() {
    return token;
  }

  public double samplerRatio() {
    return samplerRatio;
  }

  public long metricsIntervalMillis() {
    return metricsIntervalMillis;
  }

  /** Log events at or above this logback level int are exported. */
  public int logLevel() {
    return logLevel;
  }

  public int queueSize() {
    return queueSize;
  }

  public int batchSize() {
    return batchSize;
  }

  public long shutdownTimeoutMillis() {
    return shutdownTimeoutMillis;
  }

  public boolean instrumentationEnabled(String name) {
    for (String d : disabled) {
      if (d.equals(name)) {
        return false;
      }
    }
    return true;
  }

  public Map<String, Boolean> instrumentations() {
    return instrumentations;
  }

  /** Builds validated settings; setters reject bad values with the value and what was expected. */
  public static final class Builder {
    private boolean agentEnabled = true;
    private String serviceName = DEFAULT_SERVICE_NAME;
    private String endpoint = DEFAULT_ENDPOINT;
    private String token = "";
    private double samplerRatio = DEFAULT_SAMPLER_RATIO;
    private long metricsIntervalMillis = DEFAULT_METRICS_INTERVAL_MILLIS;
    private int logLevel = DEFAULT_LOG_LEVEL;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private long shutdownTimeoutMillis = DEFAULT_SHUTDOWN_TIMEOUT_MILLIS;
    private final Map<String, Boolean> instrumentations = new LinkedHashMap<>();

    private Builder() {}

    public Builder serviceName(String v) {
      this.serviceName = v;
      return this;
    }

    public Builder endpoint(String v) {
      this.endpoint = v;
      return this;
    }

    public Builder token(String v) {
      this.token = v;
      return this;
    }

    public Builder samplerRatio(double v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("samplerRatio: " + v + " (expected: 0.0 to 1.0)");
      }
      this.samplerRatio = v;
      return this;
    }

    public Builder metricsIntervalMillis(long v) {
      if (v <= 0) {
        throw new IllegalArgumentException("metricsIntervalMillis: " + v + " (expected: > 0)");
      }
      this.metricsIntervalMillis = v;
      return this;
    }

    public Builder logLevel(int v) {
      this.logLevel = v;
      return this;
    }

    public Builder queueSize(int v) {
      if (v <= 0) {
        throw new IllegalArgumentException("queueSize: " + v + " (expected: > 0)");
      }
      this.queueSize = v;
      return this;
    }

    public Builder batchSize(int v) {
      if (v <= 0) {
        throw new IllegalArgumentException("batchSize: " + v + " (expected: > 0)");
      }
      this.batchSize = v;
      return this;
    }

    public Builder instrumentation(String name, boolean enabled) {
      instrumentations.put(name, enabled);
      return this;
    }

    public Settings build() {
      return new Settings(this);
    }
  }

  private static final class Source {
    private final Map<String, String> props;
    private final Map<String, String> env;

    Source(Map<String, String> props, Map<String, String> env) {
      this.props = props;
      this.env = env;
    }

    String get(String key) {
      String v = props.get(key);
      if (v == null) {
        v = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
      }
      return v;
    }

    boolean bool(String key, boolean def, Consumer<String> warn) {
      String v = get(key);
      if (v == null) {
        return def;
      }
      String t = v.trim();
      if (t.equalsIgnoreCase("true")) {
        return true;
      }
      if (t.equalsIgnoreCase("false")) {
        return false;
      }
      warn.accept(key + ": " + v + " (expected: true or false); using " + def);
      return def;
    }

    int positiveInt(String key, int def, Consumer<String> warn) {
      String v = get(key);
      if (v == null) {
        return def;
      }
      try {
        int i = Integer.parseInt(v.trim());
        if (i > 0) {
          return i;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      warn.accept(key + ": " + v + " (expected: an integer > 0); using " + def);
      return def;
    }

    /** Accepts {@code 500ms}, {@code 10s}, {@code 1m} or a bare number of milliseconds. */
    long duration(String key, long def, Consumer<String> warn) {
      String v = get(key);
      if (v == null) {
        return def;
      }
      String t = v.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      if (t.endsWith("ms")) {
        t = t.substring(0, t.length() - 2);
      } else if (t.endsWith("s")) {
        t = t.substring(0, t.length() - 1);
        unit = 1000;
      } else if (t.endsWith("m")) {
        t = t.substring(0, t.length() - 1);
        unit = 60_000;
      }
      try {
        long n = Long.parseLong(t.trim());
        if (n > 0) {
          return n * unit;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      warn.accept(
          key
              + ": "
              + v
              + " (expected: a positive duration such as 500ms, 10s or 1m); using "
              + def
              + "ms");
      return def;
    }
  }
}
