package dev.vigil.examples;

import dev.vigil.framework.Service;
import dev.vigil.framework.errors.FrameworkException;

/**
 * The {@code greeter} service: one endpoint, {@code Greeter.Hello}, answering with a greeting and
 * the id of the node that answered (so the demo shows calls spreading over nodes). Run it alone
 * with {@code main}, configured by {@code VIGIL_*} environment variables.
 */
public final class Greeter {
  public static final String NAME = "greeter";
  public static final String HELLO = "Greeter.Hello";

  public record HelloRequest(String name) {}

  public record HelloReply(String message, String node) {}

  private Greeter() {}

  /** Builds the service from {@code builder} and adds its endpoint; the caller starts it. */
  public static Service create(Service.Builder builder) {
    Service service = builder.name(NAME).version("1.0.0").build();
    String node = service.server().nodeId();
    service.handle(
        HELLO,
        HelloRequest.class,
        request -> {
          if (request.name() == null || request.name().isBlank()) {
            throw FrameworkException.badRequest(NAME, "name: \"\" (expected: a non-blank name)");
          }
          return new HelloReply("Hello, " + request.name() + "!", node);
        });
    return service;
  }

  public static void main(String[] args) throws InterruptedException {
    create(Service.builder()).run();
  }
}
