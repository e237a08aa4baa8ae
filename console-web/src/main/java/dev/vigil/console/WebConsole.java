package dev.vigil.console;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The web console's pages: plain ES modules, CSS and HTML under {@code classpath:/web} served at
 * {@code /}, chart code from WebJars under {@code /webjars}, and the security headers every answer
 * carries (a strict Content-Security-Policy: scripts and styles only from this origin, no inline
 * code, no framing). The pages are clients of the documented {@code /api/v1}.
 *
 * <p>Stateless and thread-safe.
 */
final class WebConsole {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; manifest-src 'self'; frame-ancestors 'none';"
          + " base-uri 'none'; form-action 'self'";

  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy", CONTENT_SECURITY_POLICY,
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer",
          "X-Frame-Options", "DENY",
          "Cross-Origin-Opener-Policy", "same-origin");

  private WebConsole() {}

  static void configure(JavalinConfig config) {
    config.staticFiles.add(
        files -> {
          files.hostedPath = "/";
          files.directory = "/web";
          files.location = Location.CLASSPATH;
          files.precompress = false;
          files.headers = Map.of("Cache-Control", "no-cache");
        });
    config.staticFiles.enableWebjars();
  }

  static void secureHeaders(Context ctx) {
    SECURITY_HEADERS.forEach(ctx::header);
  }

  /** Paths of sign-in and user management, which check sessions and scopes themselves. */
  static boolean isSessionPath(String path) {
    return path.equals("/api/v1/session")
        || path.startsWith("/api/v1/session/")
        || path.equals("/api/v1/users")
        || path.startsWith("/api/v1/users/");
  }
}
