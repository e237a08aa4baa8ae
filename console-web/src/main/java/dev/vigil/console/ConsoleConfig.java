package dev.vigil.console;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Immutable, validated configuration of a {@link ConsoleServer}: where it listens and which bearer
 * tokens its API accepts. Every setting has a named default.
 *
 * <p>Thread-safe.
 */
public final class ConsoleConfig {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;

  /** How long stopping waits for requests in flight. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /**
   * Where a generated first-admin password is written: the system property {@code
   * vigil.adminPasswordFile} when set, else {@code ~/.vigil/admin-password}.
   */
  public static final Path DEFAULT_ADMIN_PASSWORD_FILE =
      System.getProperty("vigil.adminPasswordFile") != null
          ? Path.of(System.getProperty("vigil.adminPasswordFile"))
          : Path.of(System.getProperty("user.home"), ".vigil", "admin-password");

  private final String host;
  private final int port;
  private final Set<String> tokens;
  private final Duration shutdownGrace;
  private final @Nullable String adminPassword;
  private final Path adminPasswordFile;

  private ConsoleConfig(Builder b) {
    this.adminPassword = b.adminPassword;
    this.adminPasswordFile = b.adminPasswordFile;
    this.host = b.host;
    this.port = b.port;
    this.tokens = Set.copyOf(b.tokens);
    this.shutdownGrace = b.shutdownGrace;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() {
    return host;
  }

  /** The HTTP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Bearer tokens {@code /api/v1} accepts; empty means the API is open. */
  public Set<String> tokens() {
    return tokens;
  }

  /** How long stopping waits for requests in flight before closing their connections. */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /**
   * The password of the first console user, {@code admin}, created when there are no users ({@code
   * VIGIL_ADMIN_PASSWORD}); null to generate one.
   */
  public @Nullable String adminPassword() {
    return adminPassword;
  }

  /** Where a generated first-admin password is kept, readable only by its owner. */
  public Path adminPasswordFile() {
    return adminPasswordFile;
  }

  /** Configures a {@link ConsoleConfig}. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Set<String> tokens = Set.of();
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private @Nullable String adminPassword;
    private Path adminPasswordFile = DEFAULT_ADMIN_PASSWORD_FILE;

    private Builder() {}

    public Builder adminPassword(@Nullable String password) {
      if (password != null && password.length() < 12) {
        throw new IllegalArgumentException(
            "adminPassword: " + password.length() + " characters (expected: at least 12)");
      }
      this.adminPassword = password;
      return this;
    }

    public Builder adminPasswordFile(Path file) {
      this.adminPasswordFile = requireNonNull(file, "file");
      return this;
    }

    public Builder host(String host) {
      requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host: '' (expected: a host name or address)");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    public Builder tokens(Collection<String> tokens) {
      for (String token : tokens) {
        if (token == null || token.isBlank() || token.length() < 8) {
          throw new IllegalArgumentException(
              "token: a token of "
                  + (token == null ? 0 : token.length())
                  + " characters (expected: at least 8 non-blank characters)");
        }
      }
      this.tokens = Set.copyOf(tokens);
      return this;
    }

    public Builder shutdownGrace(Duration shutdownGrace) {
      requireNonNull(shutdownGrace, "shutdownGrace");
      if (shutdownGrace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace + " (expected: >= 0)");
      }
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    public ConsoleConfig build() {
      return new ConsoleConfig(this);
    }
  }
}
