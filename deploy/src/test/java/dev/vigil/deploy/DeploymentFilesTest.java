package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The files under {@code deploy/} parse and carry what a cluster, Compose and systemd need: every
 * Kubernetes object has apiVersion, kind and a name; the collector and console Deployments have
 * images, {@code /ready} and {@code /health} probes on a declared port, settings from the ConfigMap
 * and Secret, and run as a non-root user; a Service publishes OTLP on 4318; every Compose service
 * has an image or build and a health check; the images run as a non-root user.
 */
class DeploymentFilesTest {
  private static final Path DEPLOY = Checkout.root().resolve("deploy");

  @Test
  void everyKubernetesObjectHasApiVersionKindAndName() throws IOException {
    List<Map<String, Object>> objects = kubernetesObjects();
    assertThat(objects).isNotEmpty();
    for (Map<String, Object> o : objects) {
      assertThat(o).containsKeys("apiVersion", "kind", "metadata");
      assertThat(map(o, "metadata")).containsKey("name");
      assertThat((String) map(o, "metadata").get("name")).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
    assertThat(kinds(objects)).contains("Deployment", "Service", "ConfigMap", "Secret");
  }

  @Test
  void collectorAndConsoleDeploymentsProbeReadyAndHealthAndRunAsNonRoot() throws IOException {
    List<Map<String, Object>> deployments =
        kubernetesObjects().stream().filter(o -> "Deployment".equals(o.get("kind"))).toList();
    assertThat(deployments)
        .extracting(d -> map(d, "metadata").get("name"))
        .containsExactlyInAnyOrder("vigil-collector", "vigil-console");
    for (Map<String, Object> d : deployments) {
      Map<String, Object> spec = map(d, "spec");
      Map<String, Object> selector = map(map(spec, "selector"), "matchLabels");
      Map<String, Object> template = map(spec, "template");
      assertThat(map(map(template, "metadata"), "labels")).containsAllEntriesOf(selector);
      Map<String, Object> pod = map(template, "spec");
      assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true);
      assertThat((Integer) map(pod, "securityContext").get("runAsUser")).isPositive();
      for (Map<String, Object> c : list(pod, "containers")) {
        assertThat((String) c.get("image")).isNotBlank();
        List<Object> portNames = new ArrayList<>();
        for (Map<String, Object> port : list(c, "ports")) {
          portNames.add(port.get("name"));
          portNames.add(port.get("containerPort"));
        }
        Map<String, Object> ready = map(map(c, "readinessProbe"), "httpGet");
        Map<String, Object> live = map(map(c, "livenessProbe"), "httpGet");
        assertThat(ready).containsEntry("path", "/ready");
        assertThat(live).containsEntry("path", "/health");
        assertThat(portNames).contains(ready.get("port"), live.get("port"));
        assertThat(map(c, "securityContext")).containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(c, "envFrom"))
            .anySatisfy(e -> assertThat(e).containsKey("configMapRef"))
            .anySatisfy(e -> assertThat(e).containsKey("secretRef"));
      }
    }
  }

  @Test
  void aServicePublishesOtlpOn4318ToTheCollector() throws IOException {
    Map<String, Object> service =
        kubernetesObjects().stream()
            .filter(o -> "Service".equals(o.get("kind")))
            .filter(o -> "vigil-collector".equals(map(o, "metadata").get("name")))
            .findFirst()
            .orElseThrow();
    assertThat(list(map(service, "spec"), "ports"))
        .anySatisfy(p -> assertThat(p).containsEntry("port", 4318));
    assertThat(map(map(service, "spec"), "selector"))
        .containsEntry("app.kubernetes.io/name", "vigil-collector");
  }

  @Test
  void theConfigMapAndSecretReferencedExistAndPostgresIsExternal() throws IOException {
    List<Map<String, Object>> objects = kubernetesObjects();
    assertThat(objects)
        .filteredOn(o -> "ConfigMap".equals(o.get("kind")))
        .extracting(o -> map(o, "metadata").get("name"))
        .contains("vigil-config");
    Map<String, Object> secret =
        objects.stream().filter(o -> "Secret".equals(o.get("kind"))).findFirst().orElseThrow();
    assertThat(map(secret, "metadata")).containsEntry("name", "vigil-secrets");
    assertThat(map(secret, "stringData")).containsKeys("VIGIL_DB_URL", "VIGIL_TOKEN");
    assertThat(kinds(objects)).doesNotContain("StatefulSet");
  }

  @Test
  void everyComposeServiceHasAnImageAndAHealthCheck() throws IOException {
    Map<String, Object> compose =
        new Yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml")));
    Map<String, Object> services = map(compose, "services");
    assertThat(services).containsKeys("postgres", "collector", "console");
    services.forEach(
        (name, value) -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> s = (Map<String, Object>) value;
          assertThat(s.containsKey("image") || s.containsKey("build")).as(name).isTrue();
          assertThat(map(s, "healthcheck")).as(name).containsKey("test");
        });
    for (String vigil : List.of("collector", "console")) {
      assertThat(map(services, vigil).get("user")).as(vigil).isEqualTo("10001:10001");
    }
  }

  @Test
  void imagesAndUnitsRunAsANonRootUser() throws IOException {
    try (Stream<Path> files = Files.list(DEPLOY.resolve("docker"))) {
      for (Path dockerfile :
          files.filter(f -> f.getFileName().toString().startsWith("Dockerfile")).toList()) {
        List<String> users =
            Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).as(dockerfile.toString()).isNotEmpty();
        assertThat(users.get(users.size() - 1))
            .as(dockerfile.toString())
            .doesNotContain("root")
            .isNotEqualTo("USER 0");
      }
    }
    for (String unit : List.of("vigil-server", "vigil-collector", "vigil-console")) {
      String text = Files.readString(DEPLOY.resolve("systemd/" + unit + ".service"));
      assertThat(text)
          .as(unit)
          .contains("[Unit]", "[Service]", "[Install]", "User=vigil", "ExecStart=");
      assertThat(text).as(unit).contains("vigil.jar " + unit.substring("vigil-".length()));
    }
  }

  private static List<Map<String, Object>> kubernetesObjects() throws IOException {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(f))) {
          if (doc != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) doc;
            objects.add(o);
          }
        }
      }
    }
    return objects;
  }

  private static List<Object> kinds(List<Map<String, Object>> objects) {
    return objects.stream().map(o -> o.get("kind")).toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(List.class);
    return (List<Map<String, Object>>) value;
  }
}
