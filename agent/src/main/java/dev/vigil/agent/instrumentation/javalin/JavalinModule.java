package dev.vigil.agent.instrumentation.javalin;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vigil.agent.bootstrap.ServerSupport;
import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Inbound Javalin (Jetty) requests: a SERVER span around {@code JavalinServlet.handle}, parented on
 * the request's {@code traceparent} and named after the matched route by {@code Endpoint.handle}.
 */
public final class JavalinModule implements InstrumentationModule {
  @Override
  public String name() {
    return ServerSupport.JAVALIN;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new ServletInstrumentation(), new EndpointInstrumentation());
  }

  static final class ServletInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("io.javalin.http.servlet.JavalinServlet");
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(named("handle").and(takesArguments(2)), ServletAdvice.class.getName());
    }
  }

  static final class EndpointInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("io.javalin.router.Endpoint");
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(named("handle").and(takesArguments(1)), RouteAdvice.class.getName());
    }
  }
}
