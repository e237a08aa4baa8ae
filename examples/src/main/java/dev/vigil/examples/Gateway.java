package dev.vigil.examples;

import dev.vigil.framework.Service;
import dev.vigil.framework.client.CallOptions;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@code gateway} service: {@code Gateway.Greet} calls {@code greeter}, then publishes a {@link
 * GreetingEvent} on topic {@value #TOPIC} for {@code audit}. Trace headers of the incoming request
 * reach both without any code here.
 */
public final class Gateway {
  public static final String NAME = "gateway";
  public static final String GREET = "Gateway.Greet";
  public static final String TOPIC = "greetings";

  public record GreetRequest(String name) {}

  public record GreetReply(String message, String greeterNode) {}

  public record GreetingEvent(String name, String message, String greeterNode, Instant at) {}

  private Gateway() {}

  public static Service create(Service.Builder builder) {
    Service service = builder.name(NAME).version("1.0.0").build();
    CallOptions toGreeter = CallOptions.builder().timeout(Duration.ofSeconds(2)).build();
    service.handle(
        GREET,
        GreetRequest.class,
        request -> {
          Greeter.HelloReply reply =
              service
                  .client()
                  .call(
                      Greeter.NAME,
                      Greeter.HELLO,
                      new Greeter.HelloRequest(request.name()),
                      Greeter.HelloReply.class,
                      toGreeter);
          service
              .client()
              .publish(
                  TOPIC,
                  new GreetingEvent(request.name(), reply.message(), reply.node(), Instant.now()));
          return new GreetReply(reply.message(), reply.node());
        });
    return service;
  }

  public static void main(String[] args) throws InterruptedException {
    create(Service.builder()).run();
  }
}
