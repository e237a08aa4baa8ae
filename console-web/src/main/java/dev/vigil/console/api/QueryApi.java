package dev.vigil.console.api;

import static java.util.Objects.requireNonNull;

import dev.vigil.collector.store.DependencyEdge;
import dev.vigil.collector.store.LogQuery;
import dev.vigil.collector.store.LogRepository;
import dev.vigil.collector.store.MetricPoint;
import dev.vigil.collector.store.MetricRepository;
import dev.vigil.collector.store.RedPoint;
import dev.vigil.collector.store.RollupRepository;
import dev.vigil.collector.store.Times;
import dev.vigil.collector.store.TraceQuery;
import dev.vigil.collector.store.TraceRepository;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * The JSON query API under {@code /api/v1}: validates each request's parameters, runs the store's
 * read-side repositories and writes the result in the API's shapes ({@link Views}). Limits and
 * windows are bounded here so no request can ask the database for unbounded work. Documented in
 * {@code docs/api.md}.
 *
 * <p>Thread-safe: holds only immutable state.
 */
public final class QueryApi {
  public static final String PREFIX = "/api/v1";
  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_TRACE_LIMIT = 20;
  public static final int DEFAULT_LOG_LIMIT = 100;

  /** Default window of the aggregated endpoints: services, operations, RED, dependencies. */
  public static final Duration DEFAULT_SUMMARY_WINDOW = Duration.ofMinutes(15);

  /** Default window of the raw-signal searches: traces, logs, metric series. */
  public static final Duration DEFAULT_SEARCH_WINDOW = Duration.ofHours(1);

  /** Longest window over raw spans and logs. */
  public static final Duration MAX_SEARCH_WINDOW = Duration.ofDays(7);

  /** Longest window over rollups and metric points. */
  public static final Duration MAX_SUMMARY_WINDOW = Duration.ofDays(31);

  /** Most steps in one RED series. */
  public static final int MAX_RED_POINTS = 1440;

  /** Steps in a RED series when {@code step} is not given (fewer if the window is short). */
  public static final int DEFAULT_RED_POINTS = 60;

  /** Most metric points in one series answer; more are cut and {@code truncated} is true. */
  public static final int MAX_METRIC_POINTS = 10_000;

  private static final Duration ONE_MINUTE = Duration.ofMinutes(1);

  private final TraceRepository traces;
  private final RollupRepository rollups;
  private final LogRepository logs;
  private final MetricRepository metrics;
  private final Clock clock;

  public QueryApi(Jdbi jdbi, Clock clock) {
    this.traces = new TraceRepository(jdbi);
    this.rollups = new RollupRepository(jdbi);
    this.logs = new LogRepository(jdbi);
    this.metrics = new MetricRepository(jdbi);
    this.clock = requireNonNull(clock, "clock");
  }

  /** Adds the API's routes to {@code app}. */
  public void addRoutes(Javalin app) {
    app.get(PREFIX + "/traces/{traceId}", this::trace);
    app.get(PREFIX + "/traces", this::searchTraces);
    app.get(PREFIX + "/services", this::services);
    app.get(PREFIX + "/services/{name}/operations", this::operations);
    app.get(PREFIX + "/metrics/red", this::red);
    app.get(PREFIX + "/metrics/series", this::series);
    app.get(PREFIX + "/dependencies", this::dependencies);
    app.get(PREFIX + "/logs", this::logs);
  }

  private void trace(Context ctx) {
    params(ctx);
    String traceId = Params.hexId("traceId", ctx.pathParam("traceId"), 32);
    var trace =
        traces
            .findTrace(traceId)
            .orElseThrow(() -> new ApiException(404, "trace not found: " + traceId));
    ctx.json(new Views.Trace(trace.traceId(), trace.spans().stream().map(Views::span).toList()));
  }

  private void searchTraces(Context ctx) {
    Params p =
        params(
            ctx,
            "service",
            "operation",
            "minDurationMs",
            "maxDurationMs",
            "status",
            "attr",
            "start",
            "end",
            "limit");
    Long min = p.millisAsNanos("minDurationMs");
    Long max = p.millisAsNanos("maxDurationMs");
    if (min != null && max != null && max < min) {
      throw new BadParameterException(
          "maxDurationMs",
          Long.toString(max / 1_000_000),
          ">= minDurationMs (" + min / 1_000_000 + ")");
    }
    String status = p.text("status");
    if (status != null && !status.toLowerCase(Locale.ROOT).equals("error")) {
      throw new BadParameterException("status", status, "error");
    }
    TimeWindow window = p.window(DEFAULT_SEARCH_WINDOW, MAX_SEARCH_WINDOW);
    TraceQuery.Builder query =
        TraceQuery.builder(window.from(), window.to())
            .service(p.text("service"))
            .operation(p.text("operation"))
            .minDuration(min == null ? null : Duration.ofNanos(min))
            .maxDuration(max == null ? null : Duration.ofNanos(max))
            .errorsOnly(status != null)
            .limit(p.intIn("limit", DEFAULT_TRACE_LIMIT, 1, MAX_LIMIT));
    Map<String, String> attr = p.pairs("attr", 1);
    attr.forEach(query::attribute);
    ctx.json(
        Map.of(
            "traces", traces.searchTraces(query.build()).stream().map(Views::traceHit).toList()));
  }

  private void services(Context ctx) {
    Params p = params(ctx, "start", "end");
    TimeWindow window = p.window(DEFAULT_SUMMARY_WINDOW, MAX_SUMMARY_WINDOW);
    List<Views.Named> services =
        rollups.services(window.from(), window.to()).stream()
            .map(s -> new Views.Named(s.service(), Views.RedView.of(s.red())))
            .toList();
    ctx.json(windowed(window, "services", services));
  }

  private void operations(Context ctx) {
    Params p = params(ctx, "start", "end");
    String service = pathText(ctx, "name");
    TimeWindow window = p.window(DEFAULT_SUMMARY_WINDOW, MAX_SUMMARY_WINDOW);
    List<Views.Named> operations =
        rollups.operations(service, window.from(), window.to()).stream()
            .map(o -> new Views.Named(o.operation(), Views.RedView.of(o.red())))
            .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", service);
    body.putAll(windowed(window, "operations", operations));
    ctx.json(body);
  }

  private void red(Context ctx) {
    Params p = params(ctx, "service", "operation", "start", "end", "step");
    String service = p.requiredText("service");
    String operation = p.text("operation");
    TimeWindow window = p.window(DEFAULT_SUMMARY_WINDOW, MAX_SUMMARY_WINDOW);
    Duration step = p.duration("step", ONE_MINUTE, Duration.ofDays(1), ONE_MINUTE);
    long minimumMinutes = ceilDiv(window.lengthNs(), MAX_RED_POINTS * ONE_MINUTE.toNanos());
    if (step == null) {
      long minutes = ceilDiv(window.lengthNs(), DEFAULT_RED_POINTS * ONE_MINUTE.toNanos());
      step = Duration.ofMinutes(Math.max(1, minutes));
    } else if (step.toMinutes() < minimumMinutes) {
      throw new BadParameterException(
          "step",
          ctx.queryParam("step"),
          ">= "
              + Params.format(Duration.ofMinutes(minimumMinutes))
              + " (at most "
              + MAX_RED_POINTS
              + " steps in the window)");
    }
    Map<Long, RedPoint> found = new HashMap<>();
    for (RedPoint point : rollups.red(service, operation, window.from(), window.to(), step)) {
      found.put(point.startNs(), point);
    }
    List<Views.RedStep> points = new ArrayList<>();
    for (long t = window.startNs(); t < window.endNs(); t += step.toNanos()) {
      RedPoint point = found.get(t);
      points.add(
          new Views.RedStep(
              t, point == null ? Views.RedView.EMPTY : Views.RedView.of(point.red())));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", service);
    body.put("operation", operation);
    body.put("start", window.startNs());
    body.put("end", window.endNs());
    body.put("stepSeconds", step.toSeconds());
    body.put("points", points);
    ctx.json(body);
  }

  private void series(Context ctx) {
    Params p = params(ctx, "name", "service", "instance", "start", "end");
    String name = p.requiredText("name");
    String service = p.text("service");
    String instance = p.text("instance");
    TimeWindow window = p.window(DEFAULT_SEARCH_WINDOW, MAX_SUMMARY_WINDOW);
    List<MetricPoint> points =
        metrics.series(name, service, instance, window.from(), window.to(), MAX_METRIC_POINTS + 1);
    boolean truncated = points.size() > MAX_METRIC_POINTS;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("start", window.startNs());
    body.put("end", window.endNs());
    body.put("truncated", truncated);
    body.put("series", Views.series(truncated ? points.subList(0, MAX_METRIC_POINTS) : points));
    ctx.json(body);
  }

  private void dependencies(Context ctx) {
    Params p = params(ctx, "start", "end");
    TimeWindow window = p.window(DEFAULT_SUMMARY_WINDOW, MAX_SUMMARY_WINDOW);
    List<DependencyEdge> edges = rollups.dependencies(window.from(), window.to());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("start", window.startNs());
    body.put("end", window.endNs());
    body.put("nodes", Views.nodes(edges));
    body.put("edges", edges.stream().map(Views::edge).toList());
    ctx.json(body);
  }

  private void logs(Context ctx) {
    Params p = params(ctx, "service", "severity", "traceId", "q", "start", "end", "limit");
    int minSeverity = 0;
    String severity = p.text("severity");
    if (severity != null) {
      minSeverity = severityNumber(severity);
    }
    TimeWindow window = p.window(DEFAULT_SEARCH_WINDOW, MAX_SEARCH_WINDOW);
    LogQuery query =
        LogQuery.builder(window.from(), window.to())
            .service(p.text("service"))
            .minSeverity(minSeverity)
            .traceId(p.traceId("traceId"))
            .text(p.text("q"))
            .limit(p.intIn("limit", DEFAULT_LOG_LIMIT, 1, MAX_LIMIT))
            .build();
    ctx.json(Map.of("logs", logs.search(query).stream().map(Views::log).toList()));
  }

  /** The lowest OTLP severity number of a range name: trace 1, debug 5 ... fatal 21. */
  static int severityNumber(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "trace" -> 1;
      case "debug" -> 5;
      case "info" -> 9;
      case "warn", "warning" -> 13;
      case "error" -> 17;
      case "fatal" -> 21;
      default ->
          throw new BadParameterException(
              "severity", name, "trace, debug, info, warn, error or fatal");
    };
  }

  /**
   * The request's parameters, refusing any not in {@code allowed} so a misspelt filter is an error
   * rather than silently ignored.
   */
  private Params params(Context ctx, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (String name : ctx.queryParamMap().keySet()) {
      if (!known.contains(name)) {
        throw new BadParameterException(
            name,
            String.join(",", ctx.queryParams(name)),
            known.isEmpty() ? "no query parameters" : "one of " + new TreeSet<>(known));
      }
    }
    return new Params(ctx, Times.nanos(clock.instant()));
  }

  private static String pathText(Context ctx, String name) {
    String value = ctx.pathParam(name).trim();
    if (value.isEmpty() || value.length() > Params.MAX_TEXT_LENGTH) {
      throw new BadParameterException(name, value, "1.." + Params.MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }

  private static Map<String, Object> windowed(TimeWindow window, String key, Object value) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("start", window.startNs());
    body.put("end", window.endNs());
    body.put(key, value);
    return body;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
