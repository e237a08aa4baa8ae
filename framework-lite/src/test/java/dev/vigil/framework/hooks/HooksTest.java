package dev.vigil.framework.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.Service;
import dev.vigil.framework.TestCluster;
import dev.vigil.framework.TestModels.Event;
import dev.vigil.framework.TestModels.Hello;
import dev.vigil.framework.TestModels.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HooksTest {
  private final TestCluster cluster = new TestCluster();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  @SuppressWarnings("try")
  void globalWrappersRunOutsideConfiguredOnesInTheOrderAdded() throws Exception {
    try (Hooks.Registration a =
            Hooks.addHandlerWrapper(
                next ->
                    req -> {
                      log.add("hook1 " + req.endpoint());
                      return next.handle(req);
                    });
        Hooks.Registration b =
            Hooks.addHandlerWrapper(
                next ->
                    req -> {
                      log.add("hook2");
                      return next.handle(req);
                    });
        Hooks.Registration c =
            Hooks.addCallWrapper(
                next ->
                    (node, req) -> {
                      log.add("call-hook " + req.service());
                      return next.call(node, req.withMetadata("traceparent", "00-x-y-01"));
                    });
        Hooks.Registration d =
            Hooks.addPublishWrapper(
                next ->
                    (topic, msg) -> {
                      log.add("publish-hook " + topic);
                      next.publish(topic, msg);
                    });
        Hooks.Registration e =
            Hooks.addSubscriberWrapper(
                next ->
                    (topic, msg) -> {
                      log.add("subscriber-hook " + msg.headers().getOrNull("traceparent"));
                      next.handle(topic, msg);
                    })) {
      CountDownLatch delivered = new CountDownLatch(1);
      Service server =
          cluster.build(
              "greeter",
              builder ->
                  builder
                      .wrapHandler(
                          next ->
                              req -> {
                                log.add("configured1");
                                return next.handle(req);
                              })
                      .wrapHandler(
                          next ->
                              req -> {
                                log.add("configured2 " + req.metadata().getOrNull("traceparent"));
                                return next.handle(req);
                              }));
      server.handle(
          "Greeter.Hello",
          Hello.class,
          h -> {
            log.add("handler");
            return new Reply("hi", "n");
          });
      server.subscribe(
          "events",
          Event.class,
          null,
          ev -> {
            log.add("subscriber " + ev.text());
            delivered.countDown();
          });
      server.start();
      Service caller = cluster.build("caller").start();
      caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class);
      assertThat(log)
          .containsExactly(
              "call-hook greeter",
              "hook1 Greeter.Hello",
              "hook2",
              "configured1",
              "configured2 00-x-y-01",
              "handler");
      log.clear();
      caller.client().publish("events", new Event("e1"), Metadata.of("traceparent", "00-a-b-01"));
      assertThat(delivered.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(log)
          .containsExactly("publish-hook events", "subscriber-hook 00-a-b-01", "subscriber e1");
    }
    assertThat(Hooks.handlerWrappers()).isEmpty();
    assertThat(Hooks.callWrappers()).isEmpty();
  }

  @Test
  @SuppressWarnings("try")
  void serversBuiltBeforeAHookWasAddedDoNotApplyIt() {
    Service server = cluster.build("greeter");
    server.handle("Greeter.Hello", Hello.class, h -> new Reply("hi", "n")).start();
    try (Hooks.Registration r =
        Hooks.addHandlerWrapper(
            next ->
                req -> {
                  log.add("late hook");
                  return next.handle(req);
                })) {
      Service caller = cluster.build("caller").start();
      caller
          .client()
          .call(
              "greeter",
              "Greeter.Hello",
              new Hello("x"),
              Reply.class,
              dev.vigil.framework.client.CallOptions.builder()
                  .timeout(Duration.ofSeconds(2))
                  .build());
    }
    assertThat(log).isEmpty();
  }
}
