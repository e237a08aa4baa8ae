package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.collector.otlp.OtlpLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {
  @Test
  void environmentSetsDatabasePortAndTokens() {
    CollectorConfig config =
        CollectorConfig.fromEnvironment(
                Map.of(
                    "VIGIL_DB_URL", "jdbc:postgresql://db:5432/vigil?user=vigil",
                    "VIGIL_OTLP_PORT", "14318",
                    "VIGIL_TOKEN", "a, b"))
            .build();

    assertThat(config.dbUrl()).isEqualTo("jdbc:postgresql://db:5432/vigil?user=vigil");
    assertThat(config.port()).isEqualTo(14318);
    assertThat(config.tokens()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void environmentSetsRetentionPerSignalAndWriterThreads() {
    CollectorConfig config =
        CollectorConfig.fromEnvironment(
                Map.of(
                    "VIGIL_RETENTION_TRACES_DAYS", "3",
                    "VIGIL_RETENTION_LOGS_DAYS", "14",
                    "VIGIL_RETENTION_METRICS_DAYS", "90",
                    "VIGIL_WRITER_THREADS", "2",
                    "VIGIL_COMMIT_TIMEOUT_MS", "6000"))
            .build();

    assertThat(config.traceRetentionDays()).isEqualTo(3);
    assertThat(config.logRetentionDays()).isEqualTo(14);
    assertThat(config.metricRetentionDays()).isEqualTo(90);
    assertThat(config.writerThreads()).isEqualTo(2);
    assertThat(config.commitTimeout()).isEqualTo(java.time.Duration.ofSeconds(6));
    assertThat(CollectorConfig.builder().build().commitTimeout())
        .isEqualTo(java.time.Duration.ofSeconds(8));
    assertThatThrownBy(
            () -> CollectorConfig.fromEnvironment(Map.of("VIGIL_COMMIT_TIMEOUT_MS", "8s")))
        .hasMessage("VIGIL_COMMIT_TIMEOUT_MS: 8s (expected: milliseconds > 0)");
    assertThatThrownBy(
            () -> CollectorConfig.fromEnvironment(Map.of("VIGIL_RETENTION_LOGS_DAYS", "0")))
        .hasMessage("VIGIL_RETENTION_LOGS_DAYS: 0 (expected: a number of days > 0)");
    assertThatThrownBy(
            () -> CollectorConfig.fromEnvironment(Map.of("VIGIL_RETENTION_TRACES_DAYS", "week")))
        .hasMessage("VIGIL_RETENTION_TRACES_DAYS: week (expected: a number of days > 0)");
  }

  @Test
  void defaultsApplyWithoutEnvironment() {
    CollectorConfig config = CollectorConfig.fromEnvironment(Map.of()).build();

    assertThat(config.port()).isEqualTo(CollectorConfig.DEFAULT_PORT).isEqualTo(4318);
    assertThat(config.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(config.tokens()).isEmpty();
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void badValuesFailAtBuildTimeShowingValueAndExpectation() {
    assertThatThrownBy(() -> CollectorConfig.builder().maxBatchItems(0))
        .hasMessage("maxBatchItems: 0 (expected: > 0)");
    assertThatThrownBy(() -> CollectorConfig.builder().port(70000))
        .hasMessage("port: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> CollectorConfig.builder().dbUrl("mysql://x"))
        .hasMessage("dbUrl: mysql://x (expected: jdbc:postgresql://...)");
    assertThatThrownBy(() -> CollectorConfig.fromEnvironment(Map.of("VIGIL_OTLP_PORT", "http")))
        .hasMessage("VIGIL_OTLP_PORT: http (expected: a port)");
    assertThatThrownBy(() -> OtlpLimits.builder().maxAttributeValueLength(-1))
        .hasMessage("maxAttributeValueLength: -1 (expected: > 0)");
  }
}
