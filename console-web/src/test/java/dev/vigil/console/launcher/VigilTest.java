package dev.vigil.console.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exit codes and messages of the command line, without starting servers. */
class VigilTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int launch(List<String> args, Map<String, String> env) {
    return Vigil.launch(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void unknownSubcommandExitsWith2AndAClearMessage() {
    assertThat(launch(List.of("start"), Map.of())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("vigil: unknown subcommand: start (expected: server, collector or console)")
        .contains("Usage: java -jar vigil.jar");
  }

  @Test
  void badEnvironmentValueExitsWith2() {
    assertThat(launch(List.of("console"), Map.of("VIGIL_HTTP_PORT", "eighty"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("vigil: VIGIL_HTTP_PORT: eighty (expected: a port 0..65535)");
  }

  @Test
  void noArgumentsPrintsUsageAndExitsWith2() {
    assertThat(launch(List.of(), Map.of())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Subcommands:");
  }

  @Test
  void helpPrintsUsageAndExitsWith0() {
    assertThat(launch(List.of("--help"), Map.of())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("server", "collector", "console", "VIGIL_DB_URL", "--otlp-port");
  }
}
