package dev.vigil.framework.selector;

import dev.vigil.framework.registry.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector strategies, by configuration name: {@code random}, {@code round-robin} and {@code
 * weighted}. Each call of a factory returns a strategy with its own per-service state (counters,
 * weights), so two selectors never share it. All strategies are thread-safe.
 */
public final class Strategies {
  public static final String RANDOM = "random";
  public static final String ROUND_ROBIN = "round-robin";
  public static final String WEIGHTED = "weighted";

  /** The names {@link #byName} accepts. */
  public static final List<String> NAMES = List.of(RANDOM, ROUND_ROBIN, WEIGHTED);

  /** Weight of a node without a valid {@link Node#WEIGHT} metadata value. */
  public static final int DEFAULT_WEIGHT = 100;

  private static final Logger log = LoggerFactory.getLogger(Strategies.class);

  private Strategies() {}

  /** A uniformly random candidate on every call; stateless. */
  public static Strategy random() {
    return RandomStrategy.INSTANCE;
  }

  /** The candidates in turn, with one counter per service, so calls spread evenly. */
  public static Strategy roundRobin() {
    return new RoundRobin();
  }

  /**
   * Smooth weighted round-robin (as in nginx) by the node metadata {@link Node#WEIGHT}, a positive
   * integer defaulting to {@value #DEFAULT_WEIGHT}: over any run of calls each node gets its share
   * of the total weight, interleaved rather than in bursts. Invalid weights count as the default
   * and are logged once per node and value.
   */
  public static Strategy weighted() {
    return new Weighted();
  }

  /** The strategy configured as {@code name}: one of {@link #NAMES}. */
  public static Strategy byName(String name) {
    Objects.requireNonNull(name, "name");
    switch (name) {
      case RANDOM:
        return random();
      case ROUND_ROBIN:
        return roundRobin();
      case WEIGHTED:
        return weighted();
      default:
        throw new IllegalArgumentException(
            "strategy: \"" + name + "\" (expected: one of " + String.join(", ", NAMES) + ")");
    }
  }

  // A class, not an enum singleton: Enum.name() is final and would clash with Strategy.name().
  private static final class RandomStrategy implements Strategy {
    static final RandomStrategy INSTANCE = new RandomStrategy();

    @Override
    public String name() {
      return RANDOM;
    }

    @Override
    public Node pick(String service, List<Node> candidates) {
      return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
  }

  private static final class RoundRobin implements Strategy {
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    @Override
    public String name() {
      return ROUND_ROBIN;
    }

    @Override
    public Node pick(String service, List<Node> candidates) {
      AtomicInteger counter = counters.computeIfAbsent(service, s -> new AtomicInteger());
      return candidates.get(Math.floorMod(counter.getAndIncrement(), candidates.size()));
    }
  }

  private static final class Weighted implements Strategy {
    /** At most this many distinct invalid weights are remembered, so churn cannot grow it. */
    private static final int MAX_LOGGED = 1024;

    /** service -> node id -> current weight; each map guarded by itself. */
    private final Map<String, Map<String, Long>> current = new ConcurrentHashMap<>();

    private final Set<String> loggedInvalid = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
      return WEIGHTED;
    }

    @Override
    public Node pick(String service, List<Node> candidates) {
      if (candidates.size() == 1) {
        return candidates.get(0);
      }
      Map<String, Long> weights = current.computeIfAbsent(service, s -> new HashMap<>());
      synchronized (weights) {
        // Nodes that are no longer candidates start again from zero when they come back.
        Map<String, Long> next = new HashMap<>(candidates.size() * 2);
        long total = 0;
        Node best = candidates.get(0);
        long bestWeight = Long.MIN_VALUE;
        for (Node node : candidates) {
          int w = weight(service, node);
          long cw = weights.getOrDefault(node.id(), 0L) + w;
          next.put(node.id(), cw);
          total += w;
          if (cw > bestWeight) {
            best = node;
            bestWeight = cw;
          }
        }
        next.put(best.id(), bestWeight - total);
        weights.clear();
        weights.putAll(next);
        return best;
      }
    }

    private int weight(String service, Node node) {
      String raw = node.metadata(Node.WEIGHT);
      if (raw == null) {
        return DEFAULT_WEIGHT;
      }
      try {
        int w = Integer.parseInt(raw.trim());
        if (w > 0) {
          return w;
        }
      } catch (NumberFormatException invalid) {
        // logged below
      }
      String key = service + '/' + node.id() + '=' + raw;
      if (loggedInvalid.size() < MAX_LOGGED && loggedInvalid.add(key)) {
        log.warn(
            "node {} of {}: weight \"{}\" (expected: an integer > 0); using {}",
            node.id(),
            service,
            raw,
            DEFAULT_WEIGHT);
      }
      return DEFAULT_WEIGHT;
    }
  }
}
