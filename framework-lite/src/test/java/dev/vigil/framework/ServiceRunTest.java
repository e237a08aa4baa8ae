package dev.vigil.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceRunTest {
  @Test
  void sigtermStopsARunningServiceGracefully() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), ServiceRunMain.class.getName())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("READY")) {
          child.toHandle().destroy(); // SIGTERM, keeping the output stream open
        }
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(String.join("\n", lines))
        .containsSubsequence(
            "READY 127.0.0.1:", "DEREGISTERED run-test", "stopped after draining", "CLOSED");
    assertThat(child.exitValue()).isEqualTo(143); // terminated by SIGTERM, after the hook ran
  }
}
