package dev.vigil.framework.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTest {
  private static final Node A = new Node("a", "10.0.0.1:1");
  private static final Node B = new Node("b", "10.0.0.2:1");
  private static final Node C = new Node("c", "10.0.0.3:1");
  private static final Instant T = Instant.EPOCH;

  @Test
  void createAddsANewVersion() {
    Event e = new Event(Event.Type.CREATE, Service.of("orders", "2.0", C), T);

    List<Service> after = e.applyTo(List.of(Service.of("orders", "1.0", A)));

    assertThat(after).extracting(Service::version).containsExactly("1.0", "2.0");
  }

  @Test
  void updateReplacesTheNodesOfItsVersion() {
    Service v1 = Service.of("orders", "1.0", A);
    Event e = new Event(Event.Type.UPDATE, v1.withNodes(List.of(A, B)), T);

    assertThat(e.applyTo(List.of(v1)).get(0).nodes()).containsExactly(A, B);
  }

  @Test
  void deleteRemovesListedNodesAndDropsAnEmptyVersion() {
    Service v1 = Service.of("orders", "1.0", A).withNodes(List.of(A, B));
    Service v2 = Service.of("orders", "2.0", C);

    List<Service> afterA =
        new Event(Event.Type.DELETE, Service.of("orders", "1.0", A), T).applyTo(List.of(v1, v2));
    assertThat(afterA.get(0).nodes()).containsExactly(B);

    List<Service> afterC = new Event(Event.Type.DELETE, v2, T).applyTo(afterA);
    assertThat(afterC).extracting(Service::version).containsExactly("1.0");
  }

  @Test
  void applyingTheSameEventTwiceChangesNothingMore() {
    Event e = new Event(Event.Type.DELETE, Service.of("orders", "1.0", A), T);
    List<Service> once =
        e.applyTo(List.of(Service.of("orders", "1.0", A).withNodes(List.of(A, B))));

    assertThat(e.applyTo(once)).isEqualTo(once);
  }
}
