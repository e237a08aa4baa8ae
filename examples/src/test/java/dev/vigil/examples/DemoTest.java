package dev.vigil.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoTest {
  @Test
  void exampleServicesTalkOverHttpAndEveryGreetingIsAuditedOnce() throws Exception {
    Demo.Result result = new Demo().run(12, Duration.ofMillis(10));
    assertThat(result.ok()).isEqualTo(12);
    assertThat(result.failed()).isZero();
    assertThat(result.byGreeterNode()).hasSize(2);
    result.byGreeterNode().values().forEach(n -> assertThat(n).isEqualTo(6));
    assertThat(result.audited()).isEqualTo(12);
  }
}
