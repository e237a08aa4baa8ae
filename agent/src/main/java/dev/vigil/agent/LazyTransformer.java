package dev.vigil.agent;

import dev.vigil.agent.bootstrap.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.function.Supplier;

/**
 * The only transformer registered at start-up: a name filter that costs a few string comparisons
 * per loaded class and builds Byte Buddy's transformer only when the first class that may need
 * instrumentation appears. An application that never loads such a class never loads Byte Buddy.
 * Thread-safe.
 */
final class LazyTransformer implements ClassFileTransformer {
  private final Candidates candidates;
  private final Supplier<ClassFileTransformer> factory;
  private final ThreadLocal<Boolean> inside = new ThreadLocal<>();
  private volatile ClassFileTransformer delegate;
  private volatile boolean failed;
  private volatile boolean prewarmStarted;

  LazyTransformer(Candidates candidates, Supplier<ClassFileTransformer> factory) {
    this.candidates = candidates;
    this.factory = factory;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer)
      throws IllegalClassFormatException {
    if (className == null || failed) {
      return null;
    }
    if (!candidates.matches(className, classfileBuffer)) {
      if (!prewarmStarted && candidates.announces(className)) {
        prewarm();
      }
      return null;
    }
    if (inside.get() != null) {
      return null;
    }
    inside.set(Boolean.TRUE);
    try {
      ClassFileTransformer d = delegate();
      if (d == null) {
        return null;
      }
      return d.transform(
          module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      AgentLog.debug("could not instrument " + className + ": " + t);
      return null;
    } finally {
      inside.remove();
    }
  }

  /**
   * Builds Byte Buddy's transformer on a background daemon thread, so that on a second core it is
   * usually ready before the first candidate class loads; a candidate that loads sooner waits.
   * Started by the first class of a library that precedes an instrumented one (slf4j before
   * logback, Jetty before Javalin, a JDBC driver), so an application that uses none of them never
   * loads Byte Buddy.
   */
  synchronized void prewarm() {
    if (prewarmStarted) {
      return;
    }
    prewarmStarted = true;
    Thread t =
        new Thread(
            () -> {
              ClassFileTransformer d = delegate();
              if (d instanceof AdviceTransformer) {
                try {
                  ((AdviceTransformer) d).warm();
                } catch (Throwable e) {
                  AgentLog.debug("advice warm-up failed: " + e);
                }
              }
            },
            "vigil-agent-init");
    t.setDaemon(true);
    t.start();
  }

  private ClassFileTransformer delegate() {
    ClassFileTransformer d = delegate;
    if (d != null) {
      return d;
    }
    synchronized (this) {
      if (delegate == null && !failed) {
        try {
          long t0 = System.nanoTime();
          delegate = factory.get();
          AgentLog.debug(
              "instrumentation ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (Throwable t) {
          failed = true;
          AgentLog.warn("instrumentation could not start; tracing is off", t);
        }
      }
      return delegate;
    }
  }
}
