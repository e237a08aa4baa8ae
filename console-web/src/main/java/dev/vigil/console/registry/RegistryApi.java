package dev.vigil.console.registry;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Scopes;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.JsonBody;
import dev.vigil.console.api.RequestParams;
import dev.vigil.console.audit.Actor;
import dev.vigil.console.registry.RegistryViews.NodeView;
import dev.vigil.console.registry.RegistryViews.ServiceView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The registry API under {@value #PREFIX}: register/renew, deregister and operate nodes, set a
 * service's protection threshold, and read services and the service list, with Consul-style
 * blocking queries ({@code ?index=N&wait=30s}) that hold the request without holding a thread.
 * Every call needs a token: {@code registry:register:<service>} to register, renew and deregister
 * that service's nodes, {@value Scopes#REGISTRY_OPERATE} to disable, enable, weigh and protect,
 * {@value Scopes#REGISTRY_READ} to read. Documented in {@code docs/api.md}.
 *
 * <p>Thread-safe: stateless apart from the shared {@link RegistryServer}.
 */
public final class RegistryApi {
  public static final String PREFIX = "/api/v1/registry";
  public static final String INDEX_HEADER = "X-Vigil-Index";

  private final RegistryServer registry;
  private final AccessControl access;

  public RegistryApi(RegistryServer registry, AccessControl access) {
    this.registry = requireNonNull(registry, "registry");
    this.access = requireNonNull(access, "access");
  }

  public void addRoutes(Javalin app) {
    app.get(PREFIX + "/services", this::list);
    app.get(PREFIX + "/services/{service}", this::service);
    app.patch(PREFIX + "/services/{service}", this::patchService);
    app.put(PREFIX + "/services/{service}/nodes/{nodeId}", this::register);
    app.delete(PREFIX + "/services/{service}/nodes/{nodeId}", this::deregister);
    app.patch(PREFIX + "/services/{service}/nodes/{nodeId}", this::patchNode);
  }

  private void register(Context ctx) {
    String service = ctx.pathParam("service");
    access.require(ctx, Scopes.registryRegister(service));
    RequestParams.allowOnly(ctx);
    NodeRegistration registration =
        NodeRegistration.parse(
            service,
            ctx.pathParam("nodeId"),
            JsonBody.parse(ctx, "version", "address", "metadata", "endpoints", "ttlSeconds"));
    RegistryStore.RegisterResult result = registry.store.register(registration, Actor.of(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", service);
    body.put("id", registration.nodeId());
    body.put("created", result.created());
    body.put("changed", result.changed());
    body.put("index", result.index());
    ctx.header(INDEX_HEADER, Long.toString(result.index()));
    ctx.status(result.created() ? 201 : 200).json(body);
  }

  private void deregister(Context ctx) {
    String service = ctx.pathParam("service");
    access.require(ctx, Scopes.registryRegister(service));
    RequestParams.allowOnly(ctx);
    Names.service(service);
    String nodeId = Names.nodeId(ctx.pathParam("nodeId"));
    Optional<Long> index = registry.store.deregister(service, nodeId, Actor.of(ctx));
    if (index.isEmpty()) {
      throw new ApiException(404, "no node " + nodeId + " in service " + service);
    }
    ctx.header(INDEX_HEADER, Long.toString(index.get()));
    ctx.status(204);
  }

  private void patchNode(Context ctx) {
    access.require(ctx, Scopes.REGISTRY_OPERATE);
    RequestParams.allowOnly(ctx);
    String service = Names.service(ctx.pathParam("service"));
    String nodeId = Names.nodeId(ctx.pathParam("nodeId"));
    JsonBody body = JsonBody.parse(ctx, "enabled", "weight");
    Boolean enabled = body.bool("enabled");
    Long weight = body.longIn("weight", 1, NodeRegistration.MAX_WEIGHT);
    if (enabled == null && weight == null) {
      throw new BadParameterException("body", "{}", "at least one of enabled, weight");
    }
    RegistryStore.PatchResult result =
        registry.store.patchNode(
            service, nodeId, enabled, weight == null ? null : weight.intValue(), Actor.of(ctx));
    if (!result.found()) {
      throw new ApiException(404, "no node " + nodeId + " in service " + service);
    }
    ServiceView view = registry.store.readService(service);
    NodeView node =
        view.nodes().stream().filter(n -> n.id().equals(nodeId)).findFirst().orElse(null);
    if (node == null) {
      throw new ApiException(404, "no node " + nodeId + " in service " + service);
    }
    ctx.header(INDEX_HEADER, Long.toString(view.index()));
    ctx.json(node);
  }

  private void patchService(Context ctx) {
    access.require(ctx, Scopes.REGISTRY_OPERATE);
    RequestParams.allowOnly(ctx);
    String service = Names.service(ctx.pathParam("service"));
    Double threshold =
        JsonBody.parse(ctx, "protectThreshold").doubleIn("protectThreshold", 0.0, 1.0);
    if (threshold == null) {
      throw new BadParameterException("protectThreshold", "missing", "0.0..1.0");
    }
    registry.store.patchService(service, threshold, Actor.of(ctx));
    ServiceView view = registry.store.readService(service);
    ctx.header(INDEX_HEADER, Long.toString(view.index()));
    ctx.json(view);
  }

  private void service(Context ctx) {
    access.require(ctx, Scopes.REGISTRY_READ);
    RequestParams.allowOnly(ctx, "index", "wait");
    String service = Names.service(ctx.pathParam("service"));
    answer(
        ctx,
        service,
        () -> registry.store.serviceIndex(service),
        () -> {
          ServiceView view = registry.store.readService(service);
          return new Answer(view.index(), view);
        });
  }

  private void list(Context ctx) {
    access.require(ctx, Scopes.REGISTRY_READ);
    RequestParams.allowOnly(ctx, "index", "wait");
    answer(
        ctx,
        IndexWaiters.ALL,
        registry.store::globalIndex,
        () -> {
          RegistryViews.ServiceList list = registry.store.listServices();
          return new Answer(list.index(), Map.of("services", list.services()));
        });
  }

  private record Answer(long index, Object body) {}

  /**
   * Answers at once, or, for a blocking query whose index has not moved, once it moves past the
   * given index or the wait ends, without holding a thread meanwhile.
   */
  private void answer(Context ctx, String key, LongSupplier currentIndex, Supplier<Answer> read) {
    long index = RequestParams.longIn(ctx, "index", 0, 0, Long.MAX_VALUE);
    Duration wait = waitParam(ctx);
    if (wait != null && index == 0) {
      throw new BadParameterException("wait", ctx.queryParam("wait"), "only with index");
    }
    if (index == 0) {
      write(ctx, read.get());
      return;
    }
    Duration total = wait == null ? registry.config.defaultWait() : wait;
    // Jitter spreads the re-requests of many watchers whose waits all end together.
    long jitterNs = ThreadLocalRandom.current().nextLong(total.toNanos() / 16 + 1);
    CompletableFuture<Boolean> woken =
        registry.waiters.await(key, index, total.plusNanos(jitterNs));
    long now = currentIndex.getAsLong();
    if (now > index) {
      // Moved before the waiter was in place: wake it (and any others behind) now.
      registry.waiters.changed(key, now);
    }
    ctx.future(() -> woken.thenAcceptAsync(moved -> write(ctx, read.get()), registry.responses));
  }

  private static void write(Context ctx, Answer answer) {
    ctx.header(INDEX_HEADER, Long.toString(answer.index()));
    ctx.json(answer.body());
  }

  /** {@code wait} as {@code 500ms}, {@code 30s}, {@code 5m} or plain seconds, up to the maximum. */
  static @Nullable Duration waitParam(Context ctx) {
    String raw = RequestParams.text(ctx, "wait");
    if (raw == null) {
      return null;
    }
    return RequestParams.waitDuration(
        raw,
        RegistryConfig.MAX_WAIT,
        "1ms.." + RegistryConfig.MAX_WAIT.toMinutes() + "m, e.g. 500ms, 30s or 5m");
  }
}
