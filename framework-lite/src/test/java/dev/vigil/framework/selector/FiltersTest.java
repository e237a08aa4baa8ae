package dev.vigil.framework.selector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiltersTest {
  private static final Node PLAIN = new Node("a", "10.0.0.1:1");
  private static final Node IN_US = new Node("b", "10.0.0.2:1", Map.of("zone", "us"));
  private static final Service EU_SERVICE =
      new Service(
          "orders",
          "2.0",
          Map.of("zone", "eu"),
          List.of(new Endpoint("Orders.Place")),
          List.of(PLAIN, IN_US));

  @Test
  void versionKeepsNodesOfThatVersionOnly() {
    assertThat(Filters.version("2.0").test(EU_SERVICE, PLAIN)).isTrue();
    assertThat(Filters.version("2").test(EU_SERVICE, PLAIN)).isFalse();
    assertThat(Filters.version("2.0").describe()).isEqualTo("version=2.0");
  }

  @Test
  void labelReadsTheNodeFirstThenItsService() {
    assertThat(Filters.label("zone", "eu").test(EU_SERVICE, PLAIN)).isTrue();
    assertThat(Filters.label("zone", "eu").test(EU_SERVICE, IN_US)).isFalse();
    assertThat(Filters.label("zone", "us").test(EU_SERVICE, IN_US)).isTrue();
    assertThat(Filters.label("tier", "gold").test(EU_SERVICE, PLAIN)).isFalse();
    assertThat(Filters.label("zone", "eu").describe()).isEqualTo("label zone=eu");
  }

  @Test
  void endpointKeepsServicesDeclaringIt() {
    assertThat(Filters.endpoint("Orders.Place").test(EU_SERVICE, PLAIN)).isTrue();
    assertThat(Filters.endpoint("Orders.Cancel").test(EU_SERVICE, PLAIN)).isFalse();
    assertThat(Filters.endpoint("Orders.Cancel").describe()).isEqualTo("endpoint Orders.Cancel");
  }
}
