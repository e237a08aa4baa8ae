package dev.vigil.agent.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DbInfoTest {
  @Test
  void postgresUrlGivesSystemHostPortAndDatabase() {
    JdbcSupport.DbInfo d =
        JdbcSupport.DbInfo.parse("jdbc:postgresql://db.local:6543/orders?ssl=true");
    assertThat(d.system).isEqualTo("postgresql");
    assertThat(d.host).isEqualTo("db.local");
    assertThat(d.port).isEqualTo(6543);
    assertThat(d.namespace).isEqualTo("orders");
    assertThat(d.peer).isEqualTo("db.local:6543");
  }

  @Test
  void urlsWithoutHostOrUnknownDriversStillGiveASystem() {
    assertThat(JdbcSupport.DbInfo.parse("jdbc:h2:mem:test").system).isEqualTo("h2");
    assertThat(JdbcSupport.DbInfo.parse("jdbc:h2:mem:test").host).isNull();
    assertThat(JdbcSupport.DbInfo.parse("jdbc:weird://h/x").system).isEqualTo("other_sql");
    assertThat(JdbcSupport.DbInfo.parse("not a url")).isSameAs(JdbcSupport.DbInfo.UNKNOWN);
  }

  @Test
  void credentialsAndFailoverHostsAreNotReported() {
    JdbcSupport.DbInfo d = JdbcSupport.DbInfo.parse("jdbc:mysql://user:pw@a:3306,b:3307/shop");
    assertThat(d.host).isEqualTo("a");
    assertThat(d.port).isEqualTo(3306);
    assertThat(d.namespace).isEqualTo("shop");
  }
}
