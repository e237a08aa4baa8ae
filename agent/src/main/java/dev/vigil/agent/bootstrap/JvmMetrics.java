package dev.vigil.agent.bootstrap;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Reads JVM metrics from the platform MXBeans and writes them as OTLP metrics. The MXBeans are
 * looked up on first use, on the exporter thread, so start-up does not load java.management.
 * Exporter thread only.
 */
final class JvmMetrics {
  private MemoryMXBean memory;
  private List<GarbageCollectorMXBean> gcs;
  private ThreadMXBean threads;
  private ClassLoadingMXBean classes;
  private OperatingSystemMXBean os;

  boolean started() {
    return memory != null;
  }

  void write(OtlpEncoder e, ProtoWriter w, long start, long now) {
    if (memory == null) {
      memory = ManagementFactory.getMemoryMXBean();
      gcs = ManagementFactory.getGarbageCollectorMXBeans();
      threads = ManagementFactory.getThreadMXBean();
      classes = ManagementFactory.getClassLoadingMXBean();
      os = ManagementFactory.getOperatingSystemMXBean();
    }
    MemoryUsage heap = memory.getHeapMemoryUsage();
    MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
    e.beginMetric(w, "jvm.memory.used", "Memory used", "By", OtlpEncoder.GAUGE);
    e.longPoint(w, 0, now, heap.getUsed(), "jvm.memory.type", "heap");
    e.longPoint(w, 0, now, nonHeap.getUsed(), "jvm.memory.type", "non_heap");
    e.endMetric(w, OtlpEncoder.GAUGE, false);
    e.beginMetric(w, "jvm.memory.committed", "Memory committed", "By", OtlpEncoder.GAUGE);
    e.longPoint(w, 0, now, heap.getCommitted(), "jvm.memory.type", "heap");
    e.longPoint(w, 0, now, nonHeap.getCommitted(), "jvm.memory.type", "non_heap");
    e.endMetric(w, OtlpEncoder.GAUGE, false);
    if (heap.getMax() > 0) {
      e.beginMetric(w, "jvm.memory.limit", "Maximum heap", "By", OtlpEncoder.GAUGE);
      e.longPoint(w, 0, now, heap.getMax(), "jvm.memory.type", "heap");
      e.endMetric(w, OtlpEncoder.GAUGE, false);
    }
    e.beginMetric(w, "jvm.gc.collections", "Garbage collections", "{collection}", OtlpEncoder.SUM);
    for (GarbageCollectorMXBean gc : gcs) {
      e.longPoint(w, start, now, Math.max(0, gc.getCollectionCount()), "jvm.gc.name", gc.getName());
    }
    e.endMetric(w, OtlpEncoder.SUM, true);
    e.beginMetric(w, "jvm.gc.time", "Time spent in garbage collection", "ms", OtlpEncoder.SUM);
    for (GarbageCollectorMXBean gc : gcs) {
      e.longPoint(w, start, now, Math.max(0, gc.getCollectionTime()), "jvm.gc.name", gc.getName());
    }
    e.endMetric(w, OtlpEncoder.SUM, true);
    e.beginMetric(w, "jvm.thread.count", "Live threads", "{thread}", OtlpEncoder.GAUGE);
    e.longPoint(w, 0, now, threads.getThreadCount());
    e.endMetric(w, OtlpEncoder.GAUGE, false);
    e.beginMetric(w, "jvm.class.count", "Classes currently loaded", "{class}", OtlpEncoder.GAUGE);
    e.longPoint(w, 0, now, classes.getLoadedClassCount());
    e.endMetric(w, OtlpEncoder.GAUGE, false);
    e.beginMetric(w, "jvm.class.loaded", "Classes loaded since start", "{class}", OtlpEncoder.SUM);
    e.longPoint(w, start, now, classes.getTotalLoadedClassCount());
    e.endMetric(w, OtlpEncoder.SUM, true);
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
      e.beginMetric(w, "jvm.cpu.time", "CPU time used by the process", "s", OtlpEncoder.SUM);
      e.doublePoint(w, start, now, sun.getProcessCpuTime() / 1e9);
      e.endMetric(w, OtlpEncoder.SUM, true);
      double load = sun.getProcessCpuLoad();
      if (load >= 0) {
        e.beginMetric(
            w,
            "jvm.cpu.recent_utilization",
            "Recent CPU use of the process, 0 to 1",
            "1",
            OtlpEncoder.GAUGE);
        e.doublePoint(w, 0, now, load);
        e.endMetric(w, OtlpEncoder.GAUGE, false);
      }
    }
    e.beginMetric(w, "jvm.cpu.count", "Available processors", "{cpu}", OtlpEncoder.GAUGE);
    e.longPoint(w, 0, now, Runtime.getRuntime().availableProcessors());
    e.endMetric(w, OtlpEncoder.GAUGE, false);
  }
}
