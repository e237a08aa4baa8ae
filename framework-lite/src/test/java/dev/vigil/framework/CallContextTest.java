package dev.vigil.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallContextTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  @SuppressWarnings("try")
  void attachedContextsNestAndRestoreThePreviousOnClose() {
    CallContext outer = new CallContext("a", "A.Get", Metadata.empty(), null);
    CallContext inner = new CallContext("b", "B.Get", Metadata.empty(), null);
    assertThat(CallContext.current()).isEmpty();
    try (CallContext.Scope o = outer.attach()) {
      assertThat(CallContext.current()).containsSame(outer);
      try (CallContext.Scope i = inner.attach()) {
        assertThat(CallContext.current()).containsSame(inner);
      }
      assertThat(CallContext.current()).containsSame(outer);
    }
    assertThat(CallContext.current()).isEmpty();
  }

  @Test
  void remainingIsNullWithoutADeadlineAndNegativeOncePassed() {
    assertThat(new CallContext("a", "A.Get", Metadata.empty(), null).remaining()).isNull();
    assertThat(
            new CallContext("a", "A.Get", Metadata.empty(), Instant.now().minusSeconds(1))
                .remaining())
        .isNegative();
    assertThat(
            new CallContext("a", "A.Get", Metadata.empty(), Instant.now().plusSeconds(10))
                .remaining())
        .isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));
  }

  @Test
  @SuppressWarnings("try")
  void propagateCopiesOnlyTheW3cHeadersAndNeverOverridesACallsOwnTraceparent() {
    Metadata incoming =
        Metadata.of(
            Map.of(
                "traceparent", TRACEPARENT,
                "tracestate", "rojo=00f067aa0ba902b7",
                "baggage", "userId=alice",
                "authorization", "Bearer secret"));
    assertThat(CallContext.propagate(Metadata.of("x", "1"))).isEqualTo(Metadata.of("x", "1"));
    try (CallContext.Scope s = new CallContext("a", "A.Get", incoming, null).attach()) {
      Metadata out = CallContext.propagate(Metadata.of("x", "1"));
      assertThat(out.asMap())
          .containsEntry("traceparent", TRACEPARENT)
          .containsEntry("tracestate", "rojo=00f067aa0ba902b7")
          .containsEntry("baggage", "userId=alice")
          .containsEntry("x", "1")
          .doesNotContainKey("authorization");
      Metadata own = Metadata.of("traceparent", "00-1-2-01");
      assertThat(CallContext.propagate(own)).isEqualTo(own);
    }
  }
}
