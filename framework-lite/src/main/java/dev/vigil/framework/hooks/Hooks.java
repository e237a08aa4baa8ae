package dev.vigil.framework.hooks;

import dev.vigil.framework.client.CallWrapper;
import dev.vigil.framework.client.PublishWrapper;
import dev.vigil.framework.server.HandlerWrapper;
import dev.vigil.framework.server.SubscriberWrapper;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JVM-wide attach point for observability: wrappers added here are applied by every {@code
 * Server} and {@code Client} built afterwards, outside (before) the wrappers those were configured
 * with. A {@code -javaagent} adds its tracing wrappers here at premain, before the application
 * builds its services, and needs no other integration. Within one kind, the wrapper added first is
 * the outermost.
 *
 * <p>This class is a stable interface: its methods and the four wrapper interfaces ({@link
 * HandlerWrapper}, {@link SubscriberWrapper}, {@link CallWrapper}, {@link PublishWrapper}) only
 * ever gain methods with defaults.
 *
 * <p>Thread-safe: each list is copy-on-write, so reads at build time never block and never see a
 * half-updated list.
 */
public final class Hooks {
  private static final List<HandlerWrapper> HANDLERS = new CopyOnWriteArrayList<>();
  private static final List<SubscriberWrapper> SUBSCRIBERS = new CopyOnWriteArrayList<>();
  private static final List<CallWrapper> CALLS = new CopyOnWriteArrayList<>();
  private static final List<PublishWrapper> PUBLISHES = new CopyOnWriteArrayList<>();

  private Hooks() {}

  /** Wraps the request handlers of servers built from now on. */
  public static Registration addHandlerWrapper(HandlerWrapper wrapper) {
    return add(HANDLERS, wrapper);
  }

  /** Wraps the broker subscribers of servers built from now on. */
  public static Registration addSubscriberWrapper(SubscriberWrapper wrapper) {
    return add(SUBSCRIBERS, wrapper);
  }

  /** Wraps the call attempts of clients built from now on. */
  public static Registration addCallWrapper(CallWrapper wrapper) {
    return add(CALLS, wrapper);
  }

  /** Wraps the publishes of clients built from now on. */
  public static Registration addPublishWrapper(PublishWrapper wrapper) {
    return add(PUBLISHES, wrapper);
  }

  /** A snapshot, outermost first. */
  public static List<HandlerWrapper> handlerWrappers() {
    return List.copyOf(HANDLERS);
  }

  /** A snapshot, outermost first. */
  public static List<SubscriberWrapper> subscriberWrappers() {
    return List.copyOf(SUBSCRIBERS);
  }

  /** A snapshot, outermost first. */
  public static List<CallWrapper> callWrappers() {
    return List.copyOf(CALLS);
  }

  /** A snapshot, outermost first. */
  public static List<PublishWrapper> publishWrappers() {
    return List.copyOf(PUBLISHES);
  }

  private static <T> Registration add(List<T> list, T wrapper) {
    Objects.requireNonNull(wrapper, "wrapper");
    list.add(wrapper);
    return () -> list.remove(wrapper);
  }

  /**
   * Removes the wrapper from the hooks when closed. Servers and clients already built keep it.
   * Idempotent.
   */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
