package dev.vigil.framework.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.framework.registry.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StrategiesTest {
  private static final Node A = new Node("a", "10.0.0.1:1");
  private static final Node B = new Node("b", "10.0.0.2:1");
  private static final Node C = new Node("c", "10.0.0.3:1");

  private static Node weighted(String id, String weight) {
    return new Node(id, id + ":1", Map.of(Node.WEIGHT, weight));
  }

  private static Map<String, Integer> count(Strategy s, List<Node> nodes, int calls) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(s.pick("orders", nodes).id(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinTakesEachNodeInTurn() {
    Strategy rr = Strategies.roundRobin();
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(rr.pick("orders", List.of(A, B, C)).id());
    }
    assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void roundRobinKeepsOneCounterPerService() {
    Strategy rr = Strategies.roundRobin();
    rr.pick("orders", List.of(A, B));

    assertThat(rr.pick("payments", List.of(A, B))).isEqualTo(A);
    assertThat(rr.pick("orders", List.of(A, B))).isEqualTo(B);
  }

  @Test
  void randomReachesEveryCandidateAndNothingElse() {
    Map<String, Integer> counts = count(Strategies.random(), List.of(A, B, C), 3000);

    assertThat(counts.keySet()).containsExactlyInAnyOrder("a", "b", "c");
    // Expected 1000 each; 700 is more than 10 standard deviations away.
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isGreaterThan(700));
  }

  @Test
  void weightedGivesEachNodeExactlyItsShareOverFullRounds() {
    List<Node> nodes = List.of(weighted("a", "5"), weighted("b", "1"), weighted("c", "1"));

    assertThat(count(Strategies.weighted(), nodes, 700))
        .containsOnly(Map.entry("a", 500), Map.entry("b", 100), Map.entry("c", 100));
  }

  @Test
  void weightedInterleavesRatherThanSendingBursts() {
    Strategy w = Strategies.weighted();
    List<Node> nodes = List.of(weighted("a", "5"), weighted("b", "1"), weighted("c", "1"));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picks.add(w.pick("orders", nodes).id());
    }
    assertThat(picks).containsExactly("a", "a", "b", "a", "c", "a", "a");
  }

  @Test
  void weightedUsesTheDefaultWeightWhenNoneIsSet() {
    List<Node> nodes = List.of(A, weighted("b", "300"));

    assertThat(count(Strategies.weighted(), nodes, 400))
        .containsOnly(Map.entry("a", 100), Map.entry("b", 300));
  }

  @Test
  void invalidWeightsCountAsTheDefaultAndAreLoggedOnce() {
    Logger logger = (Logger) LoggerFactory.getLogger(Strategies.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.setLevel(Level.WARN);
    logger.addAppender(logs);
    try {
      List<Node> nodes = List.of(weighted("a", "-3"), weighted("b", "heavy"), weighted("c", "100"));

      assertThat(count(Strategies.weighted(), nodes, 300))
          .containsOnly(Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
      assertThat(logs.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "node a of orders: weight \"-3\" (expected: an integer > 0); using 100",
              "node b of orders: weight \"heavy\" (expected: an integer > 0); using 100");
    } finally {
      logger.detachAppender(logs);
      logger.setLevel(null);
    }
  }

  @Test
  void byNameReturnsTheConfiguredStrategy() {
    assertThat(Strategies.byName("random").name()).isEqualTo("random");
    assertThat(Strategies.byName("round-robin").name()).isEqualTo("round-robin");
    assertThat(Strategies.byName("weighted").name()).isEqualTo("weighted");
  }

  @Test
  void byNameRejectsAnUnknownNameListingTheValidOnes() {
    assertThatThrownBy(() -> Strategies.byName("least-loaded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("strategy: \"least-loaded\" (expected: one of random, round-robin, weighted)");
  }
}
