package dev.vigil.console.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.console.launcher.LaunchOptions.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {
  @Test
  void defaultsApplyWithoutFlagsOrEnvironment() {
    LaunchOptions options = LaunchOptions.parse(List.of("server"), Map.of());

    assertThat(options.mode()).isEqualTo(Mode.SERVER);
    assertThat(options.dbUrl()).isEqualTo(LaunchOptions.DEFAULT_DB_URL);
    assertThat(options.httpPort()).isEqualTo(8080);
    assertThat(options.otlpPort()).isEqualTo(4318);
    assertThat(options.tokens()).isEmpty();
    assertThat(options.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void environmentConfiguresEverySetting() {
    LaunchOptions options =
        LaunchOptions.parse(
            List.of("server"),
            Map.of(
                "VIGIL_DB_URL", "jdbc:postgresql://db:5432/vigil?user=v",
                "VIGIL_HTTP_PORT", "9090",
                "VIGIL_OTLP_PORT", "14318",
                "VIGIL_TOKEN", "admin-token, second-token",
                "VIGIL_HOST", "127.0.0.1"));

    assertThat(options.dbUrl()).isEqualTo("jdbc:postgresql://db:5432/vigil?user=v");
    assertThat(options.httpPort()).isEqualTo(9090);
    assertThat(options.otlpPort()).isEqualTo(14318);
    assertThat(options.tokens()).containsExactlyInAnyOrder("admin-token", "second-token");
    assertThat(options.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void flagsOverrideTheEnvironmentInEitherForm() {
    LaunchOptions options =
        LaunchOptions.parse(
            List.of(
                "server",
                "--db-url=jdbc:postgresql://flag/db",
                "--http-port",
                "0",
                "--token=t0ken-from-flag"),
            Map.of(
                "VIGIL_DB_URL",
                "jdbc:postgresql://env/db",
                "VIGIL_HTTP_PORT",
                "9090",
                "VIGIL_TOKEN",
                "env-token"));

    assertThat(options.dbUrl()).isEqualTo("jdbc:postgresql://flag/db");
    assertThat(options.httpPort()).isZero();
    assertThat(options.tokens()).containsExactly("t0ken-from-flag");
  }

  @Test
  void subcommandsChooseWhatRuns() {
    assertThat(LaunchOptions.parse(List.of("collector", "--otlp-port=4319"), Map.of()).mode())
        .satisfies(
            m -> {
              assertThat(m.runsCollector()).isTrue();
              assertThat(m.runsConsole()).isFalse();
            });
    assertThat(LaunchOptions.parse(List.of("console", "--http-port=8081"), Map.of()).mode())
        .satisfies(
            m -> {
              assertThat(m.runsCollector()).isFalse();
              assertThat(m.runsConsole()).isTrue();
            });
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("serve"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown subcommand: serve (expected: server, collector or console)");
  }

  @Test
  void unknownFlagIsAUsageError() {
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("server", "--port=1"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("unknown flag: --port (expected: one of [--db-url, ");
  }

  @Test
  void badPortNamesTheFlagOrVariable() {
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("server", "--http-port=http"), Map.of()))
        .hasMessage("--http-port: http (expected: a port 0..65535)");
    assertThatThrownBy(
            () -> LaunchOptions.parse(List.of("server"), Map.of("VIGIL_OTLP_PORT", "70000")))
        .hasMessage("VIGIL_OTLP_PORT: 70000 (expected: a port 0..65535)");
  }

  @Test
  void badDatabaseUrlIsAUsageError() {
    assertThatThrownBy(
            () -> LaunchOptions.parse(List.of("console"), Map.of("VIGIL_DB_URL", "mysql://x")))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("VIGIL_DB_URL: mysql://x (expected: jdbc:postgresql://");
  }

  @Test
  void flagsTheSubcommandDoesNotUseAreRefused() {
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("console", "--otlp-port=1"), Map.of()))
        .hasMessage("--otlp-port: not used by the console subcommand");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("collector", "--http-port=1"), Map.of()))
        .hasMessage("--http-port: not used by the collector subcommand");
  }

  @Test
  void repeatedMissingOrEmptyValuesAreRefused() {
    assertThatThrownBy(
            () ->
                LaunchOptions.parse(List.of("server", "--http-port=1", "--http-port=2"), Map.of()))
        .hasMessage("--http-port: given twice (expected: once)");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("server", "--db-url"), Map.of()))
        .hasMessage("--db-url: missing value (expected: --db-url=...)");
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("server", "--token="), Map.of()))
        .hasMessage("--token: '' (expected: a non-empty token)");
  }

  @Test
  void serverModeNeedsTwoDifferentPorts() {
    assertThatThrownBy(() -> LaunchOptions.parse(List.of("server", "--http-port=4318"), Map.of()))
        .hasMessage("VIGIL_OTLP_PORT: 4318 (expected: a port other than the HTTP port 4318)");
  }

  @Test
  void toStringHidesTheUrlParametersAndTokens() {
    String text =
        LaunchOptions.parse(
                List.of(
                    "server",
                    "--db-url=jdbc:postgresql://db/v?password=hunter2",
                    "--token=secret-token"),
                Map.of())
            .toString();

    assertThat(text).doesNotContain("hunter2").doesNotContain("secret-token");
  }
}
