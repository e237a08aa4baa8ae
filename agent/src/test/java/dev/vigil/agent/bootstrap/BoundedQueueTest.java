package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedQueueTest {
  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    BoundedQueue<Integer> q = new BoundedQueue<>(3);
    for (int i = 0; i < 10; i++) {
      q.offer(i);
    }
    assertThat(q.size()).isEqualTo(3);
    assertThat(q.dropped()).isEqualTo(7);
    List<Integer> out = new ArrayList<>();
    assertThat(q.drainTo(out, 2)).isEqualTo(2);
    assertThat(out).containsExactly(0, 1);
    assertThat(q.offer(99)).isTrue();
    assertThat(q.dropped()).isEqualTo(7);
  }

  @Test
  void rejectsANonPositiveCapacityWithTheBadValue() {
    assertThatThrownBy(() -> new BoundedQueue<>(0)).hasMessage("capacity: 0 (expected: > 0)");
  }
}
