package dev.vigil.agent;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * The {@code -javaagent} entry point. It first puts the agent's runtime (context, spans, export)
 * into the boot class loader so advice inlined into JDK classes can reach it, then hands over to
 * {@link AgentInstaller}. It must not touch a runtime class before that, or a second copy would
 * load. Nothing here throws into the host application.
 */
public final class VigilAgent {
  static final String BOOTSTRAP_JAR = "META-INF/vigil/vigil-agent-bootstrap.jar";
  private static boolean started;

  /** Class files of the bootstrap runtime by class name; null when run from a class directory. */
  static volatile Map<String, byte[]> runtimeClasses;

  private VigilAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(inst, false);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(inst, true);
  }

  private static synchronized void start(Instrumentation inst, boolean attached) {
    if (started) {
      return;
    }
    started = true;
    long t0 = System.nanoTime();
    try {
      String enabled =
          System.getProperty("vigil.agent.enabled", System.getenv("VIGIL_AGENT_ENABLED"));
      if (enabled != null && enabled.trim().equalsIgnoreCase("false")) {
        System.err.println("[vigil-agent] disabled by vigil.agent.enabled=false");
        return;
      }
      appendBootstrapJar(inst);
      AgentInstaller.install(inst, attached, t0);
    } catch (Throwable t) {
      System.err.println("[vigil-agent] WARN not started, the application runs without it: " + t);
      if (Boolean.getBoolean("vigil.agent.debug")) {
        t.printStackTrace();
      }
    }
  }

  private static void appendBootstrapJar(Instrumentation inst) throws Exception {
    ClassLoader own = VigilAgent.class.getClassLoader();
    Map<String, byte[]> classes = new LinkedHashMap<>();
    byte[] jar;
    try (InputStream in = own.getResourceAsStream(BOOTSTRAP_JAR)) {
      if (in == null) {
        // Running from target/classes (tests): the runtime is already on this class path.
        return;
      }
      jar = in.readAllBytes();
    }
    try (JarInputStream entries = new JarInputStream(new ByteArrayInputStream(jar))) {
      for (JarEntry e = entries.getNextJarEntry(); e != null; e = entries.getNextJarEntry()) {
        String name = e.getName();
        if (name.endsWith(".class")) {
          classes.put(
              name.substring(0, name.length() - 6).replace('/', '.'), entries.readAllBytes());
        }
      }
    }
    runtimeClasses = classes;
    if (!defineInBootLoader(inst, classes)) {
      File f = File.createTempFile("vigil-agent-bootstrap", ".jar");
      f.deleteOnExit();
      Files.write(f.toPath(), jar);
      inst.appendToBootstrapClassLoaderSearch(new JarFile(f));
    }
  }

  /**
   * Defines the runtime classes straight into the boot loader. Unlike appending a jar to the
   * bootstrap class path this keeps class data sharing on for the application's classes and prints
   * no JVM warning. Returns false when the JDK does not allow it; the caller then appends the jar.
   */
  private static boolean defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes) {
    try {
      Module base = Object.class.getModule();
      inst.redefineModule(
          base,
          Set.of(),
          Map.of(),
          Map.of("jdk.internal.misc", Set.of(VigilAgent.class.getModule())),
          Set.of(),
          Map.of());
      Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
      Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
      Method define =
          unsafeType.getMethod(
              "defineClass",
              String.class,
              byte[].class,
              int.class,
              int.class,
              ClassLoader.class,
              ProtectionDomain.class);
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        byte[] b = c.getValue();
        define.invoke(unsafe, c.getKey(), b, 0, b.length, null, null);
      }
      return true;
    } catch (Throwable t) {
      if (Boolean.getBoolean("vigil.agent.debug")) {
        System.err.println("[vigil-agent] DEBUG appending the runtime jar instead: " + t);
      }
      return false;
    }
  }
}
