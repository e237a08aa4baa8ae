package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidatesTest {
  private final Candidates candidates = new Candidates(Set.of("io/javalin/router/Endpoint"), true);

  @Test
  void jdbcNamedClassesAreCandidatesOnlyWhenTheyMentionJavaSql() {
    byte[] driver = bytes("\u0001\u0000\u0012Ljava/sql/ResultSet;");
    byte[] server = bytes("\u0001\u0000\u0010Ljava/nio/Buffer;");
    assertThat(candidates.matches("org/postgresql/jdbc/PgStatement", driver)).isTrue();
    assertThat(candidates.matches("org/eclipse/jetty/server/HttpConnection", server)).isFalse();
    assertThat(candidates.matches("org/eclipse/jetty/server/HttpConnection")).isTrue();
    assertThat(candidates.matches("java/sql/Connection", driver)).isFalse();
  }

  @Test
  void exactTargetsMatchWhateverTheirBytes() {
    assertThat(candidates.matches("io/javalin/router/Endpoint", new byte[0])).isTrue();
  }

  @Test
  void containsFindsTheNeedleAnywhereAndNotPastTheEnd() {
    byte[] needle = bytes("java/sql/");
    assertThat(Candidates.contains(bytes("java/sql/"), needle)).isTrue();
    assertThat(Candidates.contains(bytes("xxjava/sql/X"), needle)).isTrue();
    assertThat(Candidates.contains(bytes("xxjava/sql"), needle)).isFalse();
    assertThat(Candidates.contains(new byte[0], needle)).isFalse();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
