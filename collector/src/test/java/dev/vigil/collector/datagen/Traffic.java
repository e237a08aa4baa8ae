package dev.vigil.collector.datagen;

import com.google.protobuf.ByteString;
import dev.vigil.collector.datagen.Topology.CacheCall;
import dev.vigil.collector.datagen.Topology.Call;
import dev.vigil.collector.datagen.Topology.DbCall;
import dev.vigil.collector.datagen.Topology.External;
import dev.vigil.collector.datagen.Topology.Operation;
import dev.vigil.collector.datagen.Topology.Produce;
import dev.vigil.collector.datagen.Topology.Service;
import dev.vigil.collector.datagen.Topology.ServiceCall;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns the {@link Topology} into OTLP export requests as the OpenTelemetry Java agent would send
 * them: one trace per user request, spanning the services it reaches with SERVER, CLIENT, INTERNAL,
 * PRODUCER and CONSUMER spans and the semantic-convention attributes the agent sets; log records
 * written while serving (errors always, some info lines, warnings for slow requests) carrying the
 * trace context; and per-minute JVM gauges of every instance.
 *
 * <p>Immutable; thread-safe. Each caller brings its own random source and {@link Batch}.
 */
final class Traffic {
  static final long MS = 1_000_000L;
  private static final int MAX_DEPTH = 6;
  private static final String[] TIERS = {"gold", "silver", "bronze", "bronze", "bronze"};
  private static final String[] ERRORS = {
    "java.sql.SQLTransientConnectionException|Connection is not available, request timed out"
        + " after 2000ms",
    "java.net.SocketTimeoutException|Read timed out",
    "java.lang.IllegalStateException|Optimistic lock failed: row was updated by another"
        + " transaction",
    "java.net.ConnectException|Connection refused",
    "java.lang.NullPointerException|Cannot invoke \"String.length()\" because \"value\" is null"
  };

  private final Topology topology;
  private final Resource[][] resources;

  Traffic(Topology topology) {
    this.topology = topology;
    this.resources = new Resource[topology.services.size()][];
    for (int i = 0; i < resources.length; i++) {
      Service s = topology.services.get(i);
      resources[i] = new Resource[s.instances()];
      for (int n = 0; n < s.instances(); n++) {
        String instance = s.name() + "-" + Integer.toHexString(0x5f3a + i * 97 + n * 13) + "-" + n;
        resources[i][n] =
            Resource.newBuilder()
                .addAttributes(str("service.name", s.name()))
                .addAttributes(str("service.namespace", "shop"))
                .addAttributes(str("service.version", s.version()))
                .addAttributes(str("service.instance.id", instance))
                .addAttributes(str("host.name", instance))
                .addAttributes(str("deployment.environment", "production"))
                .addAttributes(str("telemetry.sdk.name", "opentelemetry"))
                .addAttributes(str("telemetry.sdk.language", "java"))
                .addAttributes(str("telemetry.sdk.version", "1.44.1"))
                .addAttributes(str("process.runtime.name", "OpenJDK Runtime Environment"))
                .addAttributes(str("process.runtime.version", "17.0.13+11"))
                .build();
      }
    }
  }

  /** The export requests of one batch, grouped by resource and scope. Not thread-safe. */
  static final class Batch {
    private final Map<Integer, Map<String, List<Span>>> spans = new LinkedHashMap<>();
    private final Map<Integer, Map<String, List<LogRecord>>> logs = new LinkedHashMap<>();
    private final Map<Integer, List<Metric>> metrics = new LinkedHashMap<>();
    int spanCount;
    int logCount;
    int metricCount;
    int traceCount;

    void span(int resource, String scope, Span span) {
      spans
          .computeIfAbsent(resource, k -> new LinkedHashMap<>())
          .computeIfAbsent(scope, k -> new ArrayList<>())
          .add(span);
      spanCount++;
    }

    void log(int resource, String scope, LogRecord log) {
      logs.computeIfAbsent(resource, k -> new LinkedHashMap<>())
          .computeIfAbsent(scope, k -> new ArrayList<>())
          .add(log);
      logCount++;
    }

    void metric(int resource, Metric metric) {
      metrics.computeIfAbsent(resource, k -> new ArrayList<>()).add(metric);
      metricCount++;
    }
  }

  ExportTraceServiceRequest traces(Batch batch) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    batch.spans.forEach(
        (resource, scopes) -> {
          ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(resource(resource));
          scopes.forEach(
              (scope, list) ->
                  rs.addScopeSpans(
                      ScopeSpans.newBuilder()
                          .setScope(InstrumentationScope.newBuilder().setName(scope))
                          .addAllSpans(list)));
          request.addResourceSpans(rs);
        });
    return request.build();
  }

  ExportLogsServiceRequest logs(Batch batch) {
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    batch.logs.forEach(
        (resource, scopes) -> {
          ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(resource(resource));
          scopes.forEach(
              (scope, list) ->
                  rl.addScopeLogs(
                      ScopeLogs.newBuilder()
                          .setScope(InstrumentationScope.newBuilder().setName(scope))
                          .addAllLogRecords(list)));
          request.addResourceLogs(rl);
        });
    return request.build();
  }

  ExportMetricsServiceRequest metrics(Batch batch) {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    batch.metrics.forEach(
        (resource, list) ->
            request.addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(resource(resource))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .setScope(
                                InstrumentationScope.newBuilder()
                                    .setName("io.opentelemetry.runtime-telemetry-java17"))
                            .addAllMetrics(list))));
    return request.build();
  }

  private Resource resource(int key) {
    return resources[key >> 4][key & 15];
  }

  /** Adds one trace starting at {@code startNs} to {@code out}. */
  void trace(SplittableRandom random, long startNs, Batch out) {
    Operation entry = topology.entries.get(random.nextInt(topology.entries.size()));
    Trace t = new Trace(random, out);
    t.serve(entry, null, startNs, 0);
    out.traceCount++;
  }

  /** Adds one point of each JVM gauge of every instance for the minute at {@code minuteNs}. */
  void minuteOfMetrics(SplittableRandom random, long minuteNs, Batch out) {
    for (int i = 0; i < resources.length; i++) {
      for (int n = 0; n < resources[i].length; n++) {
        long time = minuteNs + random.nextLong(60_000) * MS;
        long heap = (200 + ((minuteNs / 60_000_000_000L + i * 7L + n) % 40) * 12) << 20;
        out.metric(
            i << 4 | n,
            gauge(
                "jvm.memory.used",
                "By",
                time,
                heap + random.nextLong(64 << 20),
                str("jvm.memory.type", "heap")));
        out.metric(
            i << 4 | n, gauge("jvm.thread.count", "{thread}", time, 40 + random.nextInt(60)));
        out.metric(
            i << 4 | n,
            gauge(
                "process.cpu.utilization", "1", time, Math.round(random.nextDouble() * 600) / 1e3));
      }
    }
  }

  private static Metric gauge(String name, String unit, long timeNs, double value, KeyValue... kv) {
    NumberDataPoint.Builder point =
        NumberDataPoint.newBuilder().setTimeUnixNano(timeNs).setAsDouble(value);
    for (KeyValue a : kv) {
      point.addAttributes(a);
    }
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setGauge(Gauge.newBuilder().addDataPoints(point))
        .build();
  }

  /** The state of one trace being built. Not thread-safe. */
  private final class Trace {
    final SplittableRandom random;
    final Batch out;
    final ByteString traceId;
    final String tenant;
    final String tier;
    boolean error;

    Trace(SplittableRandom random, Batch out) {
      this.random = random;
      this.out = out;
      byte[] id = new byte[16];
      fill(random, id);
      this.traceId = ByteString.copyFrom(id);
      this.tenant = "tenant-" + (1 + (int) Math.floor(Math.pow(random.nextDouble(), 2) * 60));
      this.tier = TIERS[random.nextInt(TIERS.length)];
    }

    ByteString newId() {
      byte[] id = new byte[8];
      fill(random, id);
      return ByteString.copyFrom(id);
    }

    /** Latency drawn from a log-normal distribution with the given median, in nanoseconds. */
    long latency(double medianMs, double sigma) {
      double ms = medianMs * Math.exp(sigma * random.nextGaussian());
      if (random.nextInt(200) == 0) {
        ms *= 5 + random.nextInt(20); // the long tail: GC pauses, lock waits, cold caches
      }
      return Math.max(20_000L, (long) (ms * MS));
    }

    /**
     * Emits the SERVER (or CONSUMER) span of {@code op} and everything it calls; returns its
     * duration and leaves in {@link #error} whether it failed.
     */
    long serve(Operation op, ByteString parentId, long startNs, int depth) {
      Service s = op.service();
      int serviceIndex = s.index();
      int resource = serviceIndex << 4 | random.nextInt(s.instances());
      ByteString spanId = newId();
      long cursor = startNs + latency(op.medianMs() * 0.3, op.sigma());
      boolean childFailed = false;
      if (op.internalStep()) {
        long d = latency(op.medianMs() * 0.2, 0.4);
        String name = s.tier() == 0 ? "render " + op.route() : "validate";
        emit(
            resource,
            "dev.vigil.shop",
            span(newId(), name, Span.SpanKind.SPAN_KIND_INTERNAL)
                .setParentSpanId(spanId)
                .setStartTimeUnixNano(cursor)
                .setEndTimeUnixNano(cursor + d));
        cursor += d;
      }
      for (Call call : op.calls()) {
        cursor += call(s, resource, spanId, call, cursor, depth);
        childFailed |= error;
      }
      long end = cursor + latency(op.medianMs() * 0.2, op.sigma());
      boolean failed =
          random.nextDouble() < op.errorRate() || (childFailed && random.nextBoolean());
      Span.Builder span =
          op.consumer()
              ? span(spanId, op.name(), Span.SpanKind.SPAN_KIND_CONSUMER)
                  .addAttributes(str("messaging.system", "kafka"))
                  .addAttributes(str("messaging.destination.name", op.route()))
                  .addAttributes(str("messaging.operation", "process"))
                  .addAttributes(str("messaging.kafka.consumer.group", s.name()))
              : span(spanId, op.name(), Span.SpanKind.SPAN_KIND_SERVER);
      if (op.httpMethod() != null) {
        int status =
            failed
                ? (random.nextInt(4) == 0 ? 503 : 500)
                : op.httpMethod().equals("POST") ? 201 : 200;
        span.addAttributes(str("http.request.method", op.httpMethod()))
            .addAttributes(str("http.route", op.route()))
            .addAttributes(
                str(
                    "url.path",
                    op.route().replace("{id}", Long.toString(random.nextLong(1, 2_000_000)))))
            .addAttributes(str("url.scheme", "http"))
            .addAttributes(num("http.response.status_code", status))
            .addAttributes(str("server.address", s.name()))
            .addAttributes(num("server.port", 8080))
            .addAttributes(
                str("client.address", "10.12." + random.nextInt(256) + "." + random.nextInt(256)));
        if (s.tier() == 0) {
          span.addAttributes(
              str(
                  "user_agent.original",
                  random.nextBoolean()
                      ? "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
                      : "ShopApp/4.12 (iPhone; iOS 18.1)"));
        }
      } else if (!op.consumer()) {
        int slash = op.route().indexOf('/');
        span.addAttributes(str("rpc.system", "grpc"))
            .addAttributes(str("rpc.service", "shop." + op.route().substring(0, slash)))
            .addAttributes(str("rpc.method", op.route().substring(slash + 1)))
            .addAttributes(
                num("rpc.grpc.status_code", failed ? (random.nextBoolean() ? 13 : 14) : 0));
      }
      span.addAttributes(str("tenant.id", tenant)).addAttributes(str("customer.tier", tier));
      span.setParentSpanId(parentId == null ? ByteString.EMPTY : parentId)
          .setStartTimeUnixNano(startNs)
          .setEndTimeUnixNano(end);
      String scope =
          op.consumer()
              ? "io.opentelemetry.kafka-clients-2.6"
              : op.httpMethod() != null
                  ? "io.opentelemetry.tomcat-10.0"
                  : "io.opentelemetry.grpc-1.6";
      String logger =
          "com.shop."
              + s.name().replace("-", "")
              + "."
              + (op.consumer() ? "Listener" : "Controller");
      if (failed) {
        String[] e = ERRORS[random.nextInt(ERRORS.length)].split("\\|", 2);
        fail(span, e, end);
        log(
            resource,
            logger,
            spanId,
            end,
            17,
            "ERROR",
            "Request " + op.name() + " failed: " + e[0] + ": " + e[1]);
      } else if (end - startNs > 1_000 * MS) {
        log(
            resource,
            logger,
            spanId,
            end,
            13,
            "WARN",
            "Slow request " + op.name() + " took " + (end - startNs) / MS + " ms");
      } else if (random.nextInt(8) == 0) {
        log(
            resource,
            logger,
            spanId,
            end,
            9,
            "INFO",
            "Handled " + op.name() + " for " + tenant + " in " + (end - startNs) / MS + " ms");
      }
      emit(resource, scope, span);
      error = failed;
      return end - startNs;
    }

    /** Emits one outbound call of the span {@code parentId}; returns how long the caller waited. */
    private long call(
        Service caller, int resource, ByteString parentId, Call call, long startNs, int depth) {
      ByteString spanId = newId();
      error = false;
      if (call instanceof ServiceCall c) {
        if (depth >= MAX_DEPTH) {
          return 0;
        }
        long network = 150_000 + random.nextLong(1_200_000);
        Operation target = c.target();
        long d = serve(target, spanId, startNs + network / 2, depth + 1) + network;
        Span.Builder span;
        String scope;
        if (target.httpMethod() != null) {
          scope = "io.opentelemetry.java-http-client";
          span =
              span(spanId, target.httpMethod(), Span.SpanKind.SPAN_KIND_CLIENT)
                  .addAttributes(str("http.request.method", target.httpMethod()))
                  .addAttributes(
                      str(
                          "url.full",
                          "http://" + target.service().name() + ":8080" + target.route()))
                  .addAttributes(num("http.response.status_code", error ? 500 : 200))
                  .addAttributes(num("server.port", 8080));
        } else {
          scope = "io.opentelemetry.grpc-1.6";
          int slash = target.route().indexOf('/');
          span =
              span(spanId, target.name(), Span.SpanKind.SPAN_KIND_CLIENT)
                  .addAttributes(str("rpc.system", "grpc"))
                  .addAttributes(str("rpc.service", "shop." + target.route().substring(0, slash)))
                  .addAttributes(str("rpc.method", target.route().substring(slash + 1)))
                  .addAttributes(num("server.port", 9090));
        }
        span.addAttributes(str("server.address", target.service().name()));
        if (caller.namesPeers()) {
          span.addAttributes(str("peer.service", target.service().name()));
        }
        if (error) {
          span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }
        emit(
            resource,
            scope,
            span.setParentSpanId(parentId)
                .setStartTimeUnixNano(startNs)
                .setEndTimeUnixNano(startNs + d));
        return d;
      } else if (call instanceof DbCall c) {
        long d = latency(c.medianMs(), 0.7);
        String db = caller.name().replace("-", "_");
        String statement =
            switch (c.verb()) {
              case "INSERT" ->
                  "INSERT INTO "
                      + c.table()
                      + " (id, tenant_id, payload, created_at) VALUES (?, ?, ?, ?)";
              case "UPDATE" ->
                  "UPDATE "
                      + c.table()
                      + " SET payload = ?, version = version + 1 WHERE id = ? AND version = ?";
              default ->
                  "SELECT id, tenant_id, payload, version FROM "
                      + c.table()
                      + " WHERE tenant_id = ? AND id = ?";
            };
        Span.Builder span =
            span(spanId, c.verb() + " " + db + "." + c.table(), Span.SpanKind.SPAN_KIND_CLIENT)
                .addAttributes(str("db.system", "postgresql"))
                .addAttributes(str("db.name", db))
                .addAttributes(str("db.operation", c.verb()))
                .addAttributes(str("db.sql.table", c.table()))
                .addAttributes(str("db.statement", statement))
                .addAttributes(str("server.address", caller.name() + "-db"))
                .addAttributes(num("server.port", 5432));
        if (random.nextInt(2000) == 0) {
          error = true;
          fail(span, ERRORS[0].split("\\|", 2), startNs + d);
        }
        emit(
            resource,
            "io.opentelemetry.jdbc",
            span.setParentSpanId(parentId)
                .setStartTimeUnixNano(startNs)
                .setEndTimeUnixNano(startNs + d));
        return d;
      } else if (call instanceof CacheCall c) {
        long d = latency(0.25, 0.4);
        emit(
            resource,
            "io.opentelemetry.lettuce-5.1",
            span(spanId, c.command(), Span.SpanKind.SPAN_KIND_CLIENT)
                .addAttributes(str("db.system", "redis"))
                .addAttributes(str("db.operation", c.command()))
                .addAttributes(
                    str("db.statement", c.command() + " " + c.key().replace("{id}", "?")))
                .addAttributes(str("server.address", "redis"))
                .addAttributes(num("server.port", 6379))
                .setParentSpanId(parentId)
                .setStartTimeUnixNano(startNs)
                .setEndTimeUnixNano(startNs + d));
        return d;
      } else if (call instanceof Produce c) {
        long d = latency(1.2, 0.5);
        emit(
            resource,
            "io.opentelemetry.kafka-clients-2.6",
            span(spanId, c.topic() + " publish", Span.SpanKind.SPAN_KIND_PRODUCER)
                .addAttributes(str("messaging.system", "kafka"))
                .addAttributes(str("messaging.destination.name", c.topic()))
                .addAttributes(str("messaging.operation", "publish"))
                .addAttributes(str("server.address", "kafka"))
                .setParentSpanId(parentId)
                .setStartTimeUnixNano(startNs)
                .setEndTimeUnixNano(startNs + d));
        if (depth < MAX_DEPTH) {
          serve(c.consumer(), spanId, startNs + d + latency(8, 0.8), depth + 1);
        }
        error = false; // the consumer runs on its own; its failure is not the producer's
        return d;
      } else if (call instanceof External c) {
        long d = latency(c.medianMs(), 0.5);
        error = random.nextDouble() < c.errorRate();
        Span.Builder span =
            span(spanId, "POST", Span.SpanKind.SPAN_KIND_CLIENT)
                .addAttributes(str("http.request.method", "POST"))
                .addAttributes(str("url.full", "https://" + c.host() + "/v1/requests"))
                .addAttributes(str("server.address", c.host()))
                .addAttributes(num("server.port", c.port()))
                .addAttributes(num("http.response.status_code", error ? 502 : 200));
        if (error) {
          span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
        }
        emit(
            resource,
            "io.opentelemetry.java-http-client",
            span.setParentSpanId(parentId)
                .setStartTimeUnixNano(startNs)
                .setEndTimeUnixNano(startNs + d));
        return d;
      }
      return 0;
    }

    private Span.Builder span(ByteString spanId, String name, Span.SpanKind kind) {
      return Span.newBuilder().setTraceId(traceId).setSpanId(spanId).setName(name).setKind(kind);
    }

    private void fail(Span.Builder span, String[] exception, long timeNs) {
      span.setStatus(
              Status.newBuilder()
                  .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                  .setMessage(exception[1]))
          .addEvents(
              Span.Event.newBuilder()
                  .setName("exception")
                  .setTimeUnixNano(timeNs)
                  .addAttributes(str("exception.type", exception[0]))
                  .addAttributes(str("exception.message", exception[1]))
                  .addAttributes(
                      str(
                          "exception.stacktrace",
                          exception[0]
                              + ": "
                              + exception[1]
                              + "\n\tat com.shop.Repository.load(Repository.java:88)"
                              + "\n\tat com.shop.Controller.handle(Controller.java:41)")));
    }

    private void emit(int resource, String scope, Span.Builder span) {
      out.span(resource, scope, span.build());
    }

    private void log(
        int resource,
        String logger,
        ByteString spanId,
        long timeNs,
        int severity,
        String text,
        String body) {
      out.log(
          resource,
          logger,
          LogRecord.newBuilder()
              .setTimeUnixNano(timeNs)
              .setObservedTimeUnixNano(timeNs + 200_000)
              .setSeverityNumberValue(severity)
              .setSeverityText(text)
              .setBody(AnyValue.newBuilder().setStringValue(body))
              .setTraceId(traceId)
              .setSpanId(spanId)
              .addAttributes(str("thread.name", "http-nio-8080-exec-" + (1 + random.nextInt(200))))
              .addAttributes(str("tenant.id", tenant))
              .build());
    }
  }

  private static void fill(SplittableRandom random, byte[] id) {
    for (int i = 0; i < id.length; i += 8) {
      long v = random.nextLong();
      for (int b = 0; b < 8 && i + b < id.length; b++) {
        id[i + b] = (byte) (v >>> (8 * b));
      }
    }
  }

  static KeyValue str(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue num(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }
}
