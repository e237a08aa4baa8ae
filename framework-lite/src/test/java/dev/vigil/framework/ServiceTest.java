package dev.vigil.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.TestModels.Hello;
import dev.vigil.framework.TestModels.Reply;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.config.Plugin;
import dev.vigil.framework.config.PluginKind;
import dev.vigil.framework.config.Plugins;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.transport.MemoryTransport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceTest {

  @Test
  void servicesWithDefaultConfigurationFindEachOtherThroughTheSharedMemoryRegistry() {
    Service greeter = Service.builder().name("svc-test-greeter").environment(Map.of()).build();
    Service caller = Service.builder().name("svc-test-caller").environment(Map.of()).build();
    try {
      greeter.handle("Greeter.Hello", Hello.class, h -> new Reply("Hello " + h.name(), "g"));
      greeter.start();
      caller.start();
      assertThat(greeter.registry()).isSameAs(Plugins.sharedMemoryRegistry());
      assertThat(greeter.transport().name()).isEqualTo("http");
      assertThat(greeter.broker()).isSameAs(Plugins.sharedMemoryBroker());
      assertThat(
              caller
                  .client()
                  .call("svc-test-greeter", "Greeter.Hello", new Hello("a"), Reply.class))
          .isEqualTo(new Reply("Hello a", "g"));
    } finally {
      caller.stop();
      greeter.stop();
    }
    // the shared registry outlives the services
    assertThat(Plugins.sharedMemoryRegistry().getService("svc-test-greeter")).isEmpty();
  }

  @Test
  void environmentOverridesCode() {
    Service s =
        Service.builder()
            .name("from-code")
            .set(ConfigKeys.CLIENT_RETRIES, "2")
            .environment(
                Map.of(
                    "VIGIL_SERVICE_NAME", "from-env",
                    "VIGIL_CLIENT_TIMEOUT", "750ms",
                    "VIGIL_TRANSPORT", "memory"))
            .build();
    try {
      assertThat(s.name()).isEqualTo("from-env");
      assertThat(s.client().defaults().timeout()).isEqualTo(Duration.ofMillis(750));
      assertThat(s.client().defaults().retries()).isEqualTo(2);
      assertThat(s.transport()).isInstanceOf(MemoryTransport.class);
    } finally {
      s.stop();
    }
  }

  @Test
  void unknownPluginNameIsAStartupErrorListingTheValidNames() {
    assertThatThrownBy(
            () -> Service.builder().name("x").environment(Map.of("VIGIL_BROKER", "kafka")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "vigil.broker: \"kafka\" from VIGIL_BROKER (expected: one of http, memory, nats, or a"
                + " plugin installed with Service.builder().installPlugin(...))");
  }

  @Test
  void missingNameAndBadValuesFailAtBuild() {
    assertThatThrownBy(() -> Service.builder().environment(Map.of()).build())
        .hasMessageStartingWith("vigil.service.name: missing");
    assertThatThrownBy(
            () ->
                Service.builder()
                    .name("x")
                    .set(ConfigKeys.REGISTER_TTL, "5s")
                    .set(ConfigKeys.REGISTER_INTERVAL, "5s")
                    .environment(Map.of())
                    .build())
        .hasMessageStartingWith("registerInterval: PT5S (expected: < registerTtl PT5S");
  }

  @Test
  void installedPluginsAreChosenByName() {
    AtomicInteger created = new AtomicInteger();
    MemoryRegistry mine = new MemoryRegistry();
    Service s =
        Service.builder()
            .name("x")
            .environment(Map.of("VIGIL_REGISTRY", "mine", "VIGIL_TRANSPORT", "memory"))
            .installPlugin(
                Plugin.of(
                    PluginKind.REGISTRY,
                    "mine",
                    c -> {
                      created.incrementAndGet();
                      return mine;
                    }))
            .build();
    try {
      assertThat(s.registry()).isSameAs(mine);
      assertThat(created).hasValue(1);
      s.start();
      assertThat(mine.getService("x")).hasSize(1);
    } finally {
      s.stop();
    }
    assertThatThrownBy(
            () ->
                mine.register(
                    dev.vigil.framework.registry.Service.of(
                        "y", "1", new dev.vigil.framework.registry.Node("n", "127.0.0.1:1")),
                    Duration.ZERO))
        .isInstanceOf(IllegalStateException.class); // owned, so closed with the service
  }
}
