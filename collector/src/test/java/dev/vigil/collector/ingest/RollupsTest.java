package dev.vigil.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.model.RollupBatch;
import dev.vigil.collector.model.SpanRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RollupsTest {
  static final long MINUTE = 60_000_000_000L;
  static final long T0 = 1_800_000_000_000_000_000L;
  static final byte[] TRACE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  final AtomicLong clock = new AtomicLong();
  final Rollups rollups = new Rollups(1000, 30_000_000_000L, clock::get);

  static byte[] id(int n) {
    return new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) n};
  }

  static SpanRow span(
      int id,
      @Nullable Integer parent,
      String service,
      int kind,
      boolean error,
      @Nullable String peerService,
      @Nullable String dbSystem,
      @Nullable String serverAddress) {
    return new SpanRow(
        TRACE,
        id(id),
        parent == null ? null : id(parent),
        T0,
        2_000_000,
        1,
        service,
        "op" + id,
        kind,
        error ? 2 : 0,
        null,
        null,
        null,
        null,
        null,
        peerService,
        dbSystem,
        null,
        serverAddress);
  }

  static Map<String, Long> edges(RollupBatch... batches) {
    List<Map.Entry<RollupBatch.EdgeKey, RollupBatch.Aggregate>> all = new ArrayList<>();
    for (RollupBatch b : batches) {
      all.addAll(b.edges().entrySet());
    }
    return all.stream()
        .collect(
            Collectors.groupingBy(
                e -> e.getKey().caller() + "->" + e.getKey().callee(),
                Collectors.summingLong(e -> e.getValue().count())));
  }

  @Test
  void serverAndRootSpansFeedOperationRollupsWithErrorsAndLatencyBuckets() {
    RollupBatch batch =
        rollups.aggregate(
            List.of(
                span(1, null, "web", SpanRow.KIND_SERVER, false, null, null, null),
                span(2, 1, "web", SpanRow.KIND_INTERNAL, false, null, null, null),
                span(3, null, "web", SpanRow.KIND_SERVER, true, null, null, null)));

    assertThat(batch.operations()).hasSize(2);
    RollupBatch.Aggregate op1 =
        batch.operations().get(new RollupBatch.OperationKey("web", "op1", T0 / MINUTE * MINUTE));
    assertThat(op1.count()).isEqualTo(1);
    assertThat(op1.buckets()).containsOnly(0L, 1L);
    assertThat(
            batch
                .operations()
                .get(new RollupBatch.OperationKey("web", "op3", T0 / MINUTE * MINUTE))
                .errors())
        .isEqualTo(1);
  }

  @Test
  void rootOutboundCallsFeedEdgesButNotTheCallersRequestRate() {
    RollupBatch batch =
        rollups.aggregate(
            List.of(
                span(1, null, "web", SpanRow.KIND_CLIENT, false, "console", null, null),
                span(2, null, "web", SpanRow.KIND_PRODUCER, false, "nats", null, null),
                span(3, null, "web", SpanRow.KIND_INTERNAL, false, null, null, null)));

    assertThat(batch.operations().keySet())
        .extracting(RollupBatch.OperationKey::operation)
        .containsExactly("op3");
    assertThat(edges(batch)).containsEntry("web->console", 1L).containsEntry("web->nats", 1L);
  }

  @Test
  void clientSpansNamingTheirCalleeBecomeEdgesToServicesAndDatabases() {
    RollupBatch batch =
        rollups.aggregate(
            List.of(
                span(1, null, "web", SpanRow.KIND_CLIENT, false, "payments", null, "10.0.0.1"),
                span(2, null, "web", SpanRow.KIND_CLIENT, true, null, "postgresql", "db:5432")));

    assertThat(edges(batch))
        .containsEntry("web->payments", 1L)
        .containsEntry("web->postgresql", 1L);
    assertThat(batch.edges().values())
        .extracting(a -> a.calleeType())
        .containsExactlyInAnyOrder("service", "database");
  }

  @Test
  void crossServiceParentAndChildMakeOneEdgeWhicheverArrivesFirst() {
    SpanRow client = span(1, null, "web", SpanRow.KIND_CLIENT, false, null, null, "cart:8080");
    SpanRow server = span(2, 1, "cart", SpanRow.KIND_SERVER, false, null, null, null);

    RollupBatch childFirst = rollups.aggregate(List.of(server));
    RollupBatch parentLater = rollups.aggregate(List.of(client));
    clock.addAndGet(60_000_000_000L);
    RollupBatch expired = rollups.expired();

    assertThat(edges(childFirst, parentLater, expired)).containsExactly(Map.entry("web->cart", 1L));
  }

  @Test
  void clientKnownOnlyByServerAddressBecomesAnAddressEdgeWhenNoChildShowsUp() {
    RollupBatch first =
        rollups.aggregate(
            List.of(span(1, null, "web", SpanRow.KIND_CLIENT, false, null, null, "legacy:80")));
    assertThat(first.edges()).isEmpty();

    clock.addAndGet(31_000_000_000L);
    RollupBatch expired = rollups.expired();

    assertThat(edges(expired)).containsExactly(Map.entry("web->legacy:80", 1L));
    assertThat(expired.edges().values().iterator().next().calleeType()).isEqualTo("address");
  }

  @Test
  void parentInTheSameServiceMakesNoEdge() {
    RollupBatch batch =
        rollups.aggregate(
            List.of(
                span(1, null, "web", SpanRow.KIND_SERVER, false, null, null, null),
                span(2, 1, "web", SpanRow.KIND_INTERNAL, false, null, null, null)));

    assertThat(batch.edges()).isEmpty();
  }
}
