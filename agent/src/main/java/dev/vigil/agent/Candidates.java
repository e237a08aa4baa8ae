package dev.vigil.agent;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Which classes may need instrumentation, by name (internal form, {@code a/b/C}) and a scan of the
 * class file's bytes: the exact target classes of the enabled modules, plus classes outside the JDK
 * named like JDBC statements and connections whose class file mentions {@code java/sql/}. A class
 * that declares a JDBC method to instrument names a {@code java.sql} type in it (a return type,
 * {@code SQLException}), so the many unrelated {@code *Connection*} classes of servers and clients
 * never reach Byte Buddy's type pool. Immutable.
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

  private static final byte[] JAVA_SQL = "java/sql/".getBytes(StandardCharsets.ISO_8859_1);

  /** Whether a class being loaded may need instrumentation. */
  boolean matches(String internalName, byte[] classFile) {
    if (exact.contains(internalName)) {
      return true;
    }
    return jdbcNamed(internalName) && contains(classFile, JAVA_SQL);
  }

  /** Whether an already loaded class may need instrumentation, by name alone. */
  boolean matches(String internalName) {
    return exact.contains(internalName) || jdbcNamed(internalName);
  }

  private boolean jdbcNamed(String internalName) {
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

  static boolean contains(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int k = 1; k < needle.length; k++) {
        if (haystack[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
