package dev.vigil.framework.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.errors.TransportException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static TransportException transport(int code, boolean sent) {
    return new TransportException("back", code, "x", sent, null);
  }

  @Test
  void failuresBeforeSendingAreRetried() {
    assertThat(RetryPolicy.isRetryable(transport(503, false))).isTrue(); // connection refused
    assertThat(RetryPolicy.isRetryable(transport(408, false))).isTrue(); // connect timeout
  }

  @Test
  void failuresAfterSendingAreNotRetried() {
    assertThat(RetryPolicy.isRetryable(transport(408, true))).isFalse();
    assertThat(RetryPolicy.isRetryable(transport(502, true))).isFalse();
  }

  @Test
  void only503AnswersAreRetried() {
    assertThat(RetryPolicy.isRetryable(new FrameworkException("back", 503, "draining"))).isTrue();
    for (int code : new int[] {400, 404, 408, 413, 415, 500, 502, 504}) {
      assertThat(RetryPolicy.isRetryable(new FrameworkException("back", code, "x")))
          .as("code %d", code)
          .isFalse();
    }
  }

  @Test
  void noNodeFromTheSelectorIsNotRetried() {
    assertThat(RetryPolicy.isRetryable(FrameworkException.unavailable("selector", "none")))
        .isFalse();
  }

  @Test
  void transportFailuresAndGatewayAnswersMarkTheNodeFailed() {
    assertThat(RetryPolicy.isNodeFailure(transport(408, true))).isTrue();
    assertThat(RetryPolicy.isNodeFailure(new FrameworkException("b", 502, "x"))).isTrue();
    assertThat(RetryPolicy.isNodeFailure(new FrameworkException("b", 503, "x"))).isTrue();
    assertThat(RetryPolicy.isNodeFailure(new FrameworkException("b", 504, "x"))).isTrue();
    assertThat(RetryPolicy.isNodeFailure(new FrameworkException("b", 500, "x"))).isFalse();
    assertThat(RetryPolicy.isNodeFailure(new FrameworkException("b", 404, "x"))).isFalse();
  }

  @Test
  void backoffGrowsExponentiallyWithJitterUpToTheMaximum() {
    Duration base = Duration.ofMillis(50);
    Duration max = Duration.ofMillis(300);
    for (int i = 0; i < 200; i++) {
      assertThat(RetryPolicy.backoff(1, base, max)).isBetween(Duration.ofMillis(25), base);
      assertThat(RetryPolicy.backoff(2, base, max))
          .isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(RetryPolicy.backoff(3, base, max))
          .isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(RetryPolicy.backoff(10, base, max)).isBetween(Duration.ofMillis(150), max);
      assertThat(RetryPolicy.backoff(64, base, max)).isBetween(Duration.ofMillis(150), max);
    }
    assertThat(RetryPolicy.backoff(1, Duration.ZERO, max)).isZero();
  }
}
