package dev.vigil.framework;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Request and message headers: an immutable map from lower-case header name to value. Names are
 * case-insensitive, as in HTTP; values are carried byte-for-byte, so a W3C {@code traceparent}
 * arrives exactly as it was sent.
 *
 * <p>Entries are kept in insertion order in one flat array: requests carry a handful of headers, so
 * a scan is as fast as hashing, and adding one header (a tracer adding {@code traceparent} to every
 * call) costs one small array instead of a copied hash map. Transports iterate with {@link #size},
 * {@link #name} and {@link #value}, which allocate nothing.
 *
 * <p>Immutable and thread-safe. {@link #with(String, String)} returns a new instance.
 */
public final class Metadata {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  public static final String BAGGAGE = "baggage";

  private static final String[] NONE = {};
  private static final Metadata EMPTY = new Metadata(NONE);

  /** Lower-case names and values alternating; no name twice. */
  private final String[] entries;

  /** {@link #asMap}, built on first use. */
  private volatile @Nullable Map<String, String> map;

  private Metadata(String[] entries) {
    this.entries = entries;
  }

  public static Metadata empty() {
    return EMPTY;
  }

  /** Copies {@code values}, lower-casing the names. Later duplicates (by case) win. */
  public static Metadata of(Map<String, String> values) {
    if (values.isEmpty()) {
      return EMPTY;
    }
    Builder b = new Builder(values.size());
    values.forEach((k, v) -> b.set(k, Objects.requireNonNull(v, k)));
    return b.build();
  }

  public static Metadata of(String name, String value) {
    return EMPTY.with(name, value);
  }

  /**
   * Collects entries into a {@link Metadata}, without the copy per entry that {@link #with} makes.
   */
  public static Builder builder() {
    return new Builder(1);
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(getOrNull(name));
  }

  public @Nullable String getOrNull(String name) {
    int i = indexOf(entries, entries.length, normalize(name));
    return i < 0 ? null : entries[i + 1];
  }

  public Metadata with(String name, String value) {
    Objects.requireNonNull(value, name);
    String key = normalize(name);
    int i = indexOf(entries, entries.length, key);
    String[] copy;
    if (i >= 0) {
      copy = entries.clone();
      copy[i + 1] = value;
    } else {
      copy = Arrays.copyOf(entries, entries.length + 2);
      copy[entries.length] = key;
      copy[entries.length + 1] = value;
    }
    return new Metadata(copy);
  }

  /** This metadata with every entry of {@code other} added, replacing equal names. */
  public Metadata merge(Metadata other) {
    if (other.entries.length == 0) {
      return this;
    }
    if (entries.length == 0) {
      return other;
    }
    Builder b = new Builder(size() + other.size());
    b.addAll(this);
    b.addAll(other);
    return b.build();
  }

  public Metadata without(String name) {
    int i = indexOf(entries, entries.length, normalize(name));
    if (i < 0) {
      return this;
    }
    if (entries.length == 2) {
      return EMPTY;
    }
    String[] copy = new String[entries.length - 2];
    System.arraycopy(entries, 0, copy, 0, i);
    System.arraycopy(entries, i + 2, copy, i, entries.length - i - 2);
    return new Metadata(copy);
  }

  /** The number of entries. */
  public int size() {
    return entries.length / 2;
  }

  /** The lower-case name of entry {@code index} (0 to {@link #size} - 1), in insertion order. */
  public String name(int index) {
    Objects.checkIndex(index, size());
    return entries[2 * index];
  }

  /** The value of entry {@code index} (0 to {@link #size} - 1). */
  public String value(int index) {
    Objects.checkIndex(index, size());
    return entries[2 * index + 1];
  }

  /** Read-only view in insertion order; names are lower case. */
  public Map<String, String> asMap() {
    Map<String, String> m = map;
    if (m == null) {
      if (entries.length == 0) {
        m = Map.of();
      } else {
        Map<String, String> copy = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i += 2) {
          copy.put(entries[i], entries[i + 1]);
        }
        m = Collections.unmodifiableMap(copy);
      }
      map = m;
    }
    return m;
  }

  public boolean isEmpty() {
    return entries.length == 0;
  }

  private static int indexOf(String[] entries, int length, String key) {
    for (int i = 0; i < length; i += 2) {
      if (entries[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static String normalize(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("metadata name: \"\" (expected: a non-empty header name)");
    }
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata && ((Metadata) o).asMap().equals(asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return "Metadata" + asMap();
  }

  /**
   * Entries for one {@link Metadata}, in the order first set; setting a name again replaces its
   * value in place. Not thread-safe.
   */
  public static final class Builder {
    private String[] entries;
    private int length;
    private boolean built;

    private Builder(int capacity) {
      this.entries = new String[2 * Math.max(1, capacity)];
    }

    /** The value set for {@code name} so far, or null. */
    public @Nullable String get(String name) {
      int i = indexOf(entries, length, normalize(name));
      return i < 0 ? null : entries[i + 1];
    }

    /** Sets {@code name} (lower-cased) to {@code value}, replacing an earlier value. */
    public Builder set(String name, String value) {
      Objects.requireNonNull(value, name);
      if (built) {
        throw new IllegalStateException("metadata already built");
      }
      String key = normalize(name);
      int i = indexOf(entries, length, key);
      if (i >= 0) {
        entries[i + 1] = value;
        return this;
      }
      if (length == entries.length) {
        entries = Arrays.copyOf(entries, 2 * entries.length);
      }
      entries[length++] = key;
      entries[length++] = value;
      return this;
    }

    Builder addAll(Metadata m) {
      for (int i = 0; i < m.entries.length; i += 2) {
        set(m.entries[i], m.entries[i + 1]);
      }
      return this;
    }

    /** The metadata; the builder cannot be changed afterwards, as the two may share an array. */
    public Metadata build() {
      built = true;
      if (length == 0) {
        return EMPTY;
      }
      return new Metadata(length == entries.length ? entries : Arrays.copyOf(entries, length));
    }
  }
}
