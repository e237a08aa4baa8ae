package dev.vigil.framework.client;

import dev.vigil.framework.CallContext;
import dev.vigil.framework.Metadata;
import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.BrokerMessage;
import dev.vigil.framework.codec.Codec;
import dev.vigil.framework.codec.Codecs;
import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.hooks.Hooks;
import dev.vigil.framework.metrics.FrameworkMetrics;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.selector.Selector;
import dev.vigil.framework.transport.Transport;
import dev.vigil.framework.transport.TransportRequest;
import dev.vigil.framework.transport.TransportResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls endpoints of other services and publishes messages. For each call it works out the deadline
 * (the earlier of the call's timeout and the remaining deadline of the request being handled on
 * this thread, see {@link CallContext}), copies that request's trace headers, then makes attempts:
 * each selects a node, runs the {@link CallWrapper} chain ({@link Hooks} wrappers outermost) around
 * the transport call, and reports the outcome to the selector, so a retry can go to another node.
 * Only failures that cannot have executed the request are retried (see {@link
 * CallOptions#retries()}), with exponential back-off and jitter, and never past the deadline.
 *
 * <p>Errors reach the caller as {@link FrameworkException} with the callee's id, code, detail and
 * status, so 404 and 503 can be told apart; "no node" errors come from the selector (503 naming the
 * service and the filters). It does not own the selector, transport, broker or metrics it is given.
 *
 * <p>Thread-safe.
 */
public final class Client {
  private static final Logger log = LoggerFactory.getLogger(Client.class);

  private final Selector selector;
  private final Transport transport;
  private final Codecs codecs;
  private final FrameworkMetrics metrics;
  private final @Nullable Broker broker;
  private final CallOptions defaults;
  private final CallFunc callChain;
  private final PublishFunc publishChain;

  private Client(Builder b) {
    this.selector = b.selector;
    this.transport = b.transport;
    this.codecs = b.codecs;
    this.metrics = b.metrics;
    this.broker = b.broker;
    this.defaults = b.defaults;
    List<CallWrapper> calls = new ArrayList<>(Hooks.callWrappers());
    calls.addAll(b.callWrappers);
    CallFunc call = this::attempt;
    for (int i = calls.size() - 1; i >= 0; i--) {
      call = Objects.requireNonNull(calls.get(i).wrap(call), "wrapper returned null");
    }
    this.callChain = call;
    List<PublishWrapper> publishes = new ArrayList<>(Hooks.publishWrappers());
    publishes.addAll(b.publishWrappers);
    PublishFunc publish = this::send;
    for (int i = publishes.size() - 1; i >= 0; i--) {
      publish = Objects.requireNonNull(publishes.get(i).wrap(publish), "wrapper returned null");
    }
    this.publishChain = publish;
  }

  public static Builder builder(Selector selector, Transport transport) {
    return new Builder(selector, transport);
  }

  /** The options every call starts from. */
  public CallOptions defaults() {
    return defaults;
  }

  /** Calls {@code endpoint} of {@code service} with the client's default options. */
  public <T> T call(String service, String endpoint, Object request, Class<T> responseType) {
    return call(service, endpoint, request, responseType, CallOptions.defaults());
  }

  /**
   * Calls {@code endpoint} ({@code Service.Method}) of {@code service} and decodes the answer into
   * {@code responseType} ({@code Void.class} to ignore it). {@code options} are laid over the
   * client's defaults.
   *
   * @throws FrameworkException the callee's error, a transport failure after the last attempt, 408
   *     when the deadline passed, or the selector's 503 when no node is available
   */
  public <T> T call(
      String service, String endpoint, Object request, Class<T> responseType, CallOptions options) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseType, "responseType");
    // the default options laid over the client's defaults are the client's defaults
    CallOptions effective =
        options == CallOptions.defaults() ? defaults : options.overlay(defaults);
    long start = System.nanoTime();
    Instant deadline = deadline(effective.timeout());
    Metadata metadata = CallContext.propagate(effective.metadata());
    ClientRequest req =
        new ClientRequest(service, endpoint, metadata, request, responseType, effective, deadline);
    int code = 200;
    try {
      return responseType.cast(callWithRetries(req));
    } catch (FrameworkException e) {
      code = e.code();
      throw e;
    } catch (RuntimeException e) {
      code = FrameworkException.INTERNAL;
      throw e;
    } finally {
      metrics.clientRequest(service, endpoint, code, System.nanoTime() - start);
    }
  }

  /** The earlier of now + timeout and the deadline of the request handled on this thread. */
  static Instant deadline(Duration timeout) {
    Instant own = Instant.now().plus(timeout);
    Instant inherited = CallContext.current().map(CallContext::deadline).orElse(null);
    return inherited != null && inherited.isBefore(own) ? inherited : own;
  }

  private @Nullable Object callWithRetries(ClientRequest request) {
    CallOptions options = request.options();
    int attempt = 0;
    while (true) {
      attempt++;
      Duration remaining = request.remaining();
      if (remaining != null && (remaining.isNegative() || remaining.isZero())) {
        throw FrameworkException.timeout(
            request.service(),
            "deadline of "
                + request.service()
                + " "
                + request.endpoint()
                + " passed before attempt "
                + attempt);
      }
      String address = options.address();
      Node node =
          address != null
              ? new Node(address, address)
              : selector.select(request.service(), options.selectOptions());
      try {
        return callChain.call(node, request);
      } catch (FrameworkException e) {
        if (attempt > options.retries() || !RetryPolicy.isRetryable(e)) {
          throw e;
        }
        Duration pause = RetryPolicy.backoff(attempt, options.backoff(), options.maxBackoff());
        Duration left = request.remaining();
        if (left != null && left.compareTo(pause) <= 0) {
          throw e;
        }
        log.debug(
            "{} {} attempt {} on {} failed ({}), retrying in {} ms",
            request.service(),
            request.endpoint(),
            attempt,
            node.id(),
            e.getMessage(),
            pause.toMillis());
        sleep(pause);
      }
    }
  }

  /**
   * Tells the selector how {@code node} did: transport failures and 502/503/504 answers mark it
   * failed, any other answer proves it alive. Failures before anything was sent to the node (a
   * passed deadline, an encoding error) say nothing about it and are not reported.
   */
  private void mark(ClientRequest request, Node node, @Nullable FrameworkException e) {
    if (request.options().address() == null) {
      selector.mark(request.service(), node, e != null && RetryPolicy.isNodeFailure(e) ? e : null);
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FrameworkException.internal("interrupted while backing off", e);
    }
  }

  /** The innermost call function: encode, send to {@code node}, decode or raise the error. */
  private @Nullable Object attempt(Node node, ClientRequest request) {
    Duration timeout = request.remaining();
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw FrameworkException.timeout(
          request.service(),
          "deadline of " + request.service() + " " + request.endpoint() + " passed");
    }
    Codec codec = codecs.forValue(request.payload());
    byte[] body = codec.encode(request.payload());
    TransportRequest wire =
        new TransportRequest(
            request.service(),
            request.endpoint(),
            request.metadata(),
            codec.contentType(),
            body,
            timeout);
    TransportResponse response;
    try {
      response =
          transport.call(
              node.address(), wire, timeout == null ? CallOptions.DEFAULT_TIMEOUT : timeout);
    } catch (FrameworkException e) {
      mark(request, node, e);
      throw e;
    }
    if (!response.isSuccess()) {
      FrameworkException error =
          ErrorWire.decode(request.service(), response.status(), response.body());
      mark(request, node, error);
      throw error;
    }
    mark(request, node, null);
    Class<?> type = request.responseType();
    if (type == Void.class || type == void.class || response.body().length == 0) {
      return null;
    }
    return codecs.forContentType(response.contentType()).decode(response.body(), type);
  }

  /** Publishes {@code payload} to {@code topic}. */
  public void publish(String topic, Object payload) {
    publish(topic, payload, Metadata.empty());
  }

  /**
   * Publishes {@code payload} to {@code topic}, encoded by {@link Codecs#forValue} with its content
   * type in the {@code content-type} header, {@code metadata} and the trace headers of the request
   * being handled on this thread as further headers.
   *
   * @throws IllegalStateException when the client has no broker
   */
  public void publish(String topic, Object payload, Metadata metadata) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    if (broker == null) {
      throw new IllegalStateException("publish " + topic + ": no broker configured");
    }
    Codec codec = codecs.forValue(payload);
    Metadata headers =
        CallContext.propagate(metadata).with(BrokerMessage.CONTENT_TYPE, codec.contentType());
    publishChain.publish(topic, new BrokerMessage(headers, codec.encode(payload)));
  }

  private void send(String topic, BrokerMessage message) {
    Objects.requireNonNull(broker).publish(topic, message);
  }

  /** Configures a {@link Client}. Not thread-safe. */
  public static final class Builder {
    private final Selector selector;
    private final Transport transport;
    private Codecs codecs = Codecs.defaults();
    private FrameworkMetrics metrics = new FrameworkMetrics();
    private @Nullable Broker broker;
    private CallOptions defaults = CallOptions.defaults();
    private final List<CallWrapper> callWrappers = new ArrayList<>();
    private final List<PublishWrapper> publishWrappers = new ArrayList<>();

    private Builder(Selector selector, Transport transport) {
      this.selector = Objects.requireNonNull(selector, "selector");
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    public Builder metrics(FrameworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public Builder broker(@Nullable Broker broker) {
      this.broker = broker;
      return this;
    }

    /** Options for every call, each of which a call's own options may override. */
    public Builder defaults(CallOptions defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults").overlay(CallOptions.defaults());
      return this;
    }

    /** Adds a call wrapper inside those added before. */
    public Builder wrapCall(CallWrapper wrapper) {
      callWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    /** Adds a publish wrapper inside those added before. */
    public Builder wrapPublish(PublishWrapper wrapper) {
      publishWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    public Client build() {
      return new Client(this);
    }
  }
}
