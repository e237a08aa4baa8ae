package dev.vigil.agent.instrumentation.httpurlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vigil.agent.bootstrap.ClientSupport;
import dev.vigil.agent.instrumentation.AdviceSet;
import dev.vigil.agent.instrumentation.InstrumentationModule;
import dev.vigil.agent.instrumentation.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDK's {@code HttpURLConnection} (HTTPS goes through the same class as a delegate): the span
 * starts on the first connect, getOutputStream or getInputStream, when {@code traceparent} can
 * still be set, and ends when getInputStream returns or throws.
 */
public final class HttpUrlConnectionModule implements InstrumentationModule {
  @Override
  public String name() {
    return ClientSupport.HTTP_URL_CONNECTION;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new ConnectionInstrumentation());
  }

  static final class ConnectionInstrumentation implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("sun.net.www.protocol.http.HttpURLConnection");
    }

    @Override
    public AdviceSet advice(AdviceSet t) {
      return t.advice(
              namedOneOf("connect", "getOutputStream").and(takesArguments(0)),
              ConnectAdvice.class.getName())
          .advice(
              named("getInputStream").and(takesArguments(0)), InputStreamAdvice.class.getName());
    }
  }
}
