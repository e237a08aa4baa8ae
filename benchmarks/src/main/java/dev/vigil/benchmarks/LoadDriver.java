package dev.vigil.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load driver: {@code concurrency} threads each call as fast as answers come back,
 * first for a warm-up period that is not recorded, then for the measured period. Latency is
 * recorded per thread in an HdrHistogram (1 µs to 10 s, 3 significant digits) and merged.
 *
 * <p>Not thread-safe; one run at a time.
 */
final class LoadDriver {

  /** One request/response round trip against the system under test. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  record Result(
      String system,
      int concurrency,
      long calls,
      long errors,
      double perSecond,
      double p50Micros,
      double p99Micros) {}

  private LoadDriver() {}

  static Result run(String system, int concurrency, Duration warmup, Duration measure, Call call)
      throws InterruptedException {
    long start = System.nanoTime();
    long recordFrom = start + warmup.toNanos();
    long end = recordFrom + measure.toNanos();
    List<Histogram> histograms = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(concurrency);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Histogram h = new Histogram(10_000_000L, 3);
      histograms.add(h);
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    boolean ok = true;
                    try {
                      call.run();
                    } catch (Exception e) {
                      ok = false;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= recordFrom) {
                      if (ok) {
                        h.recordValue(Math.max(1, (t1 - t0) / 1_000));
                      } else {
                        errors.incrementAndGet();
                      }
                    }
                  }
                } finally {
                  done.countDown();
                }
              },
              "load-" + system + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    done.await();
    Histogram all = new Histogram(10_000_000L, 3);
    histograms.forEach(all::add);
    double seconds = measure.toNanos() / 1e9;
    return new Result(
        system,
        concurrency,
        all.getTotalCount(),
        errors.get(),
        all.getTotalCount() / seconds,
        all.getValueAtPercentile(50),
        all.getValueAtPercentile(99));
  }
}
