package dev.vigil.agent.bootstrap;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation. Written by the thread that started it until {@link #end}, then read by the
 * exporter thread; not for concurrent writes. Unsampled spans are still created so that timing
 * feeds the request metrics and the context propagates with the sampled flag off.
 */
public final class Span {
  public static final int STATUS_UNSET = 0;
  public static final int STATUS_OK = 1;
  public static final int STATUS_ERROR = 2;

  private static final int MAX_ATTRIBUTES = 64;
  private static final int MAX_EVENTS = 32;
  private static final int MAX_STACK_CHARS = 8192;

  String name;
  final SpanKind kind;
  final SpanContext context;
  final long parentSpanId;
  final long startEpochNanos;
  private final long startNano;
  long endEpochNanos;

  /**
   * Keys and values alternating; room for six attributes, what a framework-lite CLIENT span sets,
   * so the common spans never grow it.
   */
  Object[] attributes = new Object[12];

  int attributeCount;
  List<Event> events;
  List<SpanContext> links;
  int statusCode;
  String statusMessage;

  /** Which instrumentation made the span; used to skip nested calls into the same library. */
  final String origin;

  String metricPeer;
  Span previous;
  private boolean ended;
  private boolean discarded;

  Span(String name, SpanKind kind, SpanContext context, long parentSpanId, String origin) {
    this.name = name;
    this.kind = kind;
    this.context = context;
    this.parentSpanId = parentSpanId;
    this.origin = origin;
    this.startNano = System.nanoTime();
    this.startEpochNanos = Clock.epochNanosAt(startNano);
  }

  public SpanContext context() {
    return context;
  }

  public String name() {
    return name;
  }

  public SpanKind kind() {
    return kind;
  }

  public String origin() {
    return origin;
  }

  public boolean isSampled() {
    return context.isSampled();
  }

  public long parentSpanId() {
    return parentSpanId;
  }

  public void setName(String name) {
    if (name != null) {
      this.name = name;
    }
  }

  public Span setAttribute(String key, String value) {
    if (value != null) {
      put(key, value);
    }
    return this;
  }

  public Span setAttribute(String key, long value) {
    put(key, value);
    return this;
  }

  /** For a value boxed once and reused, so setting it allocates nothing; null sets nothing. */
  public Span setAttribute(String key, Long value) {
    if (value != null) {
      put(key, value);
    }
    return this;
  }

  public Span setAttribute(String key, boolean value) {
    put(key, value);
    return this;
  }

  /** Also the peer (server.address or peer.service) in the request metrics of a CLIENT span. */
  public Span setMetricPeer(String peer) {
    this.metricPeer = peer;
    return this;
  }

  private void put(String key, Object value) {
    for (int i = 0; i < attributeCount; i++) {
      if (attributes[2 * i].equals(key)) {
        attributes[2 * i + 1] = value;
        return;
      }
    }
    if (attributeCount >= MAX_ATTRIBUTES) {
      return;
    }
    if (2 * attributeCount + 2 > attributes.length) {
      Object[] grown = new Object[Math.min(attributes.length * 2, 2 * MAX_ATTRIBUTES)];
      System.arraycopy(attributes, 0, grown, 0, attributes.length);
      attributes = grown;
    }
    attributes[2 * attributeCount] = key;
    attributes[2 * attributeCount + 1] = value;
    attributeCount++;
  }

  public Object attribute(String key) {
    for (int i = 0; i < attributeCount; i++) {
      if (attributes[2 * i].equals(key)) {
        return attributes[2 * i + 1];
      }
    }
    return null;
  }

  public void addLink(SpanContext linked) {
    if (linked == null) {
      return;
    }
    if (links == null) {
      links = new ArrayList<>(1);
    }
    if (links.size() < MAX_EVENTS) {
      links.add(linked);
    }
  }

  public void addEvent(String name, Object... keyValues) {
    if (events == null) {
      events = new ArrayList<>(2);
    }
    if (events.size() < MAX_EVENTS) {
      events.add(new Event(name, Clock.nowEpochNanos(), keyValues));
    }
  }

  /** Status ERROR and an {@code exception} event with type, message and stack trace. */
  public void recordException(Throwable t) {
    if (t == null) {
      return;
    }
    String message = t.getMessage();
    setStatus(STATUS_ERROR, message);
    if (!isSampled()) {
      return;
    }
    StringWriter w = new StringWriter(512);
    t.printStackTrace(new PrintWriter(w));
    String stack = w.toString();
    if (stack.length() > MAX_STACK_CHARS) {
      stack = stack.substring(0, MAX_STACK_CHARS);
    }
    addEvent(
        "exception",
        "exception.type",
        t.getClass().getName(),
        "exception.message",
        message == null ? "" : message,
        "exception.stacktrace",
        stack);
  }

  public void setStatus(int code, String message) {
    this.statusCode = code;
    this.statusMessage = message;
  }

  public int statusCode() {
    return statusCode;
  }

  /** Drops the span: neither exported nor counted (another span stands for the same request). */
  public void discard() {
    this.discarded = true;
  }

  public boolean isDiscarded() {
    return discarded;
  }

  public boolean isEnded() {
    return ended;
  }

  /** Ends the span once: feeds the request metrics, then queues it for export if sampled. */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    long durationNanos = System.nanoTime() - startNano;
    endEpochNanos = startEpochNanos + durationNanos;
    if (discarded) {
      return;
    }
    if (kind == SpanKind.SERVER || kind == SpanKind.CLIENT) {
      RequestMetrics.record(kind, name, metricPeer, durationNanos, statusCode == STATUS_ERROR);
    }
    if (isSampled()) {
      Telemetry.offerSpan(this);
    }
  }

  @Override
  public String toString() {
    return "Span{" + name + ", " + kind + ", " + context + "}";
  }

  /** A timestamped annotation on a span. Immutable. */
  static final class Event {
    final String name;
    final long epochNanos;
    final Object[] attributes;

    Event(String name, long epochNanos, Object[] attributes) {
      this.name = name;
      this.epochNanos = epochNanos;
      this.attributes = attributes;
    }
  }
}
