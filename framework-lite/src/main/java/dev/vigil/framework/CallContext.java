package dev.vigil.framework;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What is known about the request or message being handled on the current thread: the service and
 * endpoint (or topic) it was addressed to, its metadata (including W3C {@code traceparent}, {@code
 * tracestate} and {@code baggage}) and its deadline. The server attaches it around every handler
 * and subscriber; the client reads it to shorten outgoing deadlines and to carry the trace headers
 * downstream.
 *
 * <p>Immutable and thread-safe; the "current" context is a thread-local. Work handed to another
 * thread must {@link #attach()} the context there to keep propagating it.
 */
public final class CallContext {
  private static final ThreadLocal<@Nullable CallContext> CURRENT = new ThreadLocal<>();

  /**
   * Headers copied from the request being handled to every call and publish made while doing so.
   */
  public static final java.util.List<String> PROPAGATED_HEADERS =
      java.util.List.of(Metadata.TRACEPARENT, Metadata.TRACESTATE, Metadata.BAGGAGE);

  private final String service;
  private final String endpoint;
  private final Metadata metadata;
  private final @Nullable Instant deadline;

  public CallContext(
      String service, String endpoint, Metadata metadata, @Nullable Instant deadline) {
    this.service = Objects.requireNonNull(service, "service");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.deadline = deadline;
  }

  /** The context of the request being handled on this thread, if any. */
  public static Optional<CallContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** The service the request was addressed to. */
  public String service() {
    return service;
  }

  /** {@code Service.Method} for a request, the topic for a broker message. */
  public String endpoint() {
    return endpoint;
  }

  public Metadata metadata() {
    return metadata;
  }

  /** When the caller stops waiting, or null when it set no deadline. */
  public @Nullable Instant deadline() {
    return deadline;
  }

  /** Time left until {@link #deadline()} (negative when passed), or null without a deadline. */
  public @Nullable Duration remaining() {
    return deadline == null ? null : Duration.between(Instant.now(), deadline);
  }

  /** Makes this the current context until the returned scope is closed, restoring the previous. */
  public Scope attach() {
    CallContext previous = CURRENT.get();
    CURRENT.set(this);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /**
   * {@code outgoing} with the trace headers of the current context added, unless {@code outgoing}
   * already carries its own {@code traceparent} (then it is left as is, so a caller or a tracing
   * wrapper that starts a new span decides).
   */
  public static Metadata propagate(Metadata outgoing) {
    CallContext current = CURRENT.get();
    if (current == null || outgoing.get(Metadata.TRACEPARENT).isPresent()) {
      return outgoing;
    }
    Metadata result = outgoing;
    for (String name : PROPAGATED_HEADERS) {
      String value = current.metadata.getOrNull(name);
      if (value != null && result.getOrNull(name) == null) {
        result = result.with(name, value);
      }
    }
    return result;
  }

  /** Restores the previous context on close; does not throw. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public String toString() {
    return "CallContext{" + service + " " + endpoint + ", deadline=" + deadline + "}";
  }
}
