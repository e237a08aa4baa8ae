package dev.vigil.collector.datagen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A made-up but plausible shop of {@value #SERVICE_COUNT} services in three tiers: edge services
 * serving HTTP routes to browsers and partners, domain services, and platform services answering
 * gRPC-style calls. Every operation has a latency distribution, an error rate and the calls it
 * makes: to operations of deeper tiers (so traces are trees across services), to its own PostgreSQL
 * database, to Redis, to Kafka topics consumed by other services, and to uninstrumented external
 * APIs known only by address. The same seed always gives the same shop.
 *
 * <p>Immutable after construction; thread-safe.
 */
final class Topology {
  static final int SERVICE_COUNT = 34;

  private static final String[] EDGE = {"web-frontend", "mobile-bff", "api-gateway", "partner-api"};
  private static final String[] DOMAIN = {
    "orders",
    "cart",
    "catalog",
    "search",
    "accounts",
    "checkout",
    "payments",
    "shipping",
    "inventory",
    "pricing",
    "recommendations",
    "reviews",
    "notifications",
    "promotions",
    "loyalty",
    "returns",
    "invoicing",
    "fraud-detection"
  };
  private static final String[] PLATFORM = {
    "auth",
    "user-profile",
    "session",
    "feature-flags",
    "currency",
    "tax",
    "geo",
    "email-sender",
    "sms-sender",
    "audit-log",
    "ledger",
    "warehouse"
  };
  private static final String[] EXTERNAL = {
    "payments:api.stripe.com:443",
    "sms-sender:api.twilio.com:443",
    "shipping:onlinetools.ups.com:443",
    "email-sender:api.sendgrid.com:443",
    "geo:maps.googleapis.com:443"
  };
  private static final String[] DB_VERBS = {"SELECT", "SELECT", "SELECT", "INSERT", "UPDATE"};

  /** An instrumented service. */
  record Service(
      int index, String name, int tier, int instances, String version, boolean namesPeers) {}

  /** A downstream call made while an operation runs. */
  sealed interface Call permits ServiceCall, DbCall, CacheCall, Produce, External {}

  /** An HTTP or gRPC call to another service's operation. */
  record ServiceCall(Operation target) implements Call {}

  /** A SQL statement against the caller's own database. */
  record DbCall(String verb, String table, double medianMs) implements Call {}

  /** A Redis command. */
  record CacheCall(String command, String key) implements Call {}

  /** A Kafka record published to {@code topic}, consumed by {@code consumer}. */
  record Produce(String topic, Operation consumer) implements Call {}

  /** An HTTPS call to an uninstrumented API, known only by {@code server.address}. */
  record External(String host, int port, double medianMs, double errorRate) implements Call {}

  /**
   * One operation a service serves: an HTTP route, a gRPC method or a Kafka topic it consumes.
   *
   * @param httpMethod the HTTP method for HTTP routes, null for gRPC methods and consumers
   * @param route the HTTP route or gRPC method; the topic for consumers
   */
  record Operation(
      Service service,
      String name,
      boolean consumer,
      String httpMethod,
      String route,
      double medianMs,
      double sigma,
      double errorRate,
      boolean internalStep,
      List<Call> calls) {}

  final List<Service> services = new ArrayList<>();
  final List<List<Operation>> operations = new ArrayList<>();

  /** Operations that start traces: edge routes and, less often, domain routes and jobs. */
  final List<Operation> entries = new ArrayList<>();

  Topology(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[][] tiers = {EDGE, DOMAIN, PLATFORM};
    for (int tier = 0; tier < tiers.length; tier++) {
      for (String name : tiers[tier]) {
        services.add(
            new Service(
                services.size(),
                name,
                tier,
                2 + random.nextInt(3),
                "1." + random.nextInt(20) + "." + random.nextInt(10),
                random.nextInt(3) == 0));
      }
    }
    // Deepest tier first, so every call targets an operation that already exists.
    List<List<Operation>> byService = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      byService.add(new ArrayList<>());
    }
    for (int i = services.size() - 1; i >= 0; i--) {
      Service s = services.get(i);
      int count = s.tier == 2 ? 3 + random.nextInt(3) : 4 + random.nextInt(5);
      for (int o = 0; o < count; o++) {
        byService.get(i).add(operation(random, s, i, o, byService));
      }
    }
    operations.addAll(byService);
    for (int i = 0; i < services.size(); i++) {
      Service s = services.get(i);
      for (Operation op : byService.get(i)) {
        if (op.consumer) {
          continue;
        }
        int weight = s.tier == 0 ? 12 : s.tier == 1 ? 1 : 0;
        for (int w = 0; w < weight; w++) {
          entries.add(op);
        }
      }
    }
  }

  private Operation operation(
      SplittableRandom random, Service s, int index, int o, List<List<Operation>> byService) {
    String noun = noun(s.name);
    double median = s.tier == 2 ? 1 + random.nextDouble() * 6 : 3 + random.nextDouble() * 25;
    if (s.name.equals("search") || s.name.equals("recommendations")) {
      median *= 3; // the slow ones
    }
    double errorRate = 0.002 + random.nextDouble() * 0.01;
    if (s.name.equals("payments") || s.name.equals("inventory")) {
      errorRate *= 3; // the flaky ones
    }
    List<Call> calls = new ArrayList<>();
    int serviceCalls =
        s.tier == 0 ? 2 + random.nextInt(3) : s.tier == 1 ? random.nextInt(4) : random.nextInt(2);
    for (int c = 0; c < serviceCalls; c++) {
      int target = calleeIndex(random, s.tier, index);
      if (target >= 0 && target != index && !byService.get(target).isEmpty()) {
        List<Operation> ops = byService.get(target);
        Operation callee = ops.get(random.nextInt(ops.size()));
        if (!callee.consumer) {
          calls.add(new ServiceCall(callee));
        }
      }
    }
    if (s.tier > 0) {
      int queries = random.nextInt(4);
      for (int q = 0; q < queries; q++) {
        calls.add(
            new DbCall(
                DB_VERBS[random.nextInt(DB_VERBS.length)],
                noun + (q == 0 ? "" : "_" + (q == 1 ? "items" : "events")),
                0.3 + random.nextDouble() * 3));
      }
    }
    if (random.nextInt(3) == 0) {
      calls.add(new CacheCall(random.nextBoolean() ? "GET" : "SET", noun + ":{id}"));
    }
    if (s.tier == 1 && random.nextInt(6) == 0) {
      calls.add(new Produce(noun + "." + (o % 2 == 0 ? "created" : "updated"), null));
    }
    for (String e : EXTERNAL) {
      String[] parts = e.split(":");
      if (parts[0].equals(s.name) && o % 2 == 0) {
        calls.add(new External(parts[1], Integer.parseInt(parts[2]), 40 + o * 15, 0.01));
      }
    }
    String method;
    String route;
    String name;
    if (s.tier == 2) {
      method = null;
      route = pascal(s.name) + "Service/" + RPC_VERBS[o % RPC_VERBS.length] + pascal(noun);
      name = route;
    } else {
      method = HTTP[o % HTTP.length][0];
      route = "/api/" + noun + HTTP[o % HTTP.length][1];
      name = method + " " + route;
    }
    Operation op =
        new Operation(
            s, name, false, method, route, median, 0.5, errorRate, random.nextInt(3) == 0, calls);
    return withConsumers(random, op, byService);
  }

  /** Replaces each Produce placeholder with a consumer operation in another service. */
  private Operation withConsumers(
      SplittableRandom random, Operation op, List<List<Operation>> byService) {
    List<Call> calls = new ArrayList<>(op.calls.size());
    for (Call c : op.calls) {
      if (c instanceof Produce p && p.consumer == null) {
        int target = 4 + random.nextInt(DOMAIN.length + PLATFORM.length);
        Service consumerService = services.get(target);
        if (consumerService.equals(op.service)) {
          continue;
        }
        Operation consumer =
            new Operation(
                consumerService,
                p.topic + " process",
                true,
                null,
                p.topic,
                1 + random.nextDouble() * 4,
                0.4,
                0.002,
                false,
                List.of(new DbCall("INSERT", noun(consumerService.name) + "_events", 0.5)));
        byService.get(target).add(consumer);
        calls.add(new Produce(p.topic, consumer));
      } else {
        calls.add(c);
      }
    }
    return new Operation(
        op.service,
        op.name,
        op.consumer,
        op.httpMethod,
        op.route,
        op.medianMs,
        op.sigma,
        op.errorRate,
        op.internalStep,
        List.copyOf(calls));
  }

  private static final String[][] HTTP = {
    {"GET", "/{id}"},
    {"GET", ""},
    {"POST", ""},
    {"PUT", "/{id}"},
    {"GET", "/search"},
    {"DELETE", "/{id}"},
    {"GET", "/{id}/history"},
    {"POST", "/{id}/actions"}
  };
  private static final String[] RPC_VERBS = {"Get", "Check", "List", "Update", "Record"};

  /** A callee in a deeper tier, or in the same tier further down the list for platform services. */
  private int calleeIndex(SplittableRandom random, int tier, int index) {
    if (tier == 0) {
      return EDGE.length + random.nextInt(DOMAIN.length);
    }
    if (tier == 1) {
      return random.nextInt(4) == 0
          ? EDGE.length + random.nextInt(DOMAIN.length)
          : EDGE.length + DOMAIN.length + random.nextInt(PLATFORM.length);
    }
    int next = index + 1 + random.nextInt(3);
    return next < services.size() && random.nextInt(2) == 0 ? next : -1;
  }

  private static String noun(String service) {
    int dash = service.indexOf('-');
    return dash < 0 ? service : service.substring(0, dash);
  }

  private static String pascal(String word) {
    StringBuilder out = new StringBuilder();
    for (String part : word.split("[-_]")) {
      out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
    }
    return out.toString();
  }
}
