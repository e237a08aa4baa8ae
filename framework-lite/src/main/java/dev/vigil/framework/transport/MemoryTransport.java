package dev.vigil.framework.transport;

import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.errors.TransportException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process transport: listeners are kept in a map shared by every {@code MemoryTransport} of
 * the JVM under addresses {@code memory:N}, so services in one test talk without sockets. Requests
 * run on a thread of their own, so deadlines and body limits behave as over the network. The test
 * fake for {@link Transport}.
 *
 * <p>Thread-safe.
 */
public final class MemoryTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(MemoryTransport.class);
  private static final Map<String, MemoryListener> LISTENERS = new ConcurrentHashMap<>();
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(1);

  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "vigil-memory-transport");
            t.setDaemon(true);
            return t;
          });

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Listener listen(ListenOptions options, TransportHandler handler) {
    String address = "memory:" + NEXT_PORT.getAndIncrement();
    MemoryListener listener = new MemoryListener(address, options, handler);
    LISTENERS.put(address, listener);
    return listener;
  }

  @Override
  public TransportResponse call(String address, TransportRequest request, Duration timeout) {
    MemoryListener listener = LISTENERS.get(address);
    if (listener == null || !listener.enter()) {
      throw new TransportException(
          request.service(),
          FrameworkException.UNAVAILABLE,
          "connection refused: nothing listens on " + address,
          false,
          null);
    }
    Future<TransportResponse> future;
    try {
      future = executor.submit(() -> listener.serve(request));
    } catch (RuntimeException e) {
      listener.exit();
      throw e;
    }
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TransportException(
          request.service(),
          FrameworkException.TIMEOUT,
          "no response from " + address + " within " + timeout.toMillis() + " ms",
          true,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException(
          request.service(), FrameworkException.INTERNAL, "interrupted", true, e);
    } catch (ExecutionException e) {
      throw FrameworkException.internal("memory transport failed", e.getCause());
    }
  }

  @Override
  public void close() {
    LISTENERS.values().removeIf(l -> l.owner == this && l.closeNow());
    executor.shutdownNow();
  }

  private final class MemoryListener implements Listener {
    final MemoryTransport owner = MemoryTransport.this;
    final String address;
    final ListenOptions options;
    final TransportHandler handler;
    final Phaser inFlight = new Phaser(1);
    final AtomicBoolean accepting = new AtomicBoolean(true);

    MemoryListener(String address, ListenOptions options, TransportHandler handler) {
      this.address = address;
      this.options = options;
      this.handler = handler;
    }

    boolean enter() {
      if (!accepting.get()) {
        return false;
      }
      inFlight.register();
      if (!accepting.get()) {
        inFlight.arriveAndDeregister();
        return false;
      }
      return true;
    }

    void exit() {
      inFlight.arriveAndDeregister();
    }

    TransportResponse serve(TransportRequest request) {
      try {
        if (request.body().length > options.maxRequestBytes()) {
          return error(
              FrameworkException.tooLarge(
                  request.service(),
                  "request body of "
                      + request.body().length
                      + " bytes exceeds the limit of "
                      + options.maxRequestBytes()
                      + " bytes"));
        }
        return handler.handle(request);
      } catch (FrameworkException e) {
        return error(e);
      } catch (Exception e) {
        FrameworkException internal =
            FrameworkException.internal("handler failed: " + e.getClass().getName(), e);
        log.error("request {} failed, error id {}", request.endpoint(), internal.id(), e);
        return error(internal);
      } finally {
        exit();
      }
    }

    private TransportResponse error(FrameworkException e) {
      return new TransportResponse(
          e.code(),
          dev.vigil.framework.Metadata.empty(),
          ErrorWire.CONTENT_TYPE,
          ErrorWire.encode(e));
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public void close(Duration drain) {
      if (!accepting.getAndSet(false)) {
        return;
      }
      int phase = inFlight.arrive();
      try {
        inFlight.awaitAdvanceInterruptibly(
            phase, Math.max(1, drain.toMillis()), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn("{}: requests still in flight after {} ms drain", address, drain.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LISTENERS.remove(address, this);
    }

    boolean closeNow() {
      accepting.set(false);
      return true;
    }
  }
}
