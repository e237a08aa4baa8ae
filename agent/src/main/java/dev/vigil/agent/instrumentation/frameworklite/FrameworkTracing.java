package dev.vigil.agent.instrumentation.frameworklite;

import dev.vigil.agent.bootstrap.AgentLog;
import dev.vigil.agent.bootstrap.LiveSettings;
import dev.vigil.agent.bootstrap.Span;
import dev.vigil.agent.bootstrap.SpanContext;
import dev.vigil.agent.bootstrap.SpanKind;
import dev.vigil.agent.bootstrap.TraceParent;
import dev.vigil.agent.bootstrap.Tracer;
import dev.vigil.framework.Metadata;
import dev.vigil.framework.broker.BrokerMessage;
import dev.vigil.framework.broker.MessageHandler;
import dev.vigil.framework.client.CallFunc;
import dev.vigil.framework.client.CallWrapper;
import dev.vigil.framework.client.ClientRequest;
import dev.vigil.framework.client.PublishFunc;
import dev.vigil.framework.client.PublishWrapper;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.hooks.Hooks;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.server.Handler;
import dev.vigil.framework.server.HandlerWrapper;
import dev.vigil.framework.server.ServerRequest;
import dev.vigil.framework.server.SubscriberWrapper;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The four framework-lite wrappers the agent adds to {@link Hooks}: SERVER spans named after the
 * endpoint and parented on the request's {@code traceparent}; CLIENT spans with {@code
 * peer.service} and {@code rpc.*}, injecting {@code traceparent} into the call's metadata; PRODUCER
 * spans injecting it into message headers; CONSUMER spans that continue the producer's trace and
 * link to it. Stateless and thread-safe.
 */
public final class FrameworkTracing {
  static final String NAME = FrameworkLiteModule.NAME;
  static final String RPC_SYSTEM = "vigil";
  private static boolean installed;

  private FrameworkTracing() {}

  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    try {
      Hooks.addHandlerWrapper(new ServerWrapper());
      Hooks.addCallWrapper(new ClientWrapper());
      Hooks.addPublishWrapper(new ProducerWrapper());
      Hooks.addSubscriberWrapper(new ConsumerWrapper());
    } catch (LinkageError e) {
      // framework-lite loaded by a class loader the agent cannot see into: leave it alone.
      AgentLog.warn("framework-lite is not traced: " + e);
    }
  }

  static boolean active() {
    return LiveSettings.enabled(NAME) && !Tracer.isSuppressed();
  }

  static boolean isError(Throwable t) {
    return !(t instanceof FrameworkException) || ((FrameworkException) t).code() >= 500;
  }

  static void fail(Span span, Throwable t) {
    if (isError(t)) {
      span.recordException(t);
    }
    if (t instanceof FrameworkException) {
      span.setAttribute("rpc.vigil.code", ((FrameworkException) t).code());
    }
    span.setAttribute("error.type", t.getClass().getName());
  }

  /**
   * The HTTP transport's and HTTP broker's own SERVER span (Javalin) stands for the same request as
   * the framework's span, which replaces it.
   */
  static void discardTransportSpan() {
    Span outer = Tracer.current();
    if (outer != null && outer.kind() == SpanKind.SERVER && !NAME.equals(outer.origin())) {
      outer.discard();
    }
  }

  static Metadata inject(Metadata metadata, Span span) {
    Metadata m = metadata.with(Metadata.TRACEPARENT, TraceParent.format(span.context()));
    String state = span.context().traceState();
    return state.isEmpty() ? m.without(Metadata.TRACESTATE) : m.with(Metadata.TRACESTATE, state);
  }

  static SpanContext extract(Metadata metadata) {
    return TraceParent.parse(
        metadata.getOrNull(Metadata.TRACEPARENT), metadata.getOrNull(Metadata.TRACESTATE));
  }

  static final class ServerWrapper implements HandlerWrapper {
    @Override
    public Handler wrap(Handler next) {
      return request -> {
        if (!active()) {
          return next.handle(request);
        }
        Span span = start(request);
        Tracer.activate(span);
        try {
          return next.handle(request);
        } catch (Throwable t) {
          fail(span, t);
          if (isError(t)) {
            span.setStatus(Span.STATUS_ERROR, t.getMessage());
          }
          throw t;
        } finally {
          Tracer.deactivate(span);
          span.end();
        }
      };
    }

    private static Span start(ServerRequest request) {
      discardTransportSpan();
      Metadata metadata = request.metadata();
      Span span =
          Tracer.startWithRemoteParent(
              request.endpoint(),
              SpanKind.SERVER,
              metadata.getOrNull(Metadata.TRACEPARENT),
              metadata.getOrNull(Metadata.TRACESTATE),
              NAME);
      span.setAttribute("rpc.system", RPC_SYSTEM);
      span.setAttribute("rpc.service", request.service());
      span.setAttribute("rpc.method", request.endpoint());
      return span;
    }
  }

  static final class ClientWrapper implements CallWrapper {
    @Override
    public CallFunc wrap(CallFunc next) {
      return (node, request) -> {
        if (!active()) {
          return next.call(node, request);
        }
        Span span = Tracer.start(request.endpoint(), SpanKind.CLIENT, null, NAME);
        span.setAttribute("rpc.system", RPC_SYSTEM);
        span.setAttribute("rpc.service", request.service());
        span.setAttribute("rpc.method", request.endpoint());
        span.setAttribute("peer.service", request.service());
        address(span, node);
        span.setMetricPeer(request.service());
        ClientRequest traced = request.withMetadata(inject(request.metadata(), span));
        Tracer.activate(span);
        try {
          return next.call(node, traced);
        } catch (Throwable t) {
          fail(span, t);
          span.setStatus(Span.STATUS_ERROR, t.getMessage());
          throw t;
        } finally {
          Tracer.deactivate(span);
          span.end();
        }
      };
    }

    private static void address(Span span, Node node) {
      String address = node.address();
      ServerAddress parsed = ADDRESSES.get(address);
      if (parsed == null) {
        parsed = ServerAddress.parse(address);
        if (ADDRESSES.size() < MAX_ADDRESSES) {
          ADDRESSES.put(address, parsed);
        }
      }
      span.setAttribute("server.address", parsed.host);
      if (parsed.port != null) {
        span.setAttribute("server.port", parsed.port);
      }
    }
  }

  /** Node addresses seen so far, parsed once; bounded so churning nodes cannot grow it forever. */
  private static final ConcurrentHashMap<String, ServerAddress> ADDRESSES =
      new ConcurrentHashMap<>();

  private static final int MAX_ADDRESSES = 1024;

  /**
   * {@code host:port} split at the last colon; port null when there is none. The port is boxed once
   * here rather than on every call (ports are above {@code Long}'s cache of small values).
   * Immutable.
   */
  static final class ServerAddress {
    final String host;
    final Long port;

    private ServerAddress(String host, int port) {
      this.host = host;
      this.port = port < 0 ? null : Long.valueOf(port);
    }

    static ServerAddress parse(String address) {
      int colon = address.lastIndexOf(':');
      if (colon > 0 && colon < address.length() - 1) {
        String host = address.substring(0, colon);
        try {
          return new ServerAddress(host, Integer.parseInt(address.substring(colon + 1)));
        } catch (NumberFormatException e) {
          // not a port: keep the address only
          return new ServerAddress(host, -1);
        }
      }
      return new ServerAddress(address, -1);
    }
  }

  static final class ProducerWrapper implements PublishWrapper {
    @Override
    public PublishFunc wrap(PublishFunc next) {
      return (topic, message) -> {
        if (!active()) {
          next.publish(topic, message);
          return;
        }
        Span span = Tracer.start("publish " + topic, SpanKind.PRODUCER, null, NAME);
        span.setAttribute("messaging.system", RPC_SYSTEM);
        span.setAttribute("messaging.destination.name", topic);
        span.setAttribute("messaging.operation.type", "send");
        BrokerMessage traced = new BrokerMessage(inject(message.headers(), span), message.body());
        Tracer.activate(span);
        try {
          next.publish(topic, traced);
        } catch (Throwable t) {
          fail(span, t);
          span.setStatus(Span.STATUS_ERROR, t.getMessage());
          throw t;
        } finally {
          Tracer.deactivate(span);
          span.end();
        }
      };
    }
  }

  static final class ConsumerWrapper implements SubscriberWrapper {
    @Override
    public MessageHandler wrap(MessageHandler next) {
      return (topic, message) -> {
        if (!active()) {
          next.handle(topic, message);
          return;
        }
        discardTransportSpan();
        SpanContext producer = extract(message.headers());
        Span span = Tracer.startWithParent("process " + topic, SpanKind.CONSUMER, producer, NAME);
        span.addLink(producer);
        span.setAttribute("messaging.system", RPC_SYSTEM);
        span.setAttribute("messaging.destination.name", topic);
        span.setAttribute("messaging.operation.type", "process");
        Tracer.activate(span);
        try {
          next.handle(topic, message);
        } catch (Throwable t) {
          fail(span, t);
          span.setStatus(Span.STATUS_ERROR, t.getMessage());
          throw t;
        } finally {
          Tracer.deactivate(span);
          span.end();
        }
      };
    }
  }
}
