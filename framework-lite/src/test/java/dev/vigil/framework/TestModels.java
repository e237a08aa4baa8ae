package dev.vigil.framework;

/** Request and response types of the test services. */
public final class TestModels {
  private TestModels() {}

  public record Hello(String name) {}

  public record Reply(String message, String node) {}

  public record Slow(long millis) {}

  public record Event(String text) {}
}
