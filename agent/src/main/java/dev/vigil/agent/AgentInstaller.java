package dev.vigil.agent;

import dev.vigil.agent.bootstrap.AgentLog;
import dev.vigil.agent.bootstrap.AgentRuntime;
import dev.vigil.agent.bootstrap.ClientSupport;
import dev.vigil.agent.bootstrap.ConfigCenterWatcher;
import dev.vigil.agent.bootstrap.ServerSupport;
import dev.vigil.agent.bootstrap.Settings;
import dev.vigil.agent.bootstrap.Tracer;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import dev.vigil.agent.instrumentation.frameworklite.FrameworkLiteModule;
import dev.vigil.agent.instrumentation.httpclient.JavaHttpClientModule;
import dev.vigil.agent.instrumentation.httpurlconnection.HttpUrlConnectionModule;
import dev.vigil.agent.instrumentation.javalin.JavalinModule;
import dev.vigil.agent.instrumentation.jdbc.JdbcModule;
import dev.vigil.agent.instrumentation.jdbc.JdbcSupport;
import dev.vigil.agent.instrumentation.logback.LogbackModule;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads the settings, starts the runtime and registers the name filter that builds the enabled
 * instrumentation modules' advice with Byte Buddy on first need, then prints the one start-up line.
 * Runs once, on the premain thread.
 */
final class AgentInstaller {
  static final String VERSION = version();

  private AgentInstaller() {}

  static List<InstrumentationModule> modules() {
    List<InstrumentationModule> m = new ArrayList<>();
    m.add(new FrameworkLiteModule());
    m.add(new JdbcModule());
    m.add(new JavaHttpClientModule());
    m.add(new HttpUrlConnectionModule());
    m.add(new JavalinModule());
    m.add(new LogbackModule());
    return m;
  }

  /** Class names (internal form) each module instruments, for the start-up name filter. */
  static Map<String, List<String>> targets() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put(FrameworkLiteModule.NAME, List.of("dev/vigil/framework/hooks/Hooks"));
    m.put(JdbcSupport.NAME, List.of());
    m.put(ClientSupport.JAVA_HTTP_CLIENT, List.of("jdk/internal/net/http/HttpClientFacade"));
    m.put(
        ClientSupport.HTTP_URL_CONNECTION, List.of("sun/net/www/protocol/http/HttpURLConnection"));
    m.put(
        ServerSupport.JAVALIN,
        List.of("io/javalin/http/servlet/JavalinServlet", "io/javalin/router/Endpoint"));
    m.put(LogbackModule.NAME, List.of("ch/qos/logback/classic/Logger"));
    return m;
  }

  static void install(Instrumentation inst, boolean attached, long startNanos) {
    Map<String, String> properties = vigilProperties();
    Settings settings = Settings.parse(properties, System.getenv(), AgentLog::warn);
    AgentRuntime.start(settings, properties, VERSION);
    ConfigCenterWatcher.start(properties, System.getenv(), settings);

    List<String> enabled = new ArrayList<>();
    Set<String> exact = new HashSet<>();
    for (Map.Entry<String, List<String>> e : targets().entrySet()) {
      if (settings.instrumentationEnabled(e.getKey())) {
        enabled.add(e.getKey());
        exact.addAll(e.getValue());
      }
    }
    Candidates candidates = new Candidates(exact, enabled.contains(JdbcSupport.NAME));
    LazyTransformer lazy = new LazyTransformer(candidates, () -> build(settings, inst));
    inst.addTransformer(lazy, attached);
    if (attached) {
      // Already loaded classes that may need advice are retransformed now, picked by name.
      List<Class<?>> loaded = new ArrayList<>();
      for (Class<?> c : inst.getAllLoadedClasses()) {
        if (candidates.matches(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
          loaded.add(c);
        }
      }
      if (!loaded.isEmpty()) {
        try {
          inst.retransformClasses(loaded.toArray(new Class<?>[0]));
        } catch (Throwable t) {
          AgentLog.warn("could not retransform already loaded classes", t);
        }
      }
    }
    if (settings.instrumentationEnabled("jvm-metrics")) {
      enabled.add("jvm-metrics");
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    AgentLog.info(
        "Vigil agent "
            + VERSION
            + " service="
            + settings.serviceName()
            + " endpoint="
            + settings.endpoint()
            + " sampler.ratio="
            + settings.samplerRatio()
            + " instrumentations="
            + String.join(",", enabled)
            + " started in "
            + ms
            + " ms");
  }

  static ClassFileTransformer build(Settings settings, Instrumentation inst) {
    // Advice inlined into JDK classes calls the runtime on the bootstrap class path: the JDK's
    // named modules must read the unnamed module that holds it.
    Module runtime = Tracer.class.getModule();
    Set<Module> readable = Set.of(runtime, VigilAgent.class.getModule());
    for (String name : List.of("java.base", "java.net.http")) {
      ModuleLayer.boot()
          .findModule(name)
          .ifPresent(
              m -> inst.redefineModule(m, Set.of(runtime), Map.of(), Map.of(), Set.of(), Map.of()));
    }
    List<TypeInstrumentation> types = new ArrayList<>();
    for (InstrumentationModule module : modules()) {
      if (settings.instrumentationEnabled(module.name())) {
        types.addAll(module.typeInstrumentations());
      }
    }
    return new AdviceTransformer(types, inst, readable);
  }

  private static Map<String, String> vigilProperties() {
    Map<String, String> m = new HashMap<>();
    Properties p = System.getProperties();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("vigil.") || k.startsWith("otel.")) {
        m.put(k, p.getProperty(k));
      }
    }
    return m;
  }

  private static String version() {
    String v = AgentInstaller.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
