package dev.vigil.console.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.console.api.BadParameterException;
import dev.vigil.framework.registry.Service;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void serviceNamesFollowFrameworkLitesRule() {
    List<String> samples =
        List.of(
            "orders",
            "Orders.v2",
            "a",
            "0-svc",
            "x_y",
            "-lead",
            ".lead",
            "has space",
            "slash/x",
            "ü",
            "",
            "a".repeat(128),
            "a".repeat(129),
            "colon:x");
    for (String name : samples) {
      boolean framework;
      try {
        Service.requireValidName(name);
        framework = true;
      } catch (IllegalArgumentException e) {
        framework = false;
      }
      assertThat(Names.SERVICE.matcher(name).matches()).as(name).isEqualTo(framework);
    }
  }

  @Test
  void addressesNeedAHostAndAPortInRange() {
    for (String ok :
        List.of(
            "h:1",
            "10.0.0.1:8080",
            "svc.ns.svc.cluster.local:65535",
            "[::1]:80",
            "[fe80::1%eth0]:9")) {
      assertThat(Names.address(ok)).isEqualTo(ok);
    }
    for (String bad :
        List.of(
            "h",
            ":80",
            "h:",
            "h:0",
            "h:65536",
            "h:-1",
            "h:8o",
            "::1:80",
            "a b:1",
            "h:123456",
            "-h:1")) {
      assertThatThrownBy(() -> Names.address(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              BadParameterException.class, e -> assertThat(e.parameter()).isEqualTo("address"));
    }
  }
}
