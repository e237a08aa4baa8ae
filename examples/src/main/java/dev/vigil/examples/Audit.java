package dev.vigil.examples;

import dev.vigil.framework.CallContext;
import dev.vigil.framework.Metadata;
import dev.vigil.framework.Service;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code audit} service: subscribes to {@value Gateway#TOPIC} in queue group {@value #QUEUE},
 * so with several audit nodes each event is recorded once, by one of them.
 */
public final class Audit {
  public static final String NAME = "audit";
  public static final String QUEUE = "audit";
  private static final Logger log = LoggerFactory.getLogger(Audit.class);

  private Audit() {}

  /** Builds the service; {@code recorded} counts the events this node recorded. */
  public static Service create(Service.Builder builder, AtomicLong recorded) {
    Service service = builder.name(NAME).version("1.0.0").build();
    String node = service.server().nodeId();
    service.subscribe(
        Gateway.TOPIC,
        Gateway.GreetingEvent.class,
        QUEUE,
        event -> {
          recorded.incrementAndGet();
          String trace =
              CallContext.current()
                  .map(c -> c.metadata().getOrNull(Metadata.TRACEPARENT))
                  .orElse(null);
          log.info(
              "{} recorded greeting of {} by {} (traceparent {})",
              node,
              event.name(),
              event.greeterNode(),
              trace);
        });
    return service;
  }

  public static void main(String[] args) throws InterruptedException {
    create(Service.builder(), new AtomicLong()).run();
  }
}
