package dev.vigil.agent.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlInfoTest {
  private static final JdbcSupport.DbInfo ORDERS =
      JdbcSupport.DbInfo.parse("jdbc:postgresql://db:5432/orders");

  @Test
  void aSqlTextIsSanitizedOnceAndItsSpanNameReused() {
    String sql = "SELECT * FROM items WHERE sku = 'a-1' AND id = 42";
    JdbcSupport.SqlInfo first = JdbcSupport.sqlInfo(sql);
    assertThat(first.operation).isEqualTo("SELECT");
    assertThat(first.sanitized).isEqualTo("SELECT * FROM items WHERE sku = ? AND id = ?");
    assertThat(JdbcSupport.sqlInfo(new String(sql))).isSameAs(first);
    assertThat(first.spanName(ORDERS)).isEqualTo("SELECT orders").isSameAs(first.spanName(ORDERS));
  }

  @Test
  void theSpanNameFollowsTheDatabase() {
    JdbcSupport.SqlInfo q = JdbcSupport.sqlInfo("DELETE FROM carts");
    assertThat(q.spanName(ORDERS)).isEqualTo("DELETE orders");
    assertThat(q.spanName(JdbcSupport.DbInfo.parse("jdbc:h2:mem:x"))).isEqualTo("DELETE");
    assertThat(JdbcSupport.SqlInfo.UNKNOWN.spanName(ORDERS)).isEqualTo("orders");
  }
}
