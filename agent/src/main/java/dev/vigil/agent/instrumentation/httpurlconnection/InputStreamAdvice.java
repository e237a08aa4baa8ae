package dev.vigil.agent.instrumentation.httpurlconnection;

import dev.vigil.agent.bootstrap.ClientSupport;
import java.net.HttpURLConnection;
import net.bytebuddy.asm.Advice;

/** {@code getInputStream()}: starts the span if nothing did yet, ends it with the response code. */
public final class InputStreamAdvice {
  private InputStreamAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(
      @Advice.This HttpURLConnection connection,
      @Advice.FieldValue("connected") boolean connected) {
    ClientSupport.connectionUsed(connection, connected);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.This HttpURLConnection connection,
      @Advice.FieldValue("responseCode") int responseCode,
      @Advice.Thrown Throwable thrown) {
    ClientSupport.responseRead(connection, responseCode, thrown);
  }
}
