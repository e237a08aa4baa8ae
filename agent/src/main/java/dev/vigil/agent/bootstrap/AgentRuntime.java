package dev.vigil.agent.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the runtime half of the agent: settings, queues, exporter and the exit flush. */
public final class AgentRuntime {
  private static volatile Exporter exporter;

  private AgentRuntime() {}

  /**
   * Starts the exporter once; {@code props} are the agent's {@code vigil.*} system properties, read
   * with the environment for the instance id.
   */
  public static synchronized void start(
      Settings settings, Map<String, String> props, String version) {
    if (exporter != null) {
      return;
    }
    LiveSettings.set(settings);
    Telemetry.configure(settings.queueSize(), settings.batchSize());
    Exporter e =
        new Exporter(
            settings,
            resource(
                settings,
                ConfigCenterSettings.instanceId(props, System.getenv(), settings.serviceName()),
                version),
            version);
    exporter = e;
    e.start();
    Thread hook = new Thread(e::shutdown, "vigil-exporter-flush");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static Object[] resource(Settings settings, String instanceId, String version) {
    List<Object> r = new ArrayList<>();
    r.add("service.name");
    r.add(settings.serviceName());
    r.add("service.instance.id");
    r.add(instanceId);
    r.add("telemetry.sdk.name");
    r.add("vigil");
    r.add("telemetry.sdk.language");
    r.add("java");
    r.add("telemetry.sdk.version");
    r.add(version);
    r.add("process.pid");
    r.add(ProcessHandle.current().pid());
    r.add("process.runtime.version");
    r.add(System.getProperty("java.runtime.version", ""));
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isEmpty()) {
      r.add("host.name");
      r.add(host);
    }
    return r.toArray();
  }
}
