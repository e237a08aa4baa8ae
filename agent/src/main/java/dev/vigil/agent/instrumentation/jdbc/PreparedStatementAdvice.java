package dev.vigil.agent.instrumentation.jdbc;

import dev.vigil.agent.bootstrap.Span;
import java.sql.SQLException;
import java.sql.Statement;
import net.bytebuddy.asm.Advice;

/** {@code PreparedStatement.execute*()} and {@code executeBatch()}: the SQL comes from prepare. */
public final class PreparedStatementAdvice {
  private PreparedStatementAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Span enter(@Advice.This Statement statement) throws SQLException {
    return JdbcSupport.traced() ? JdbcSupport.start(statement, null) : null;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter Span span, @Advice.Thrown Throwable thrown) {
    if (span != null) {
      JdbcSupport.end(span, thrown);
    }
  }
}
