package dev.vigil.agent.instrumentation.httpclient;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vigil.agent.bootstrap.ClientSupport;
import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDK {@code java.net.http.HttpClient}: {@code send} and {@code sendAsync} on the public facade
 * (whose methods do not call each other) become CLIENT spans, and the request is rebuilt with
 * {@code traceparent}.
 */
public final class JavaHttpClientModule implements InstrumentationModule {
  @Override
  public String name() {
    return ClientSupport.JAVA_HTTP_CLIENT;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new FacadeInstrumentation());
  }

  static final class FacadeInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("jdk.internal.net.http.HttpClientFacade");
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(named("send").and(takesArguments(2)), SendAdvice.class.getName())
          .advice(named("sendAsync"), SendAsyncAdvice.class.getName());
    }
  }
}
