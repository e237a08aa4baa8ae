package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's embedded PostgreSQL path, as a user who is not root (PostgreSQL refuses to run as
 * root): the demo launcher with {@code --database-only} and no {@code VIGIL_DB_URL} starts the
 * embedded PostgreSQL under its data directory, queries it and stops it. As root the launcher runs
 * as {@code nobody} through {@code runuser}, from a world-readable copy of its class path.
 */
class EmbeddedPostgresAsNonRootTest {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void embeddedPostgresStartsAndStopsForANonRootUser() throws Exception {
    Path root = Checkout.root();
    Path classpathFile = root.resolve("examples/target/demo-classpath.txt");
    Path examplesJar = root.resolve("examples/target/vigil-examples-0.1.0-SNAPSHOT.jar");
    assumeTrue(
        Files.exists(classpathFile) && Files.exists(examplesJar),
        "examples not packaged (run mvn package, or bin/vigil-demo once)");
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    if (asRoot) {
      assumeTrue(
          Files.isExecutable(Path.of("/usr/sbin/runuser"))
              || Files.isExecutable(Path.of("/sbin/runuser")),
          "running as root without runuser: no way to run as a non-root user here");
    }
    Path dir = Files.createTempDirectory("vigil-embedded-pg");
    try {
      Path lib = Files.createDirectories(dir.resolve("lib"));
      Path work = Files.createDirectories(dir.resolve("work"));
      List<String> jars =
          new ArrayList<>(List.of(Files.readString(classpathFile).trim().split(":")));
      jars.add(examplesJar.toString());
      for (String jar : jars) {
        Path source = Path.of(jar);
        Files.copy(source, lib.resolve(source.getFileName()));
      }
      List<String> command = new ArrayList<>();
      if (asRoot) {
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : (Iterable<Path>) all::iterator) {
            Files.setPosixFilePermissions(
                p,
                PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
          }
        }
        new ProcessBuilder("chown", "-R", "nobody", work.toString()).inheritIO().start().waitFor();
        command.addAll(List.of("runuser", "-u", "nobody", "--"));
      }
      command.addAll(
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              lib + "/*",
              "dev.vigil.examples.shop.DemoLauncher",
              "--database-only"));
      ProcessBuilder pb =
          new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
      pb.environment().remove("VIGIL_DB_URL");
      pb.environment().put("HOME", work.toString());
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output)
          .contains(
              "starting an embedded PostgreSQL", "database ready: PostgreSQL", "server stopped");
      assertThat(work.resolve(".vigil/postgres/data/PG_VERSION")).exists();
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
