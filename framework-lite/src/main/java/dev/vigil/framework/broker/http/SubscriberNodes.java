package dev.vigil.framework.broker.http;

import dev.vigil.framework.registry.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link HttpBroker} process describes its subscriptions in its registry node: the metadata
 * key {@code topic:<topic>} lists, comma-separated, {@value #BROADCAST} when a subscriber of the
 * topic has no queue group and {@code queue:<group>} for each queue group, for example {@code
 * topic:orders.created=broadcast,queue:billing}. Topic and group names cannot contain ',' or ':'.
 *
 * <p>Stateless.
 */
final class SubscriberNodes {
  static final String BROKER = "broker";
  static final String TOPIC_PREFIX = "topic:";
  static final String BROADCAST = "broadcast";
  static final String QUEUE_PREFIX = "queue:";

  private SubscriberNodes() {}

  /** Node metadata for subscriptions given as topic -> queue groups (null for no group). */
  static Map<String, String> metadata(Map<String, ? extends Set<@Nullable String>> subscriptions) {
    Map<String, String> metadata = new TreeMap<>();
    metadata.put(BROKER, HttpBroker.NAME);
    subscriptions.forEach(
        (topic, queues) -> {
          if (queues.isEmpty()) {
            return;
          }
          Set<String> entries = new TreeSet<>();
          for (String q : queues) {
            entries.add(q == null ? BROADCAST : QUEUE_PREFIX + q);
          }
          metadata.put(TOPIC_PREFIX + topic, String.join(",", entries));
        });
    return metadata;
  }

  /** Where one message of a topic goes: each broadcast node, and one node of each group. */
  record Targets(List<Node> broadcast, Map<String, List<Node>> groups) {}

  /** The subscribers of {@code topic} among {@code nodes}, groups' members in node id order. */
  static Targets targets(List<Node> nodes, String topic) {
    List<Node> broadcast = new ArrayList<>();
    Map<String, List<Node>> groups = new LinkedHashMap<>();
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort((a, b) -> a.id().compareTo(b.id()));
    for (Node node : sorted) {
      String entries = node.metadata(TOPIC_PREFIX + topic);
      if (entries == null) {
        continue;
      }
      Set<String> seen = new LinkedHashSet<>(List.of(entries.split(",")));
      for (String entry : seen) {
        if (entry.equals(BROADCAST)) {
          broadcast.add(node);
        } else if (entry.startsWith(QUEUE_PREFIX)) {
          groups
              .computeIfAbsent(entry.substring(QUEUE_PREFIX.length()), g -> new ArrayList<>())
              .add(node);
        }
      }
    }
    return new Targets(broadcast, groups);
  }
}
