package dev.vigil.framework.config.console;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One key whose value changed when a {@link ConfigClient} applied a release.
 *
 * @param key the entry's key
 * @param oldValue the value before, or null when the key was added
 * @param newValue the value now, or null when the key was removed
 * @param release the release number now applied
 */
public record ConfigChange(
    String key, @Nullable String oldValue, @Nullable String newValue, int release) {
  public ConfigChange {
    requireNonNull(key, "key");
  }

  public boolean added() {
    return oldValue == null;
  }

  public boolean removed() {
    return newValue == null;
  }
}
