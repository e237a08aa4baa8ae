package dev.vigil.framework.broker;

import java.util.regex.Pattern;

/**
 * The topic and queue group names every broker accepts: dot-separated tokens of letters, digits,
 * '_' and '-', at most 255 characters. The same names are valid NATS subjects (without wildcards),
 * URL path segments and metric labels, so a topic means the same thing on every broker.
 */
public final class Topics {
  public static final int MAX_LENGTH = 255;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private Topics() {}

  /** Returns {@code topic} or throws an {@link IllegalArgumentException} naming it. */
  public static String requireValidTopic(String topic) {
    return requireValid("topic", topic);
  }

  /** Returns {@code queue} or throws an {@link IllegalArgumentException} naming it. */
  public static String requireValidQueue(String queue) {
    return requireValid("queue", queue);
  }

  private static String requireValid(String what, String name) {
    if (name == null) {
      throw new IllegalArgumentException(what + ": null (expected: a " + what + " name)");
    }
    if (name.length() > MAX_LENGTH || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + ": \""
              + name
              + "\" (expected: 1-"
              + MAX_LENGTH
              + " characters, dot-separated tokens of [A-Za-z0-9_-], no spaces or wildcards)");
    }
    return name;
  }
}
