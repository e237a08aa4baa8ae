package dev.vigil.collector.ingest;

import dev.vigil.collector.model.RollupBatch;
import dev.vigil.collector.model.SpanRow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Derives per-minute RED rollups and service dependency edges from spans as they are ingested, so
 * no batch job is needed for the service map.
 *
 * <ul>
 *   <li>Operation rollups come from SERVER and CONSUMER spans and from root spans other than CLIENT
 *       and PRODUCER: a root outbound call (a background poll, a scheduled job calling out) is work
 *       the service started, not a request it served, so it feeds edges but not the service's
 *       request rate.
 *   <li>An edge is counted from a CLIENT/PRODUCER span that names its callee explicitly ({@code
 *       peer.service}, {@code db.system}, {@code messaging.system}); a CONSUMER span with {@code
 *       messaging.system} adds the edge from the broker to its service.
 *   <li>Otherwise an edge is counted when a span's parent is in another service; the parent is
 *       found in the same batch or in a bounded cache of recent spans, whichever of the two arrives
 *       first.
 *   <li>A CLIENT/PRODUCER span known only by {@code server.address} becomes an edge to that address
 *       (an uninstrumented peer) only if no child in another service shows up within {@link
 *       #addressEdgeDelayNanos}, so an instrumented callee is never counted twice.
 * </ul>
 *
 * <p>Thread-safe: methods are synchronized; the cache is bounded by {@code capacity} entries.
 */
public final class Rollups {
  public static final int DEFAULT_CAPACITY = 100_000;
  public static final long DEFAULT_ADDRESS_EDGE_DELAY_NANOS = 30_000_000_000L;

  private record Key(long traceLow, long spanId) {}

  private static final class Info {
    final String service;
    final int kind;
    final long startNs;
    final long durationNs;
    final boolean error;
    final boolean explicitCallee;
    final @Nullable String serverAddress;
    boolean linked;
    long deadlineNs;

    Info(SpanRow span, String @Nullable [] callee) {
      this.service = span.service();
      this.kind = span.kind();
      this.startNs = span.startNs();
      this.durationNs = span.durationNs();
      this.error = span.isError();
      this.explicitCallee = callee != null;
      this.serverAddress = span.serverAddress();
    }

    boolean isCaller() {
      return kind == SpanRow.KIND_CLIENT || kind == SpanRow.KIND_PRODUCER;
    }
  }

  private final int capacity;
  private final long addressEdgeDelayNanos;
  private final LongSupplier nanoTime;
  private final Map<Key, Info> recent;
  private final Map<Key, List<Info>> orphans;
  private final ArrayDeque<Info> pendingAddress = new ArrayDeque<>();

  public Rollups(int capacity, long addressEdgeDelayNanos, LongSupplier nanoTime) {
    this.capacity = capacity;
    this.addressEdgeDelayNanos = addressEdgeDelayNanos;
    this.nanoTime = nanoTime;
    this.recent = boundedMap(capacity);
    this.orphans = boundedMap(capacity);
  }

  /** Aggregates {@code spans} and any address edges whose wait has expired. */
  public synchronized RollupBatch aggregate(List<SpanRow> spans) {
    RollupBatch batch = new RollupBatch();
    List<Info> infos = new ArrayList<>(spans.size());
    String[][] callees = new String[spans.size()][];
    for (int i = 0; i < spans.size(); i++) {
      SpanRow span = spans.get(i);
      callees[i] = explicitCallee(span);
      Info info = new Info(span, callees[i]);
      infos.add(info);
      recent.put(key(span.traceId(), span.spanId()), info);
    }
    for (int i = 0; i < spans.size(); i++) {
      SpanRow span = spans.get(i);
      Info info = infos.get(i);
      if (span.kind() == SpanRow.KIND_SERVER
          || span.kind() == SpanRow.KIND_CONSUMER
          || (span.isRoot() && !info.isCaller())) {
        batch.addOperation(
            span.service(), span.name(), span.startNs(), span.durationNs(), span.isError());
      }
      String[] callee = callees[i];
      if (callee != null) {
        batch.addEdge(
            span.service(),
            callee[0],
            callee[1],
            span.startNs(),
            span.durationNs(),
            span.isError());
      } else if (span.kind() == SpanRow.KIND_CONSUMER && span.messagingSystem() != null) {
        batch.addEdge(
            span.messagingSystem(),
            span.service(),
            "service",
            span.startNs(),
            span.durationNs(),
            span.isError());
      }
      if (span.parentSpanId() != null) {
        Key parentKey = key(span.traceId(), span.parentSpanId());
        Info parent = recent.get(parentKey);
        if (parent != null) {
          link(batch, parent, info);
        } else {
          orphans.computeIfAbsent(parentKey, k -> new ArrayList<>(1)).add(info);
        }
      }
      List<Info> children =
          orphans.isEmpty() ? null : orphans.remove(key(span.traceId(), span.spanId()));
      if (children != null) {
        for (Info child : children) {
          link(batch, info, child);
        }
      }
      if (callee == null && info.isCaller() && info.serverAddress != null && !info.linked) {
        info.deadlineNs = nanoTime.getAsLong() + addressEdgeDelayNanos;
        pendingAddress.addLast(info);
      }
    }
    flushAddressEdges(batch, false);
    return batch;
  }

  /** Aggregates only the address edges whose wait has expired; for idle writers. */
  public synchronized RollupBatch expired() {
    RollupBatch batch = new RollupBatch();
    flushAddressEdges(batch, false);
    return batch;
  }

  private void flushAddressEdges(RollupBatch batch, boolean all) {
    long now = nanoTime.getAsLong();
    while (!pendingAddress.isEmpty()) {
      Info info = pendingAddress.peekFirst();
      boolean overflow = pendingAddress.size() > capacity;
      if (!all && !overflow && info.deadlineNs - now > 0) {
        return;
      }
      pendingAddress.removeFirst();
      if (!info.linked) {
        info.linked = true;
        batch.addEdge(
            info.service, info.serverAddress, "address", info.startNs, info.durationNs, info.error);
      }
    }
  }

  private static void link(RollupBatch batch, Info parent, Info child) {
    if (parent.service.equals(child.service) || parent.explicitCallee) {
      return;
    }
    if (parent.isCaller()) {
      if (parent.linked) {
        return;
      }
      parent.linked = true;
      batch.addEdge(
          parent.service,
          child.service,
          "service",
          parent.startNs,
          parent.durationNs,
          parent.error);
    } else {
      batch.addEdge(
          parent.service, child.service, "service", child.startNs, child.durationNs, child.error);
    }
  }

  /** The callee a CLIENT/PRODUCER span names explicitly, as {name, type}, or null. */
  static String @Nullable [] explicitCallee(SpanRow span) {
    if (span.kind() != SpanRow.KIND_CLIENT && span.kind() != SpanRow.KIND_PRODUCER) {
      return null;
    }
    if (span.peerService() != null) {
      return new String[] {span.peerService(), "service"};
    }
    if (span.dbSystem() != null) {
      return new String[] {span.dbSystem(), "database"};
    }
    if (span.messagingSystem() != null) {
      return new String[] {span.messagingSystem(), "messaging"};
    }
    return null;
  }

  private static Key key(byte[] traceId, byte[] spanId) {
    return new Key(longAt(traceId, 8), longAt(spanId, 0));
  }

  private static long longAt(byte[] bytes, int offset) {
    long v = 0;
    for (int i = offset; i < offset + 8; i++) {
      v = (v << 8) | (bytes[i] & 0xff);
    }
    return v;
  }

  private static <V> Map<Key, V> boundedMap(int capacity) {
    return new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
