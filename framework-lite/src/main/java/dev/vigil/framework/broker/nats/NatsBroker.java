package dev.vigil.framework.broker.nats;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.BrokerMessage;
import dev.vigil.framework.broker.MessageHandler;
import dev.vigil.framework.broker.Subscription;
import dev.vigil.framework.broker.Topics;
import dev.vigil.framework.broker.internal.BrokerConfig;
import dev.vigil.framework.broker.internal.DropLog;
import dev.vigil.framework.broker.internal.HandlerInvoker;
import dev.vigil.framework.broker.internal.Threads;
import dev.vigil.framework.broker.internal.WireHeaders;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.metrics.FrameworkMetrics;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker over core NATS (plugin name {@code nats}): a topic is a NATS subject, a queue group a
 * NATS queue subscription, and message headers are NATS 2.2 headers (see {@link WireHeaders}).
 *
 * <p>Owns one NATS connection, opened by {@link #connect()} (or the first publish or subscribe).
 * The first connection attempt fails fast with a 503 {@link FrameworkException}; once connected,
 * the client reconnects forever with back-off. While disconnected, publishes are kept in the
 * client's reconnect buffer ({@link Builder#reconnectBufferBytes}) and sent on reconnect; a publish
 * the client refuses (buffer or outgoing queue full, connection closed) is counted as dropped
 * ({@code disconnected}) and rethrown as a 503 {@link FrameworkException}, so publish never blocks.
 *
 * <p>Each subscription has its own dispatcher thread, so a slow handler only delays its own
 * subscription; handlers of one subscription run in order. A handler that throws is retried on that
 * thread (see {@link HandlerInvoker}), then counted as dropped. Messages the client discards
 * because a subscription fell more than {@link Builder#maxPendingMessages} behind are counted as
 * dropped ({@code slow_consumer}).
 *
 * <p>Core NATS keeps no message for a subject without subscribers (as in Go Micro's NATS broker);
 * the publisher cannot know, so such messages are counted as published and never as dropped.
 *
 * <p>Counts published messages in the publishing process and delivered, retried and dropped
 * messages in the subscribing process.
 *
 * <p>Thread-safe: the connection is guarded by {@code this}.
 */
public final class NatsBroker implements Broker {
  public static final String NAME = "nats";
  public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(20);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(1);
  public static final long DEFAULT_RECONNECT_BUFFER_BYTES = 8L * 1024 * 1024;
  public static final int DEFAULT_MAX_OUTGOING_MESSAGES = 8192;
  public static final int DEFAULT_MAX_PENDING_MESSAGES = 65_536;
  public static final Duration DEFAULT_DROP_REPORT_INTERVAL = Duration.ofSeconds(10);
  static final Duration SUBSCRIBE_FLUSH_TIMEOUT = Duration.ofSeconds(2);
  static final Duration SLOW_CONSUMER_CHECK = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(NatsBroker.class);

  private final Builder config;
  private final FrameworkMetrics metrics;
  private final DropLog drops;
  private final HandlerInvoker invoker;
  private final ScheduledExecutorService timer;
  private final Set<NatsSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private @Nullable Connection connection;
  private volatile boolean closed;

  private NatsBroker(Builder b) {
    this.config = b;
    this.metrics = b.metrics;
    this.drops = new DropLog(NAME, metrics, b.dropReportInterval);
    this.invoker = new HandlerInvoker(NAME, metrics, drops, b.maxAttempts, b.retryBackoff);
    this.timer = Threads.timer("vigil-nats-broker-timer");
    long report = b.dropReportInterval.toMillis();
    timer.scheduleWithFixedDelay(drops::flush, report, report, TimeUnit.MILLISECONDS);
    long check = SLOW_CONSUMER_CHECK.toMillis();
    timer.scheduleWithFixedDelay(this::countSlowConsumerDrops, check, check, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void connect() {
    connection();
  }

  private synchronized Connection connection() {
    if (closed) {
      throw new IllegalStateException("nats broker is closed");
    }
    if (connection == null) {
      ConnectionLog connectionLog = new ConnectionLog();
      Options options =
          new Options.Builder()
              .server(config.url)
              .connectionName(config.connectionName)
              .connectionTimeout(config.connectTimeout)
              .maxReconnects(-1)
              .reconnectWait(config.reconnectWait)
              .reconnectJitter(config.reconnectWait.dividedBy(4))
              .reconnectBufferSize(config.reconnectBufferBytes)
              .maxMessagesInOutgoingQueue(config.maxOutgoingMessages)
              .discardMessagesWhenOutgoingQueueFull()
              .connectionListener(connectionLog)
              .errorListener(connectionLog)
              .build();
      try {
        connection = Nats.connect(options);
        connectionLog.established = true;
      } catch (IOException e) {
        throw new FrameworkException(
            NAME,
            FrameworkException.UNAVAILABLE,
            "cannot connect to " + config.url + ": " + e.getMessage(),
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FrameworkException(
            NAME, FrameworkException.UNAVAILABLE, "interrupted connecting to " + config.url, e);
      }
      log.info("nats broker connected to {}", connection.getConnectedUrl());
    }
    return connection;
  }

  /** The connection's state; {@code DISCONNECTED} before the first connect. */
  synchronized Connection.Status status() {
    return connection == null ? Connection.Status.DISCONNECTED : connection.getStatus();
  }

  @Override
  public void publish(String topic, BrokerMessage message) {
    Topics.requireValidTopic(topic);
    Objects.requireNonNull(message, "message");
    Connection c = connection();
    Headers headers = new Headers();
    WireHeaders.write(message.headers(), headers::put);
    metrics.brokerPublished(NAME, topic);
    try {
      c.publish(
          NatsMessage.builder()
              .subject(topic)
              .headers(headers.isEmpty() ? null : headers)
              .data(message.body())
              .build());
    } catch (IllegalArgumentException e) {
      // the server's max_payload
      drops.dropped(topic, DropLog.TOO_LARGE, e);
      throw e;
    } catch (IllegalStateException e) {
      drops.dropped(topic, DropLog.DISCONNECTED, e);
      throw new FrameworkException(
          NAME,
          FrameworkException.UNAVAILABLE,
          "cannot publish to " + topic + " (connection " + c.getStatus() + "): " + e.getMessage(),
          e);
    }
  }

  @Override
  public Subscription subscribe(String topic, @Nullable String queue, MessageHandler handler) {
    Topics.requireValidTopic(topic);
    if (queue != null) {
      Topics.requireValidQueue(queue);
    }
    Objects.requireNonNull(handler, "handler");
    Connection c = connection();
    NatsSubscription s = new NatsSubscription(topic, queue, handler, c);
    subscriptions.add(s);
    try {
      // the server has seen the SUB once the PING after it is answered
      c.flush(SUBSCRIBE_FLUSH_TIMEOUT);
    } catch (TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("nats broker: subscription to {} not confirmed by the server yet: {}", topic, e);
    }
    return s;
  }

  private void countSlowConsumerDrops() {
    for (NatsSubscription s : subscriptions) {
      long dropped = s.dispatcher.getDroppedCount();
      long delta = dropped - s.droppedSeen;
      if (delta > 0) {
        s.droppedSeen = dropped;
        drops.dropped(s.topic, DropLog.SLOW_CONSUMER, delta, null);
      }
    }
  }

  /**
   * Unsubscribes every subscription and closes the connection; messages not yet handled are lost.
   */
  @Override
  public void close() {
    Connection c;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
      connection = null;
    }
    for (NatsSubscription s : subscriptions) {
      s.unsubscribe();
    }
    if (c != null) {
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    timer.shutdownNow();
    drops.flush();
  }

  private final class NatsSubscription implements Subscription {
    final String topic;
    final @Nullable String queue;
    final Dispatcher dispatcher;
    final Connection connection;
    volatile boolean active = true;
    long droppedSeen;

    NatsSubscription(
        String topic, @Nullable String queue, MessageHandler handler, Connection connection) {
      this.topic = topic;
      this.queue = queue;
      this.connection = connection;
      this.dispatcher = connection.createDispatcher();
      dispatcher.setPendingLimits(config.maxPendingMessages, -1);
      io.nats.client.MessageHandler onMessage = m -> deliver(handler, m);
      if (queue == null) {
        dispatcher.subscribe(topic, onMessage);
      } else {
        dispatcher.subscribe(topic, queue, onMessage);
      }
    }

    private void deliver(MessageHandler handler, Message m) {
      Headers h = m.getHeaders();
      BrokerMessage message =
          new BrokerMessage(
              h == null ? dev.vigil.framework.Metadata.empty() : WireHeaders.read(h.entrySet()),
              m.getData() == null ? new byte[0] : m.getData());
      invoker.deliver(handler, topic, message, () -> active);
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public @Nullable String queue() {
      return queue;
    }

    @Override
    public void unsubscribe() {
      if (!subscriptions.remove(this)) {
        return;
      }
      active = false;
      try {
        connection.closeDispatcher(dispatcher);
      } catch (IllegalStateException alreadyClosed) {
        // the connection is closing: the server drops the subscription with it
      }
    }
  }

  /**
   * Logs an outage once when it starts and once when it ends, not once per reconnect attempt;
   * connection errors while the outage lasts go to debug.
   */
  private final class ConnectionLog implements ConnectionListener, ErrorListener {
    private volatile long outageStartNanos;

    /** False until the first connection succeeded: its failure is reported by connect(). */
    volatile boolean established;

    @Override
    public void connectionEvent(Connection conn, Events type) {
      if (closed || !established) {
        return;
      }
      if (type == Events.DISCONNECTED && outageStartNanos == 0) {
        outageStartNanos = System.nanoTime();
        log.warn("nats broker lost its connection to {}; reconnecting", config.url);
      } else if (type == Events.RECONNECTED) {
        long millis = (System.nanoTime() - outageStartNanos) / 1_000_000;
        outageStartNanos = 0;
        log.info("nats broker reconnected to {} after {} ms", conn.getConnectedUrl(), millis);
      } else {
        log.debug("nats broker connection event: {}", type);
      }
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
      log.warn("nats broker: server error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      if (outageStartNanos == 0 && established && !closed) {
        log.warn("nats broker: connection error: {}", exp.toString());
      } else {
        log.debug("nats broker: connection error while reconnecting: {}", exp.toString());
      }
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
      // counted by countSlowConsumerDrops; the drop log reports it in aggregate
    }
  }

  /** Configuration of a {@link NatsBroker}; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private FrameworkMetrics metrics = new FrameworkMetrics();
    private String url = DEFAULT_URL;
    private String connectionName = "vigil-broker";
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration reconnectWait = DEFAULT_RECONNECT_WAIT;
    private long reconnectBufferBytes = DEFAULT_RECONNECT_BUFFER_BYTES;
    private int maxOutgoingMessages = DEFAULT_MAX_OUTGOING_MESSAGES;
    private int maxPendingMessages = DEFAULT_MAX_PENDING_MESSAGES;
    private Duration dropReportInterval = DEFAULT_DROP_REPORT_INTERVAL;

    private Builder() {}

    /** Where to count messages; default: a new {@link FrameworkMetrics}. */
    public Builder metrics(FrameworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** The NATS server. Default {@code nats://127.0.0.1:4222}. */
    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** The name the server shows for the connection. Default {@code vigil-broker}. */
    public Builder connectionName(String connectionName) {
      this.connectionName = Objects.requireNonNull(connectionName, "connectionName");
      return this;
    }

    /** Handler calls per message, the first included. Default 3. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Pause before the first handler retry; doubles for each further one. Default 20 ms. */
    public Builder retryBackoff(Duration retryBackoff) {
      this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
      return this;
    }

    /** Limit of the first connection attempt. Default 2 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** Pause between reconnect attempts (plus up to a quarter of jitter). Default 1 s. */
    public Builder reconnectWait(Duration reconnectWait) {
      this.reconnectWait = Objects.requireNonNull(reconnectWait, "reconnectWait");
      return this;
    }

    /**
     * Bytes of publishes kept while reconnecting; 0 refuses publishes while disconnected. Default 8
     * MiB.
     */
    public Builder reconnectBufferBytes(long reconnectBufferBytes) {
      this.reconnectBufferBytes = reconnectBufferBytes;
      return this;
    }

    /** Publishes waiting to be written to the socket before publish refuses. Default 8192. */
    public Builder maxOutgoingMessages(int maxOutgoingMessages) {
      this.maxOutgoingMessages = maxOutgoingMessages;
      return this;
    }

    /** Messages a subscription may have waiting for its handler. Default 65536. */
    public Builder maxPendingMessages(int maxPendingMessages) {
      this.maxPendingMessages = maxPendingMessages;
      return this;
    }

    /** How often dropped messages are summarised in the log. Default 10 s. */
    public Builder dropReportInterval(Duration dropReportInterval) {
      this.dropReportInterval = Objects.requireNonNull(dropReportInterval, "dropReportInterval");
      return this;
    }

    /** Validates the configuration; the connection opens on {@link NatsBroker#connect()}. */
    public NatsBroker build() {
      if (!url.startsWith("nats://") && !url.startsWith("tls://")) {
        throw new IllegalArgumentException(
            "url: \"" + url + "\" (expected: nats://host:port or tls://host:port)");
      }
      BrokerConfig.requirePositive("maxAttempts", maxAttempts);
      BrokerConfig.requireNonNegative("retryBackoff", retryBackoff);
      BrokerConfig.requirePositive("connectTimeout", connectTimeout);
      BrokerConfig.requirePositive("reconnectWait", reconnectWait);
      if (reconnectBufferBytes < 0) {
        throw new IllegalArgumentException(
            "reconnectBufferBytes: " + reconnectBufferBytes + " (expected: >= 0)");
      }
      BrokerConfig.requirePositive("maxOutgoingMessages", maxOutgoingMessages);
      BrokerConfig.requirePositive("maxPendingMessages", maxPendingMessages);
      BrokerConfig.requirePositive("dropReportInterval", dropReportInterval);
      return new NatsBroker(this);
    }
  }
}
