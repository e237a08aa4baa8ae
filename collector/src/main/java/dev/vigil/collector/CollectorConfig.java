package dev.vigil.collector;

import static java.util.Objects.requireNonNull;

import dev.vigil.collector.otlp.OtlpLimits;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Immutable, validated configuration of a {@link CollectorServer}. Every setting has a named
 * default; {@link #fromEnvironment(Map)} reads {@value #ENV_DB_URL}, {@value #ENV_OTLP_PORT},
 * {@value #ENV_TOKEN} (comma-separated tokens) and {@value #ENV_WRITER_THREADS}.
 *
 * <p>Thread-safe.
 */
public final class CollectorConfig {
  public static final String ENV_DB_URL = "VIGIL_DB_URL";
  public static final String ENV_OTLP_PORT = "VIGIL_OTLP_PORT";
  public static final String ENV_TOKEN = "VIGIL_TOKEN";
  public static final String ENV_WRITER_THREADS = "VIGIL_WRITER_THREADS";
  public static final String ENV_COMMIT_TIMEOUT_MS = "VIGIL_COMMIT_TIMEOUT_MS";
  public static final String ENV_TRACE_RETENTION_DAYS = "VIGIL_RETENTION_TRACES_DAYS";
  public static final String ENV_LOG_RETENTION_DAYS = "VIGIL_RETENTION_LOGS_DAYS";
  public static final String ENV_METRIC_RETENTION_DAYS = "VIGIL_RETENTION_METRICS_DAYS";

  public static final String DEFAULT_DB_URL =
      "jdbc:postgresql://127.0.0.1:5432/vigil?user=postgres";
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 4318;
  public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
  public static final int DEFAULT_MAX_QUEUE_ITEMS = 200_000;
  public static final long DEFAULT_MAX_QUEUE_BYTES = 128L * 1024 * 1024;
  public static final int DEFAULT_MAX_BATCH_ITEMS = 20_000;
  public static final int DEFAULT_WRITER_THREADS = 1;

  /**
   * Every request is answered within 1.25 times this even when the database stops answering, so 8 s
   * answers before the 10 s the OpenTelemetry and Vigil exporters wait: a 200 never reaches a
   * client that has already given up and will send the data again.
   */
  public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(8);

  public static final int DEFAULT_RETRY_AFTER_SECONDS = 2;
  public static final int DEFAULT_TRACE_RETENTION_DAYS = 7;
  public static final int DEFAULT_LOG_RETENTION_DAYS = 7;
  public static final int DEFAULT_METRIC_RETENTION_DAYS = 30;
  public static final int DEFAULT_PARTITIONS_AHEAD_DAYS = 2;
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);
  public static final int DEFAULT_POOL_SIZE = 8;

  private final String dbUrl;
  private final String host;
  private final int port;
  private final Set<String> tokens;
  private final OtlpLimits limits;
  private final long maxBodyBytes;
  private final int maxQueueItems;
  private final long maxQueueBytes;
  private final int maxBatchItems;
  private final int writerThreads;
  private final Duration commitTimeout;
  private final int retryAfterSeconds;
  private final int traceRetentionDays;
  private final int logRetentionDays;
  private final int metricRetentionDays;
  private final int partitionsAheadDays;
  private final Duration maintenanceInterval;
  private final Duration probeInterval;
  private final int poolSize;

  private CollectorConfig(Builder b) {
    this.dbUrl = b.dbUrl;
    this.host = b.host;
    this.port = b.port;
    this.tokens = Set.copyOf(b.tokens);
    this.limits = b.limits;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxQueueItems = b.maxQueueItems;
    this.maxQueueBytes = b.maxQueueBytes;
    this.maxBatchItems = b.maxBatchItems;
    this.writerThreads = b.writerThreads;
    this.commitTimeout = b.commitTimeout;
    this.retryAfterSeconds = b.retryAfterSeconds;
    this.traceRetentionDays = b.traceRetentionDays;
    this.logRetentionDays = b.logRetentionDays;
    this.metricRetentionDays = b.metricRetentionDays;
    this.partitionsAheadDays = b.partitionsAheadDays;
    this.maintenanceInterval = b.maintenanceInterval;
    this.probeInterval = b.probeInterval;
    this.poolSize = b.poolSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults overridden by the {@code VIGIL_*} variables present in {@code env}. */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String url = env.get(ENV_DB_URL);
    if (url != null && !url.isBlank()) {
      b.dbUrl(url.trim());
    }
    String port = env.get(ENV_OTLP_PORT);
    if (port != null && !port.isBlank()) {
      try {
        b.port(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(ENV_OTLP_PORT + ": " + port + " (expected: a port)");
      }
    }
    String token = env.get(ENV_TOKEN);
    if (token != null && !token.isBlank()) {
      b.tokens(
          Arrays.stream(token.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList());
    }
    Integer writers = positiveInt(env, ENV_WRITER_THREADS, "a number of threads > 0");
    if (writers != null) {
      b.writerThreads(writers);
    }
    Integer commitMillis = positiveInt(env, ENV_COMMIT_TIMEOUT_MS, "milliseconds > 0");
    if (commitMillis != null) {
      b.commitTimeout(Duration.ofMillis(commitMillis));
    }
    Integer traceDays = positiveInt(env, ENV_TRACE_RETENTION_DAYS, "a number of days > 0");
    if (traceDays != null) {
      b.traceRetentionDays(traceDays);
    }
    Integer logDays = positiveInt(env, ENV_LOG_RETENTION_DAYS, "a number of days > 0");
    if (logDays != null) {
      b.logRetentionDays(logDays);
    }
    Integer metricDays = positiveInt(env, ENV_METRIC_RETENTION_DAYS, "a number of days > 0");
    if (metricDays != null) {
      b.metricRetentionDays(metricDays);
    }
    return b;
  }

  private static @Nullable Integer positiveInt(
      Map<String, String> env, String name, String expected) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the expected form
    }
    throw new IllegalArgumentException(name + ": " + raw + " (expected: " + expected + ")");
  }

  public String dbUrl() {
    return dbUrl;
  }

  public String host() {
    return host;
  }

  /** The OTLP/HTTP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Accepted bearer tokens; empty means no authentication. */
  public Set<String> tokens() {
    return tokens;
  }

  public OtlpLimits limits() {
    return limits;
  }

  /** Largest request body accepted, compressed and decompressed. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  public int maxQueueItems() {
    return maxQueueItems;
  }

  public long maxQueueBytes() {
    return maxQueueBytes;
  }

  public int maxBatchItems() {
    return maxBatchItems;
  }

  public int writerThreads() {
    return writerThreads;
  }

  /**
   * The time budget of one export request: it waits at most half of it in the write queue (then is
   * withdrawn unwritten and answered 503), and the write carrying it has a quarter as deadline and
   * {@code statement_timeout}, so the answer comes within this budget while the database answers.
   */
  public Duration commitTimeout() {
    return commitTimeout;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int traceRetentionDays() {
    return traceRetentionDays;
  }

  public int logRetentionDays() {
    return logRetentionDays;
  }

  public int metricRetentionDays() {
    return metricRetentionDays;
  }

  public int partitionsAheadDays() {
    return partitionsAheadDays;
  }

  public Duration maintenanceInterval() {
    return maintenanceInterval;
  }

  public Duration probeInterval() {
    return probeInterval;
  }

  public int poolSize() {
    return poolSize;
  }

  @Override
  public String toString() {
    return "CollectorConfig{host="
        + host
        + ", port="
        + port
        + ", tokens="
        + tokens.size()
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", maxQueueItems="
        + maxQueueItems
        + ", writerThreads="
        + writerThreads
        + ", retention(traces/logs/metrics)="
        + traceRetentionDays
        + "/"
        + logRetentionDays
        + "/"
        + metricRetentionDays
        + ", "
        + limits
        + '}';
  }

  /** Builds a {@link CollectorConfig}. Not thread-safe. */
  public static final class Builder {
    private String dbUrl = DEFAULT_DB_URL;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Set<String> tokens = new LinkedHashSet<>();
    private OtlpLimits limits = OtlpLimits.DEFAULT;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxQueueItems = DEFAULT_MAX_QUEUE_ITEMS;
    private long maxQueueBytes = DEFAULT_MAX_QUEUE_BYTES;
    private int maxBatchItems = DEFAULT_MAX_BATCH_ITEMS;
    private int writerThreads = DEFAULT_WRITER_THREADS;
    private Duration commitTimeout = DEFAULT_COMMIT_TIMEOUT;
    private int retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
    private int traceRetentionDays = DEFAULT_TRACE_RETENTION_DAYS;
    private int logRetentionDays = DEFAULT_LOG_RETENTION_DAYS;
    private int metricRetentionDays = DEFAULT_METRIC_RETENTION_DAYS;
    private int partitionsAheadDays = DEFAULT_PARTITIONS_AHEAD_DAYS;
    private Duration maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private int poolSize = DEFAULT_POOL_SIZE;

    private Builder() {}

    public Builder dbUrl(String dbUrl) {
      requireNonNull(dbUrl, "dbUrl");
      if (!dbUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "dbUrl: " + dbUrl + " (expected: jdbc:postgresql://...)");
      }
      this.dbUrl = dbUrl;
      return this;
    }

    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    public Builder tokens(Iterable<String> tokens) {
      Set<String> copy = new LinkedHashSet<>();
      for (String token : tokens) {
        if (token == null || token.isBlank()) {
          throw new IllegalArgumentException("tokens: blank token (expected: non-blank)");
        }
        copy.add(token);
      }
      this.tokens = copy;
      return this;
    }

    public Builder limits(OtlpLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    public Builder maxBodyBytes(long value) {
      this.maxBodyBytes = positive("maxBodyBytes", value);
      return this;
    }

    public Builder maxQueueItems(int value) {
      this.maxQueueItems = (int) positive("maxQueueItems", value);
      return this;
    }

    public Builder maxQueueBytes(long value) {
      this.maxQueueBytes = positive("maxQueueBytes", value);
      return this;
    }

    public Builder maxBatchItems(int value) {
      this.maxBatchItems = (int) positive("maxBatchItems", value);
      return this;
    }

    public Builder writerThreads(int value) {
      this.writerThreads = (int) positive("writerThreads", value);
      return this;
    }

    public Builder commitTimeout(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("commitTimeout: " + value + " (expected: > 0)");
      }
      this.commitTimeout = value;
      return this;
    }

    public Builder retryAfterSeconds(int value) {
      this.retryAfterSeconds = (int) positive("retryAfterSeconds", value);
      return this;
    }

    public Builder traceRetentionDays(int value) {
      this.traceRetentionDays = (int) positive("traceRetentionDays", value);
      return this;
    }

    public Builder logRetentionDays(int value) {
      this.logRetentionDays = (int) positive("logRetentionDays", value);
      return this;
    }

    public Builder metricRetentionDays(int value) {
      this.metricRetentionDays = (int) positive("metricRetentionDays", value);
      return this;
    }

    public Builder partitionsAheadDays(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("partitionsAheadDays: " + value + " (expected: >= 0)");
      }
      this.partitionsAheadDays = value;
      return this;
    }

    public Builder maintenanceInterval(Duration value) {
      if (value.toSeconds() < 1) {
        throw new IllegalArgumentException("maintenanceInterval: " + value + " (expected: >= 1s)");
      }
      this.maintenanceInterval = value;
      return this;
    }

    public Builder probeInterval(Duration value) {
      if (value.toMillis() < 10) {
        throw new IllegalArgumentException("probeInterval: " + value + " (expected: >= 10ms)");
      }
      this.probeInterval = value;
      return this;
    }

    public Builder poolSize(int value) {
      this.poolSize = (int) positive("poolSize", value);
      return this;
    }

    public CollectorConfig build() {
      return new CollectorConfig(this);
    }

    private static long positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
