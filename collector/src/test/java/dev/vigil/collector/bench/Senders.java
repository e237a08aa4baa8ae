package dev.vigil.collector.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Concurrent senders, each posting request after request on its own keep-alive connection and
 * waiting for each answer before the next, as an exporter does. Counts acknowledged spans and
 * records request latencies while {@link #measuring} is set.
 *
 * <p>Thread-safe.
 */
final class Senders {
  private final String host;
  private final int port;
  private final String path;
  private final String contentType;
  private final Workload workload;
  private final boolean zipkinJson;
  private final int okStatus;
  private final AtomicLong nextRequest;
  private final List<Thread> threads = new ArrayList<>();
  private final List<long[]> latencies = new ArrayList<>();
  private final int[] latencyCounts;
  final LongAdder ackedSpans = new LongAdder();
  final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  final LongAdder failures = new LongAdder();
  private volatile boolean running = true;
  volatile boolean measuring;

  Senders(
      int senders,
      String host,
      int port,
      String path,
      String contentType,
      Workload workload,
      boolean zipkinJson,
      int okStatus,
      long firstRequest) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.contentType = contentType;
    this.workload = workload;
    this.zipkinJson = zipkinJson;
    this.okStatus = okStatus;
    this.nextRequest = new AtomicLong(firstRequest);
    this.latencyCounts = new int[senders];
    for (int i = 0; i < senders; i++) {
      latencies.add(new long[1 << 16]);
      int index = i;
      Thread t = new Thread(() -> run(index), "sender-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  private void run(int index) {
    HttpConnection connection = null;
    while (running) {
      try {
        if (connection == null) {
          connection = new HttpConnection(host, port);
        }
        byte[] body = workload.body(nextRequest.getAndIncrement(), zipkinJson);
        boolean measured = measuring;
        long start = System.nanoTime();
        int status = connection.post(path, contentType, body);
        long nanos = System.nanoTime() - start;
        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == okStatus) {
          ackedSpans.add(Workload.SPANS);
        } else if (status == 429 || status == 503) {
          Thread.sleep(100);
        }
        if (measured && measuring) {
          record(index, nanos);
        }
      } catch (IOException e) {
        failures.increment();
        if (connection != null) {
          connection.close();
          connection = null;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException stop) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
    if (connection != null) {
      connection.close();
    }
  }

  private synchronized void record(int index, long nanos) {
    long[] buffer = latencies.get(index);
    int n = latencyCounts[index];
    if (n == buffer.length) {
      buffer = Arrays.copyOf(buffer, n * 2);
      latencies.set(index, buffer);
    }
    buffer[n] = nanos;
    latencyCounts[index] = n + 1;
  }

  /** Stops sending and waits up to {@code waitMillis} for requests in flight to be answered. */
  void stop(long waitMillis) throws InterruptedException {
    running = false;
    measuring = false;
    long deadline = System.currentTimeMillis() + waitMillis;
    for (Thread t : threads) {
      t.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
  }

  /** Latency percentile in milliseconds over the measured requests. */
  synchronized double percentileMillis(double p) {
    long[] all = new long[Arrays.stream(latencyCounts).sum()];
    int at = 0;
    for (int i = 0; i < latencyCounts.length; i++) {
      System.arraycopy(latencies.get(i), 0, all, at, latencyCounts[i]);
      at += latencyCounts[i];
    }
    if (all.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(all);
    int index = (int) Math.min(all.length - 1, Math.ceil(p * all.length) - 1);
    return all[Math.max(0, index)] / 1e6;
  }

  String statusSummary() {
    Map<Integer, Long> sorted = new TreeMap<>();
    statuses.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted + (failures.sum() > 0 ? " io-failures=" + failures.sum() : "");
  }
}
