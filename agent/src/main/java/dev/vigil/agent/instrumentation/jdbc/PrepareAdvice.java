package dev.vigil.agent.instrumentation.jdbc;

import net.bytebuddy.asm.Advice;

/** {@code Connection.prepareStatement(sql, ...)}: remembers the SQL of the returned statement. */
public final class PrepareAdvice {
  private PrepareAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Argument(0) String sql, @Advice.Return Object statement) {
    JdbcSupport.prepared(statement, sql);
  }
}
