package dev.vigil.agent.instrumentation.jdbc;

import dev.vigil.agent.bootstrap.Span;
import java.sql.SQLException;
import java.sql.Statement;
import net.bytebuddy.asm.Advice;

/** {@code Statement.execute*(String sql, ...)}. */
public final class StatementAdvice {
  private StatementAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Span enter(@Advice.This Statement statement, @Advice.Argument(0) String sql)
      throws SQLException {
    return JdbcSupport.traced() ? JdbcSupport.start(statement, sql) : null;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter Span span, @Advice.Thrown Throwable thrown) {
    if (span != null) {
      JdbcSupport.end(span, thrown);
    }
  }
}
