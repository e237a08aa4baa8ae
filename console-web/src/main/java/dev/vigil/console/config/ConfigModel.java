package dev.vigil.console.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The config center's stored shapes. Immutable records; thread-safe. */
final class ConfigModel {
  private ConfigModel() {}

  /** An {@code env/app} pair. */
  record AppKey(String env, String app) {
    @Override
    public String toString() {
      return env + "/" + app;
    }
  }

  /** A draft entry as stored: secrets carry only {@code cipher}, others only {@code value}. */
  record Entry(
      String key,
      ConfigType type,
      @Nullable String value,
      byte @Nullable [] cipher,
      boolean secret,
      String comment,
      long version,
      Instant updatedAt,
      String updatedBy) {
    Item item() {
      return new Item(
          type.wireName(),
          value,
          cipher == null ? null : java.util.Base64.getEncoder().encodeToString(cipher),
          secret,
          comment);
    }
  }

  /** One key of a release snapshot; {@code cipher} is base64 and set only for secrets. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Item(
      String type,
      @Nullable String value,
      @Nullable String cipher,
      boolean secret,
      String comment) {
    byte @Nullable [] cipherBytes() {
      return cipher == null ? null : java.util.Base64.getDecoder().decode(cipher);
    }
  }

  /** Keys added, changed (value, type, secret flag or comment) and removed, each sorted. */
  record Diff(List<String> added, List<String> changed, List<String> removed) {
    static Diff between(Map<String, Item> before, Map<String, Item> after) {
      List<String> added = new ArrayList<>();
      List<String> changed = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      TreeSet<String> keys = new TreeSet<>(before.keySet());
      keys.addAll(after.keySet());
      for (String key : keys) {
        Item was = before.get(key);
        Item now = after.get(key);
        if (was == null) {
          added.add(key);
        } else if (now == null) {
          removed.add(key);
        } else if (!Objects.equals(was, now)) {
          changed.add(key);
        }
      }
      return new Diff(List.copyOf(added), List.copyOf(changed), List.copyOf(removed));
    }

    boolean isEmpty() {
      return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
  }

  /** A release as stored. */
  record Release(
      int number,
      String kind,
      String status,
      String message,
      String author,
      Instant createdAt,
      @Nullable Integer previous,
      @Nullable Integer rollbackOf,
      Map<String, Item> content,
      Diff diff,
      List<String> grayInstances,
      Map<String, String> grayLabels) {

    /** Whether a gray release's selection takes an instance with this id and these labels. */
    boolean selects(String nodeId, Map<String, String> labels) {
      if (grayInstances.contains(nodeId)) {
        return true;
      }
      if (grayLabels.isEmpty()) {
        return false;
      }
      for (Map.Entry<String, String> want : grayLabels.entrySet()) {
        if (!want.getValue().equals(labels.get(want.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** What an app runs: its change index, full release and active gray release, if any. */
  record AppState(long index, @Nullable Integer current, @Nullable Integer gray) {
    static final AppState EMPTY = new AppState(0, null, null);
  }

  /** An instance of an app, as last seen fetching and reporting. */
  record Instance(
      String nodeId,
      Map<String, String> labels,
      @Nullable Integer servedRelease,
      @Nullable Instant servedAt,
      @Nullable Integer appliedRelease,
      @Nullable Instant appliedAt) {}
}
