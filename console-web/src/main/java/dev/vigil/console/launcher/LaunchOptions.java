package dev.vigil.console.launcher;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code java -jar vigil.jar} was asked to run: the subcommand and its settings, read from
 * flags ({@code --db-url=...}) over environment variables ({@code VIGIL_DB_URL}) over named
 * defaults. Every bad value is a {@link UsageException} naming the flag or variable, the value and
 * what was expected.
 *
 * <p>Immutable and thread-safe.
 */
public final class LaunchOptions {
  public static final String ENV_DB_URL = "VIGIL_DB_URL";
  public static final String ENV_HTTP_PORT = "VIGIL_HTTP_PORT";
  public static final String ENV_OTLP_PORT = "VIGIL_OTLP_PORT";
  public static final String ENV_TOKEN = "VIGIL_TOKEN";
  public static final String ENV_HOST = "VIGIL_HOST";

  public static final String DEFAULT_DB_URL =
      "jdbc:postgresql://127.0.0.1:5432/vigil?user=postgres";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_OTLP_PORT = 4318;
  public static final String DEFAULT_HOST = "0.0.0.0";

  /** The subcommands: which servers run in this process. */
  public enum Mode {
    /** Collector and console in one JVM. */
    SERVER(true, true),
    /** OTLP ingest only. */
    COLLECTOR(true, false),
    /** Query API and console only. */
    CONSOLE(false, true);

    private final boolean collector;
    private final boolean console;

    Mode(boolean collector, boolean console) {
      this.collector = collector;
      this.console = console;
    }

    public boolean runsCollector() {
      return collector;
    }

    public boolean runsConsole() {
      return console;
    }

    String command() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private enum Flag {
    DB_URL("--db-url", ENV_DB_URL, true, true),
    HTTP_PORT("--http-port", ENV_HTTP_PORT, false, true),
    OTLP_PORT("--otlp-port", ENV_OTLP_PORT, true, false),
    TOKEN("--token", ENV_TOKEN, true, true),
    HOST("--host", ENV_HOST, true, true);

    final String flag;
    final String env;
    final boolean collector;
    final boolean console;

    Flag(String flag, String env, boolean collector, boolean console) {
      this.flag = flag;
      this.env = env;
      this.collector = collector;
      this.console = console;
    }

    boolean usedBy(Mode mode) {
      return (collector && mode.runsCollector()) || (console && mode.runsConsole());
    }
  }

  private final Mode mode;
  private final String dbUrl;
  private final int httpPort;
  private final int otlpPort;
  private final Set<String> tokens;
  private final String host;

  private LaunchOptions(
      Mode mode, String dbUrl, int httpPort, int otlpPort, Set<String> tokens, String host) {
    this.mode = mode;
    this.dbUrl = dbUrl;
    this.httpPort = httpPort;
    this.otlpPort = otlpPort;
    this.tokens = tokens;
    this.host = host;
  }

  /** Whether {@code args} ask for the usage text rather than a server. */
  public static boolean wantsHelp(List<String> args) {
    return args.isEmpty()
        || args.contains("--help")
        || args.contains("-h")
        || args.get(0).equals("help");
  }

  /**
   * Parses {@code args} ({@code <subcommand> [--flag=value | --flag value]...}) with {@code env}
   * supplying what the flags leave out.
   *
   * @throws UsageException for an unknown subcommand or flag, a flag the subcommand does not use, a
   *     repeated flag, or a bad value
   */
  public static LaunchOptions parse(List<String> args, Map<String, String> env) {
    requireNonNull(args, "args");
    requireNonNull(env, "env");
    if (args.isEmpty()) {
      throw new UsageException("missing subcommand (expected: server, collector or console)");
    }
    Mode mode = mode(args.get(0));
    Map<Flag, String> flags = new LinkedHashMap<>();
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      Flag flag = flag(name);
      if (!flag.usedBy(mode)) {
        throw new UsageException(flag.flag + ": not used by the " + mode.command() + " subcommand");
      }
      if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException(flag.flag + ": missing value (expected: " + flag.flag + "=...)");
        }
        value = args.get(++i);
      }
      if (flags.put(flag, value) != null) {
        throw new UsageException(flag.flag + ": given twice (expected: once)");
      }
    }
    String dbUrl = setting(flags, env, Flag.DB_URL, DEFAULT_DB_URL);
    if (!dbUrl.startsWith("jdbc:postgresql://")) {
      throw new UsageException(
          source(flags, Flag.DB_URL)
              + ": "
              + dbUrl
              + " (expected: jdbc:postgresql://host:port/database?user=...)");
    }
    int httpPort = port(flags, env, Flag.HTTP_PORT, DEFAULT_HTTP_PORT);
    int otlpPort = port(flags, env, Flag.OTLP_PORT, DEFAULT_OTLP_PORT);
    if (mode == Mode.SERVER && httpPort != 0 && httpPort == otlpPort) {
      throw new UsageException(
          source(flags, Flag.OTLP_PORT)
              + ": "
              + otlpPort
              + " (expected: a port other than the "
              + "HTTP port "
              + httpPort
              + ")");
    }
    String tokenList = setting(flags, env, Flag.TOKEN, "");
    Set<String> tokens =
        Set.copyOf(
            Arrays.stream(tokenList.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .toList());
    if (flags.containsKey(Flag.TOKEN) && tokens.isEmpty()) {
      throw new UsageException("--token: '' (expected: a non-empty token)");
    }
    String host = setting(flags, env, Flag.HOST, DEFAULT_HOST);
    return new LaunchOptions(mode, dbUrl, httpPort, otlpPort, tokens, host);
  }

  public Mode mode() {
    return mode;
  }

  public String dbUrl() {
    return dbUrl;
  }

  /** The console's HTTP port (query API, /health, /ready, /metrics); 0 picks a free one. */
  public int httpPort() {
    return httpPort;
  }

  /** The collector's OTLP/HTTP port; 0 picks a free one. */
  public int otlpPort() {
    return otlpPort;
  }

  /** Bearer tokens accepted by every API; empty means the APIs are open. */
  public Set<String> tokens() {
    return tokens;
  }

  /** The address the servers bind. */
  public String host() {
    return host;
  }

  /** The usage text printed for {@code --help} and after a usage error. */
  public static String usage() {
    return """
        Usage: java -jar vigil.jar <subcommand> [flags]

        Subcommands:
          server      collector and console in one process
          collector   OTLP/HTTP ingest only (scale on its own)
          console     query API and console only (scale on its own)

        Flags (each overrides its environment variable):
          --db-url=URL      VIGIL_DB_URL     PostgreSQL JDBC URL (default %s)
          --http-port=N     VIGIL_HTTP_PORT  console port (default %d; 0 = any free port)
          --otlp-port=N     VIGIL_OTLP_PORT  OTLP/HTTP port (default %d; 0 = any free port)
          --token=T[,T...]  VIGIL_TOKEN      bearer token(s) every API requires (default: none)
          --host=ADDRESS    VIGIL_HOST       address to bind (default %s)

        Exit codes: 0 stopped normally, 1 failed to start, 2 bad command line or environment.
        """
        .formatted(DEFAULT_DB_URL, DEFAULT_HTTP_PORT, DEFAULT_OTLP_PORT, DEFAULT_HOST);
  }

  @Override
  public String toString() {
    return "LaunchOptions{mode="
        + mode.command()
        + ", dbUrl="
        + redact(dbUrl)
        + ", httpPort="
        + httpPort
        + ", otlpPort="
        + otlpPort
        + ", tokens="
        + tokens.size()
        + ", host="
        + host
        + "}";
  }

  /** The URL without its query string, which may carry a password. */
  static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?...";
  }

  private static Mode mode(String command) {
    for (Mode mode : Mode.values()) {
      if (mode.command().equals(command)) {
        return mode;
      }
    }
    throw new UsageException(
        "unknown subcommand: " + command + " (expected: server, collector or console)");
  }

  private static Flag flag(String name) {
    List<String> known = new ArrayList<>();
    for (Flag flag : Flag.values()) {
      if (flag.flag.equals(name)) {
        return flag;
      }
      known.add(flag.flag);
    }
    throw new UsageException("unknown flag: " + name + " (expected: one of " + known + ")");
  }

  private static String setting(
      Map<Flag, String> flags, Map<String, String> env, Flag flag, String defaultValue) {
    String value = flags.get(flag);
    if (value == null) {
      value = env.get(flag.env);
    }
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  private static int port(
      Map<Flag, String> flags, Map<String, String> env, Flag flag, int defaultValue) {
    String raw = setting(flags, env, flag, Integer.toString(defaultValue));
    try {
      int port = Integer.parseInt(raw);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new UsageException(source(flags, flag) + ": " + raw + " (expected: a port 0..65535)");
  }

  /** Names where a value came from: the flag if given, otherwise the environment variable. */
  private static String source(Map<Flag, String> flags, Flag flag) {
    return flags.containsKey(flag) ? flag.flag : flag.env;
  }
}
