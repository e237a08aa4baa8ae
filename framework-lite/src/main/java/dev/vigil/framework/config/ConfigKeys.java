package dev.vigil.framework.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The documented configuration keys of a framework-lite service, with their defaults. Every key has
 * an environment form: upper case with {@code .} and {@code -} replaced by {@code _}, so {@code
 * vigil.client.timeout} is {@code VIGIL_CLIENT_TIMEOUT}. Stateless.
 */
public final class ConfigKeys {
  public static final String CONFIG_FILE = "vigil.config.file";
  public static final String SERVICE_NAME = "vigil.service.name";
  public static final String SERVICE_VERSION = "vigil.service.version";
  public static final String SERVER_ADDRESS = "vigil.server.address";
  public static final String SERVER_ADVERTISE = "vigil.server.advertise";
  public static final String SERVER_MAX_REQUEST_BYTES = "vigil.server.max-request-bytes";
  public static final String SERVER_DRAIN_TIMEOUT = "vigil.server.drain-timeout";
  public static final String REGISTER_TTL = "vigil.register.ttl";
  public static final String REGISTER_INTERVAL = "vigil.register.interval";
  public static final String REGISTRY = "vigil.registry";
  public static final String TRANSPORT = "vigil.transport";
  public static final String BROKER = "vigil.broker";
  public static final String BROKER_NATS_URL = "vigil.broker.nats.url";
  public static final String SELECTOR = "vigil.selector";
  public static final String SELECTOR_STRATEGY = "vigil.selector.strategy";
  public static final String CLIENT_TIMEOUT = "vigil.client.timeout";
  public static final String CLIENT_RETRIES = "vigil.client.retries";
  public static final String CLIENT_BACKOFF = "vigil.client.backoff";

  /**
   * One documented key.
   *
   * @param name the property name
   * @param defaultValue the default as text, or null when there is none
   * @param description what it sets and the accepted values
   */
  public record Key(String name, @Nullable String defaultValue, String description) {
    /** The environment variable form, for example {@code VIGIL_CLIENT_TIMEOUT}. */
    public String envName() {
      return ConfigKeys.envName(name);
    }
  }

  /** Every key, in documentation order. */
  public static final List<Key> ALL =
      List.of(
          new Key(CONFIG_FILE, null, "a .properties file read over code settings"),
          new Key(SERVICE_NAME, null, "the service name (required unless set in code)"),
          new Key(SERVICE_VERSION, "latest", "the version registered"),
          new Key(SERVER_ADDRESS, "127.0.0.1:0", "host:port to listen on; port 0 picks one"),
          new Key(SERVER_ADVERTISE, null, "host:port registered, when not the bound address"),
          new Key(SERVER_MAX_REQUEST_BYTES, "4194304", "larger request bodies get 413"),
          new Key(SERVER_DRAIN_TIMEOUT, "10s", "how long stop waits for requests in flight"),
          new Key(REGISTER_TTL, "30s", "registrations expire after this unless renewed"),
          new Key(REGISTER_INTERVAL, "10s", "registrations are renewed this often (< ttl)"),
          new Key(REGISTRY, "memory", "registry plugin: memory, cache"),
          new Key(TRANSPORT, "http", "transport plugin: http, memory"),
          new Key(BROKER, "memory", "broker plugin: memory, http, nats, or none"),
          new Key(BROKER_NATS_URL, "nats://127.0.0.1:4222", "NATS server for the nats broker"),
          new Key(SELECTOR, "default", "selector plugin: default"),
          new Key(SELECTOR_STRATEGY, "round-robin", "round-robin, random or weighted"),
          new Key(CLIENT_TIMEOUT, "5s", "default call timeout"),
          new Key(CLIENT_RETRIES, "1", "default retries of calls that are safe to retry (0..10)"),
          new Key(CLIENT_BACKOFF, "50ms", "first retry back-off, doubling, with jitter"));

  private ConfigKeys() {}

  public static Optional<Key> find(String name) {
    return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /** {@code vigil.client.timeout} becomes {@code VIGIL_CLIENT_TIMEOUT}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
