package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delaysDoubleUpToTheMaximumAndResetAfterSuccess() {
    Backoff b = new Backoff(100, 1000, 0);
    assertThat(b.nextDelayMillis()).isEqualTo(100);
    assertThat(b.nextDelayMillis()).isEqualTo(200);
    assertThat(b.nextDelayMillis()).isEqualTo(400);
    assertThat(b.nextDelayMillis()).isEqualTo(800);
    assertThat(b.nextDelayMillis()).isEqualTo(1000);
    for (int i = 0; i < 100; i++) {
      assertThat(b.nextDelayMillis()).isEqualTo(1000);
    }
    b.reset();
    assertThat(b.nextDelayMillis()).isEqualTo(100);
  }

  @Test
  void jitterStaysWithinItsShareAndUnderTheMaximum() {
    Backoff b = new Backoff(1000, 30_000, 0.2);
    long first = b.nextDelayMillis();
    assertThat(first).isBetween(800L, 1200L);
    for (int i = 0; i < 50; i++) {
      assertThat(b.nextDelayMillis()).isLessThanOrEqualTo(30_000L);
    }
  }
}
