package dev.vigil.agent;

import java.util.HashSet;
import java.util.Set;

/**
 * Which class names (internal form, {@code a/b/C}) may need instrumentation, by name alone: the
 * exact target classes of the enabled modules, plus driver classes named like JDBC statements and
 * connections outside the JDK. Immutable.
 */
final class Candidates {
  private final Set<String> exact;
  private final boolean jdbc;

  Candidates(Set<String> exact, boolean jdbc) {
    this.exact = new HashSet<>(exact);
    this.jdbc = jdbc;
  }

  /** Prefixes of libraries whose first class means an instrumented class is likely to follow. */
  private static final String[] ANNOUNCERS = {
    "org/slf4j/",
    "ch/qos/logback/",
    "org/eclipse/jetty/",
    "io/javalin/",
    "dev/vigil/framework/",
    "java/sql/",
    "org/postgresql/",
    "com/mysql/",
    "org/h2/",
    "com/zaxxer/",
    "java/net/http/"
  };

  /** Whether this class suggests that instrumentation will soon be needed. */
  boolean announces(String internalName) {
    for (String prefix : ANNOUNCERS) {
      if (internalName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  boolean matches(String internalName) {
    if (exact.contains(internalName)) {
      return true;
    }
    if (!jdbc) {
      return false;
    }
    if (internalName.startsWith("java/")
        || internalName.startsWith("jdk/")
        || internalName.startsWith("sun/")
        || internalName.startsWith("com/sun/")
        || internalName.startsWith("dev/vigil/agent/")) {
      return false;
    }
    return internalName.contains("Statement") || internalName.contains("Connection");
  }
}
