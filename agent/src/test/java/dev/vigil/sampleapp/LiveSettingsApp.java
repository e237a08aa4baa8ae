package dev.vigil.sampleapp;

import io.javalin.Javalin;

/**
 * A service that serves {@code GET /ping/{phase}} until it is stopped, for the live settings test:
 * prints {@code PORT <n>} once it listens.
 */
public final class LiveSettingsApp {
  private LiveSettingsApp() {}

  public static void main(String[] args) throws Exception {
    Javalin app =
        Javalin.create(c -> c.showJavalinBanner = false)
            .get("/ping/{phase}", ctx -> ctx.result("pong " + ctx.pathParam("phase")));
    app.start("127.0.0.1", 0);
    System.out.println("PORT " + app.port());
    Thread.currentThread().join();
  }
}
