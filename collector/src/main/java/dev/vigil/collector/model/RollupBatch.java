package dev.vigil.collector.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-minute aggregates derived from a batch of spans, to be added to {@code operation_minutes} and
 * {@code dependency_minutes} in the same transaction as the spans. Keys are kept sorted so that
 * concurrent writers (several collectors) lock rows in the same order and cannot deadlock.
 *
 * <p>Not thread-safe; built and consumed by one writer.
 */
public final class RollupBatch {
  /** Key of an {@code operation_minutes} row. */
  public record OperationKey(String service, String operation, long minuteNs)
      implements Comparable<OperationKey> {
    @Override
    public int compareTo(OperationKey o) {
      int c = service.compareTo(o.service);
      if (c == 0) {
        c = operation.compareTo(o.operation);
      }
      return c != 0 ? c : Long.compare(minuteNs, o.minuteNs);
    }
  }

  /** Key of a {@code dependency_minutes} row. */
  public record EdgeKey(String caller, String callee, long minuteNs)
      implements Comparable<EdgeKey> {
    @Override
    public int compareTo(EdgeKey o) {
      int c = caller.compareTo(o.caller);
      if (c == 0) {
        c = callee.compareTo(o.callee);
      }
      return c != 0 ? c : Long.compare(minuteNs, o.minuteNs);
    }
  }

  /** Counts, errors, duration sum and {@link LatencyBuckets} histogram of one key. */
  public static final class Aggregate {
    private long count;
    private long errors;
    private long durationSumNs;
    private final long[] buckets = new long[LatencyBuckets.COUNT];
    private String calleeType = "service";

    void add(long durationNs, boolean error) {
      count++;
      if (error) {
        errors++;
      }
      durationSumNs += durationNs;
      buckets[LatencyBuckets.indexOf(durationNs)]++;
    }

    void addAll(Aggregate other) {
      count += other.count;
      errors += other.errors;
      durationSumNs += other.durationSumNs;
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] += other.buckets[i];
      }
    }

    public long count() {
      return count;
    }

    public long errors() {
      return errors;
    }

    public long durationSumNs() {
      return durationSumNs;
    }

    public long[] buckets() {
      return buckets;
    }

    /** For edges: {@code service}, {@code database}, {@code messaging} or {@code address}. */
    public String calleeType() {
      return calleeType;
    }
  }

  public static final long NANOS_PER_MINUTE = 60_000_000_000L;

  private final TreeMap<OperationKey, Aggregate> operations = new TreeMap<>();
  private final TreeMap<EdgeKey, Aggregate> edges = new TreeMap<>();

  public static long minuteOf(long epochNanos) {
    return Math.floorDiv(epochNanos, NANOS_PER_MINUTE) * NANOS_PER_MINUTE;
  }

  public void addOperation(
      String service, String operation, long startNs, long durationNs, boolean error) {
    operations
        .computeIfAbsent(
            new OperationKey(service, operation, minuteOf(startNs)), k -> new Aggregate())
        .add(durationNs, error);
  }

  public void addEdge(
      String caller,
      String callee,
      String calleeType,
      long startNs,
      long durationNs,
      boolean error) {
    Aggregate aggregate =
        edges.computeIfAbsent(new EdgeKey(caller, callee, minuteOf(startNs)), k -> new Aggregate());
    aggregate.calleeType = calleeType;
    aggregate.add(durationNs, error);
  }

  /** Adds every aggregate of {@code other} to this batch. */
  public void addAll(RollupBatch other) {
    other.operations.forEach(
        (k, a) -> operations.computeIfAbsent(k, x -> new Aggregate()).addAll(a));
    other.edges.forEach(
        (k, a) -> {
          Aggregate mine = edges.computeIfAbsent(k, x -> new Aggregate());
          mine.calleeType = a.calleeType;
          mine.addAll(a);
        });
  }

  public Map<OperationKey, Aggregate> operations() {
    return operations;
  }

  public Map<EdgeKey, Aggregate> edges() {
    return edges;
  }

  public boolean isEmpty() {
    return operations.isEmpty() && edges.isEmpty();
  }
}
