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
  void concurrentProducersLoseNothingButWhatTheyCountAsDropped() throws Exception {
    BoundedQueue<Integer> q = new BoundedQueue<>(1000);
    int producers = 4;
    int each = 50_000;
    List<Integer> drained = new ArrayList<>();
    Thread[] threads = new Thread[producers];
    for (int p = 0; p < producers; p++) {
      threads[p] =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  q.offer(i);
                }
              });
      threads[p].start();
    }
    boolean running = true;
    while (running) {
      running = false;
      for (Thread t : threads) {
        running |= t.isAlive();
      }
      q.drainTo(drained, 100);
    }
    while (q.drainTo(drained, 100) > 0) {
      // the rest
    }
    assertThat(drained).doesNotContainNull();
    assertThat(drained.size() + q.dropped()).isEqualTo((long) producers * each);
    assertThat(q.size()).isZero();
  }

  @Test
  void capacityIsExactWhenNotAPowerOfTwo() {
    BoundedQueue<Integer> q = new BoundedQueue<>(5);
    for (int i = 0; i < 8; i++) {
      q.offer(i);
    }
    assertThat(q.size()).isEqualTo(5);
    assertThat(q.dropped()).isEqualTo(3);
    List<Integer> out = new ArrayList<>();
    q.drainTo(out, 10);
    assertThat(out).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void rejectsANonPositiveCapacityWithTheBadValue() {
    assertThatThrownBy(() -> new BoundedQueue<>(0)).hasMessage("capacity: 0 (expected: > 0)");
  }
}
