package dev.vigil.console.config;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.access.Principal;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.config.ConfigModel.AppKey;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves blocking queries of the instance view ({@code GET /api/v1/config/{env}/{app}?index=N})
 * straight from Jetty, in front of Javalin's servlet: the path and query are parsed by hand, the
 * token must be a live cache hit with {@code config:read:<env>}, the query is parked as a future
 * with no thread, and the answer is the shared pre-rendered view with its headers written in one
 * go. Only well-formed queries the fast path can answer exactly as Javalin would take it; anything
 * else (no or unknown token, missing scope, bad or percent-encoded parameters, a session cookie,
 * {@code Accept-Encoding}, a replica not yet listening or an app it has not seen, too many waiters)
 * goes on to Javalin's route, which answers it, errors included, as before.
 *
 * <p>Thread-safe.
 */
final class DirectWatchHandler extends HandlerWrapper {
  private static final Logger log = LoggerFactory.getLogger(DirectWatchHandler.class);
  private static final String PATH_PREFIX = ConfigApi.PREFIX + "/";
  private static final HttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

  /** Answers written before their requests are completed, bounding how long a request waits. */
  private static final int MAX_UNCOMPLETED = 4096;

  private final ConfigApi api;
  private final BooleanSupplier ready;
  private final List<HttpField> headers;
  private final DoubleConsumer answered;
  private final Function<Throwable, ApiException> failure;
  private final AtomicLong answers = new AtomicLong();
  private final Queue<Watch> due = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();
  private final int maxDrainers;
  private volatile HttpField lastIndex = new PreEncodedHttpField(ConfigApi.INDEX_HEADER, "0");

  /**
   * @param answerThreads most of {@code api}'s render threads answering at once
   * @param ready whether the console's guarded APIs answer (else Javalin answers 503)
   * @param headers added to every answer, as the console's before-handlers add them
   * @param answered told each successful answer's duration in seconds, for the request metrics
   * @param failure the status and message an exception while answering becomes
   */
  DirectWatchHandler(
      ConfigApi api,
      int answerThreads,
      BooleanSupplier ready,
      Map<String, String> headers,
      DoubleConsumer answered,
      Function<Throwable, ApiException> failure) {
    this.api = requireNonNull(api, "api");
    this.ready = requireNonNull(ready, "ready");
    this.maxDrainers =
        Math.max(1, Math.min(answerThreads, Runtime.getRuntime().availableProcessors()));
    List<HttpField> fields = new ArrayList<>();
    headers.forEach((name, value) -> fields.add(new PreEncodedHttpField(name, value)));
    this.headers = List.copyOf(fields);
    this.answered = requireNonNull(answered, "answered");
    this.failure = requireNonNull(failure, "failure");
  }

  /** Blocking queries this handler answered. */
  long answers() {
    return answers.get();
  }

  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    Watch watch = baseRequest.isHandled() ? null : parse(baseRequest);
    if (watch == null) {
      super.handle(target, baseRequest, request, response);
      return;
    }
    baseRequest.setHandled(true);
    watch.request = baseRequest;
    watch.async = request.startAsync();
    watch.async.setTimeout(0); // the feed ends the wait
    api.feed.await(watch.app, watch.index, watch.wait).thenRun(() -> due(watch));
  }

  /**
   * Queues a woken query and makes sure enough threads answer the queue: one per core at most, each
   * answering queued queries in a loop until none is left, so a publish's fan-out costs a few task
   * hand-offs rather than one per waiting client.
   */
  private void due(Watch watch) {
    due.add(watch);
    for (int n = drainers.get(); n < maxDrainers; n = drainers.get()) {
      if (drainers.compareAndSet(n, n + 1)) {
        try {
          api.renderers.execute(this::drain);
        } catch (RejectedExecutionException closing) {
          drain();
        }
        return;
      }
    }
  }

  /**
   * Answers queued queries in two passes: first every answer is written (the client has it once its
   * bytes are flushed), then the requests are completed. Completing a request lets Jetty read the
   * client's re-issued query, so completing as we go would have the re-issued queries compete for
   * the cores with the answers still queued.
   */
  private void drain() {
    List<AsyncContext> written = new ArrayList<>();
    do {
      for (Watch watch = due.poll(); watch != null; watch = due.poll()) {
        written.add(watch.async);
        answer(watch);
        if (written.size() >= MAX_UNCOMPLETED) {
          completeAll(written);
        }
      }
      completeAll(written);
      drainers.decrementAndGet();
      // A query queued after the last poll but before the decrement saw no free drainer.
    } while (!due.isEmpty() && claimDrainer());
  }

  private static void completeAll(List<AsyncContext> written) {
    for (AsyncContext async : written) {
      try {
        async.complete();
      } catch (RuntimeException e) {
        log.debug("Could not complete a blocking config query: {}", e.toString());
      }
    }
    written.clear();
  }

  private boolean claimDrainer() {
    for (int n = drainers.get(); n < maxDrainers; n = drainers.get()) {
      if (drainers.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  private void answer(Watch watch) {
    Request request = watch.request;
    Response response = request.getResponse();
    try {
      ConfigApi.View view;
      try {
        AppKey app = watch.app;
        view = api.view(app, api.cachedState(app), watch.nodeId, watch.labels, watch.secrets);
      } catch (RuntimeException e) {
        ApiException error = failure.apply(e);
        byte[] body = ConfigApi.errorBody(error.getMessage());
        write(response, error.status(), null, body);
        return;
      }
      answers.incrementAndGet();
      write(response, 200, view.index(), view.body());
      answered.accept((System.currentTimeMillis() - request.getTimeStamp()) / 1000.0);
    } catch (IOException | RuntimeException e) {
      log.debug("Could not answer a blocking config query: {}", e.toString());
    }
  }

  private void write(Response response, int status, @Nullable String index, byte[] body)
      throws IOException {
    response.setStatus(status);
    HttpFields.Mutable fields = response.getHttpFields();
    for (HttpField field : headers) {
      fields.put(field);
    }
    if (index != null) {
      fields.put(indexField(index));
    }
    fields.put(JSON);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The {@value ConfigApi#INDEX_HEADER} field, encoded once per change for the whole fan-out. */
  private HttpField indexField(String index) {
    HttpField field = lastIndex;
    if (!field.getValue().equals(index)) {
      field = new PreEncodedHttpField(ConfigApi.INDEX_HEADER, index);
      lastIndex = field;
    }
    return field;
  }

  /** The blocking query {@code request} is, or null when Javalin's route should answer it. */
  private @Nullable Watch parse(Request request) {
    if (!HttpMethod.GET.is(request.getMethod())
        || !ready.getAsBoolean()
        || !api.feed.isMigrated()) {
      return null;
    }
    String uri = request.getRequestURI();
    if (uri == null || !uri.startsWith(PATH_PREFIX)) {
      return null;
    }
    int slash = uri.indexOf('/', PATH_PREFIX.length());
    if (slash < 0 || uri.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    String env = uri.substring(PATH_PREFIX.length(), slash);
    String appName = uri.substring(slash + 1);
    if (!ConfigApi.ENV.matcher(env).matches() || !ConfigApi.APP.matcher(appName).matches()) {
      return null;
    }
    HttpFields fields = request.getHttpFields();
    if (fields.contains(HttpHeader.ACCEPT_ENCODING) || fields.contains(HttpHeader.COOKIE)) {
      return null;
    }
    String authorization = fields.get(HttpHeader.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    Principal principal = api.access.cached(authorization.substring(7).trim());
    if (principal == null || !principal.has(ConfigApi.readScope(env))) {
      return null;
    }
    try {
      Watch watch = query(request.getQueryString());
      if (watch == null) {
        return null;
      }
      watch.app = new AppKey(env, appName);
      watch.secrets = principal.has(ConfigApi.secretsScope(env));
      return api.parkable(watch.app) ? watch : null;
    } catch (RuntimeException badParameter) {
      return null; // Javalin's route names it
    }
  }

  /** The parameters of a blocking query, or null unless all are present once and plain. */
  private static @Nullable Watch query(@Nullable String query) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    String[] values = new String[4]; // instance, labels, index, wait
    int start = 0;
    while (start <= query.length()) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = query.length();
      }
      int eq = query.indexOf('=', start);
      if (eq <= start || eq >= end) {
        return null;
      }
      int slot =
          switch (query.substring(start, eq)) {
            case "instance" -> 0;
            case "labels" -> 1;
            case "index" -> 2;
            case "wait" -> 3;
            default -> -1;
          };
      String value = decode(query.substring(eq + 1, end));
      if (slot < 0 || values[slot] != null || value == null || value.isBlank()) {
        return null;
      }
      values[slot] = value.trim();
      start = end + 1;
    }
    String instance = values[0];
    if (values[2] == null || (instance != null && !ConfigApi.NODE.matcher(instance).matches())) {
      return null;
    }
    Watch watch = new Watch();
    watch.nodeId = instance;
    watch.labels = ConfigApi.labels(values[1]);
    watch.index = ConfigApi.nonNegativeLong("index", values[2]);
    watch.wait = ConfigApi.waitParam(values[3]);
    return watch;
  }

  private static @Nullable String decode(String raw) {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /** One parsed blocking query. */
  private static final class Watch {
    Request request;
    AsyncContext async;
    AppKey app;
    @Nullable String nodeId;
    Map<String, String> labels = Map.of();
    long index;
    Duration wait;
    boolean secrets;
  }
}
