package dev.vigil.agent.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * JDBC: {@code Statement}/{@code PreparedStatement} execute calls become CLIENT spans; the SQL of a
 * prepared statement is remembered when the connection prepares it. Driver classes are matched by
 * name ({@code *Statement*}, {@code *Connection*}) before their hierarchy is read.
 */
public final class JdbcModule implements InstrumentationModule {
  @Override
  public String name() {
    return JdbcSupport.NAME;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new StatementInstrumentation(), new ConnectionInstrumentation());
  }

  static final class StatementInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return nameContains("Statement")
          .and(not(isInterface()))
          .and(hasSuperType(named("java.sql.Statement")));
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(
              namedOneOf("execute", "executeQuery", "executeUpdate", "executeLargeUpdate")
                  .and(isPublic())
                  .and(takesArgument(0, String.class)),
              StatementAdvice.class.getName())
          .advice(
              namedOneOf(
                      "execute",
                      "executeQuery",
                      "executeUpdate",
                      "executeLargeUpdate",
                      "executeBatch",
                      "executeLargeBatch")
                  .and(isPublic())
                  .and(takesArguments(0)),
              PreparedStatementAdvice.class.getName());
    }

    @Override
    public boolean attachesState() {
      return true;
    }
  }

  static final class ConnectionInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return nameContains("Connection")
          .and(not(isInterface()))
          .and(hasSuperType(named("java.sql.Connection")));
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(
          namedOneOf("prepareStatement", "prepareCall")
              .and(isPublic())
              .and(takesArgument(0, String.class))
              .and(returns(hasSuperType(named("java.sql.PreparedStatement")))),
          PrepareAdvice.class.getName());
    }

    @Override
    public boolean attachesState() {
      return true;
    }
  }
}
