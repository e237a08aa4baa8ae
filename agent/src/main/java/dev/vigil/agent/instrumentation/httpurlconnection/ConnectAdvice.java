package dev.vigil.agent.instrumentation.httpurlconnection;

import dev.vigil.agent.bootstrap.ClientSupport;
import java.net.HttpURLConnection;
import net.bytebuddy.asm.Advice;

/** {@code connect()} and {@code getOutputStream()}: starts the span before the request is sent. */
public final class ConnectAdvice {
  private ConnectAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(
      @Advice.This HttpURLConnection connection,
      @Advice.FieldValue("connected") boolean connected) {
    ClientSupport.connectionUsed(connection, connected);
  }
}
