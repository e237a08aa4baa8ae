package dev.vigil.agent.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The daemon thread that keeps the agent's live settings in line with the config center: it holds a
 * blocking query on {@code GET {url}/api/v1/config/{env}/vigil-agent?instance=..&index=N&wait=..},
 * applies each new release through {@link LiveSettings#update} and reports the applied release to
 * the console's listener view. Errors back off (1 s doubling to 60 s, moving to the next console
 * URL) and are logged once per outage; the application never sees them. Its HTTP calls are never
 * traced. Everything but {@link #start} runs on its own thread, so start-up pays for one thread.
 */
public final class ConfigCenterWatcher implements Runnable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long MAX_BACKOFF_MILLIS = 60_000;
  private static final long MIN_CYCLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Map<String, String> props;
  private final Map<String, String> env;
  private final Settings startup;

  private ConfigCenterSettings config;
  private LiveConfigKeys keys;
  private int urlIndex;
  private long index;
  private boolean synced;
  private int appliedRelease = -1;
  private int reportedRelease;
  private boolean outageLogged;
  private volatile boolean stopped;

  private ConfigCenterWatcher(
      Map<String, String> props, Map<String, String> env, Settings startup) {
    this.props = props;
    this.env = env;
    this.startup = startup;
  }

  /**
   * Starts the watcher thread when {@code vigil.config.url} is set; otherwise does nothing.
   * Settings are read on the thread.
   */
  public static void start(Map<String, String> props, Map<String, String> env, Settings startup) {
    if (!ConfigCenterSettings.configured(props, env)) {
      return;
    }
    Thread t = new Thread(new ConfigCenterWatcher(props, env, startup), "vigil-config");
    t.setDaemon(true);
    t.setPriority(Thread.NORM_PRIORITY - 1);
    t.start();
  }

  @Override
  public void run() {
    Tracer.suppress();
    try {
      config = ConfigCenterSettings.parse(props, env, startup.serviceName(), AgentLog::warn);
      if (config == null) {
        return;
      }
      keys = new LiveConfigKeys(startup);
      AgentLog.info(
          "live settings from "
              + config.urls.get(0)
              + " "
              + config.env
              + "/"
              + ConfigCenterSettings.APP
              + " as instance "
              + config.instance);
      loop();
    } catch (Throwable t) {
      AgentLog.warn("live settings stopped", t);
    }
  }

  private void loop() {
    Backoff backoff = new Backoff(1_000, MAX_BACKOFF_MILLIS, 0.2);
    while (!stopped) {
      long started = System.nanoTime();
      long before = index;
      boolean blocking = synced;
      String problem;
      try {
        problem = cycle();
      } catch (IOException | RuntimeException e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (problem == null) {
        if (outageLogged) {
          outageLogged = false;
          AgentLog.info("config center reachable again at " + url());
        }
        backoff.reset();
        // A console answering at once without a change must not make this thread spin.
        if (index == before && System.nanoTime() - started < MIN_CYCLE_NANOS && blocking) {
          sleep(1_000);
        }
        continue;
      }
      if (!outageLogged) {
        outageLogged = true;
        AgentLog.warn(
            "config center "
                + url()
                + " failed, keeping the current settings and retrying with back-off: "
                + problem);
      }
      urlIndex = (urlIndex + 1) % config.urls.size();
      sleep(backoff.nextDelayMillis());
    }
  }

  /** One query and, on a new release, apply and report. Returns null or what went wrong. */
  private String cycle() throws IOException {
    StringBuilder q = new StringBuilder(path(""));
    q.append("?instance=").append(enc(config.instance));
    q.append("&labels=").append(enc("service=" + config.serviceLabel));
    int readTimeout = CONNECT_TIMEOUT_MILLIS * 2;
    if (synced) {
      q.append("&index=").append(index).append("&wait=").append(config.waitMillis).append("ms");
      readTimeout += (int) config.waitMillis;
    }
    ConfigCenterHttp.Response r =
        ConfigCenterHttp.exchange(
            URI.create(url() + q), "GET", config.token, null, CONNECT_TIMEOUT_MILLIS, readTimeout);
    if (r.status != 200) {
      return "HTTP " + r.status + " " + abbreviate(r.body);
    }
    Object parsed = TinyJson.parse(r.body);
    if (!(parsed instanceof Map)) {
      return "not a JSON object: " + abbreviate(r.body);
    }
    Map<?, ?> body = (Map<?, ?>) parsed;
    int release = body.get("release") instanceof Long ? ((Long) body.get("release")).intValue() : 0;
    Map<String, String> entries = new LinkedHashMap<>();
    if (body.get("entries") instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) body.get("entries")).entrySet()) {
        Object v = e.getValue();
        entries.put(String.valueOf(e.getKey()), v == null ? "" : String.valueOf(v));
      }
    }
    long next =
        r.index >= 0 ? r.index : (body.get("index") instanceof Long ? (Long) body.get("index") : 0);
    // Follow the console even if its index went backwards (a restored database).
    index = next;
    synced = true;
    if (release != appliedRelease) {
      apply(release, entries);
    }
    report();
    return null;
  }

  private void apply(int release, Map<String, String> entries) {
    String where = config.env + "/" + ConfigCenterSettings.APP + " release " + release;
    Settings current = LiveSettings.get();
    Map<String, String> changes =
        keys.changes(
            release == 0 ? Collections.emptyMap() : entries,
            current,
            m -> AgentLog.warn("config center " + where + ": " + m));
    appliedRelease = release;
    if (changes.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> c : changes.entrySet()) {
      String k = c.getKey();
      if (k.startsWith("vigil.instrumentation.")
          && Boolean.parseBoolean(c.getValue())
          && !startup.instrumentationEnabled(
              k.substring("vigil.instrumentation.".length(), k.length() - ".enabled".length()))
          && !k.equals("vigil.instrumentation.jvm-metrics.enabled")) {
        AgentLog.info(
            k.substring("vigil.".length())
                + "=true takes effect after a restart: it was off when the agent started");
      }
    }
    LiveSettings.update(changes);
    StringBuilder applied = new StringBuilder();
    changes.forEach(
        (k, v) ->
            applied
                .append(applied.length() == 0 ? "" : " ")
                .append(k.substring("vigil.".length()))
                .append('=')
                .append(v));
    AgentLog.info("applied " + where + ": " + applied);
  }

  private void report() throws IOException {
    if (appliedRelease <= 0 || appliedRelease == reportedRelease) {
      return;
    }
    String body =
        "{\"release\":"
            + appliedRelease
            + ",\"labels\":{\"service\":"
            + quote(config.serviceLabel)
            + "}}";
    ConfigCenterHttp.Response r =
        ConfigCenterHttp.exchange(
            URI.create(url() + path("/instances/" + enc(config.instance))),
            "POST",
            config.token,
            body.getBytes(StandardCharsets.UTF_8),
            CONNECT_TIMEOUT_MILLIS,
            CONNECT_TIMEOUT_MILLIS * 2);
    if (r.status / 100 == 2) {
      reportedRelease = appliedRelease;
    } else {
      AgentLog.debug("reporting release " + appliedRelease + " answered HTTP " + r.status);
    }
  }

  private String url() {
    return config.urls.get(urlIndex).toString();
  }

  private String path(String suffix) {
    return "/api/v1/config/" + config.env + "/" + ConfigCenterSettings.APP + suffix;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String abbreviate(String s) {
    String t = s.replace('\n', ' ').trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      stopped = true;
    }
  }
}
