package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlSanitizerTest {
  @Test
  void replacesStringAndNumberLiteralsButKeepsIdentifiersAndMarkers() {
    assertThat(
            SqlSanitizer.sanitize(
                "SELECT a1, \"Col 2\" FROM t_9 WHERE name = 'O''Brien' AND id = 42 AND x > -3.5e10 AND y = ? AND z = $1"))
        .isEqualTo(
            "SELECT a1, \"Col 2\" FROM t_9 WHERE name = ? AND id = ? AND x > ? AND y = ? AND z = $1");
  }

  @Test
  void replacesHexBooleanAndDollarQuotedLiterals() {
    assertThat(
            SqlSanitizer.sanitize(
                "UPDATE t SET f = TRUE, h = 0xFF, b = $$secret$$ WHERE c = $tag$x$tag$"))
        .isEqualTo("UPDATE t SET f = ?, h = ?, b = ? WHERE c = ?");
  }

  @Test
  void dropsCommentsThatCouldCarryValues() {
    assertThat(SqlSanitizer.sanitize("SELECT 1 -- password=hunter2\nFROM t /* id=7 */"))
        .isEqualTo("SELECT ? \nFROM t  ");
  }

  @Test
  void anUnterminatedStringHidesTheRestOfTheStatement() {
    assertThat(SqlSanitizer.sanitize("SELECT * FROM t WHERE a = 'abc"))
        .isEqualTo("SELECT * FROM t WHERE a = ?");
  }

  @Test
  void cutsVeryLongStatements() {
    String sql = "SELECT " + "a, ".repeat(2000) + "b FROM t";
    assertThat(SqlSanitizer.sanitize(sql)).hasSizeLessThanOrEqualTo(SqlSanitizer.MAX_LENGTH + 1);
  }

  @Test
  void operationIsTheFirstKeywordInUpperCase() {
    assertThat(SqlSanitizer.operation("  select * from t")).isEqualTo("SELECT");
    assertThat(SqlSanitizer.operation("(INSERT)")).isEqualTo("INSERT");
    assertThat(SqlSanitizer.operation("")).isNull();
  }
}
