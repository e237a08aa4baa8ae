package dev.vigil.framework.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.selector.Filters;
import dev.vigil.framework.selector.Strategies;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallOptionsTest {
  @Test
  void defaultsAreFiveSecondsOneRetryAndFiftyMillisecondsBackoff() {
    CallOptions d = CallOptions.defaults();
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.retries()).isEqualTo(1);
    assertThat(d.backoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(d.filters()).isEmpty();
    assertThat(d.strategy()).isNull();
    assertThat(d.address()).isNull();
  }

  @Test
  void invalidValuesAreRejectedNamingTheValueAndWhatWasExpected() {
    assertThatThrownBy(() -> CallOptions.builder().timeout(Duration.ZERO))
        .hasMessage("timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> CallOptions.builder().retries(-1))
        .hasMessage("retries: -1 (expected: 0..10)");
    assertThatThrownBy(() -> CallOptions.builder().retries(11))
        .hasMessage("retries: 11 (expected: 0..10)");
    assertThatThrownBy(() -> CallOptions.builder().backoff(Duration.ofMillis(-1)))
        .hasMessage("backoff: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(
            () ->
                CallOptions.builder()
                    .backoff(Duration.ofSeconds(2))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .hasMessage("backoff: PT2S (expected: <= maxBackoff PT1S)");
    assertThatThrownBy(() -> CallOptions.builder().address(" "))
        .hasMessage("address: \"\" (expected: host:port)");
  }

  @Test
  void overlayTakesWhatACallSetsAndTheRestFromTheBase() {
    CallOptions base =
        CallOptions.builder()
            .timeout(Duration.ofSeconds(2))
            .retries(3)
            .metadata("a", "base")
            .metadata("b", "base")
            .filter(Filters.version("1"))
            .build();
    CallOptions call =
        CallOptions.builder()
            .retries(0)
            .metadata("b", "call")
            .strategy(Strategies.random())
            .build();
    CallOptions effective = call.overlay(base);
    assertThat(effective.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(effective.retries()).isZero();
    assertThat(effective.metadata().asMap()).containsEntry("a", "base").containsEntry("b", "call");
    assertThat(effective.filters()).hasSize(1);
    assertThat(effective.strategy().name()).isEqualTo("random");
    assertThat(effective.selectOptions().filters()).hasSize(1);
  }
}
