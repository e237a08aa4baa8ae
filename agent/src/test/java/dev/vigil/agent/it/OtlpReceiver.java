package dev.vigil.agent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake collector for the integration tests: a real HTTP server on loopback that decodes each
 * OTLP/HTTP protobuf request with the official classes and keeps what it received. It can answer
 * 503 to play a collector that is down.
 */
final class OtlpReceiver implements AutoCloseable {
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger refusedTraces = new AtomicInteger();
  volatile boolean down;
  private final HttpServer server;

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/traces", ex -> handle(ex, b -> traces.add(ExportTraceServiceRequest.parseFrom(b))));
    server.createContext(
        "/v1/logs", ex -> handle(ex, b -> logs.add(ExportLogsServiceRequest.parseFrom(b))));
    server.createContext(
        "/v1/metrics",
        ex -> handle(ex, b -> metrics.add(ExportMetricsServiceRequest.parseFrom(b))));
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  interface Decoder {
    void decode(byte[] body) throws IOException;
  }

  private void handle(HttpExchange ex, Decoder decoder) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readAllBytes();
      if (down) {
        refused.incrementAndGet();
        if (ex.getRequestURI().getPath().equals("/v1/traces")) {
          refusedTraces.incrementAndGet();
        }
        ex.sendResponseHeaders(503, -1);
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        authorizations.add(auth);
      }
      if (!"application/x-protobuf".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
        ex.sendResponseHeaders(415, -1);
        return;
      }
      decoder.decode(body);
      ex.sendResponseHeaders(200, -1);
    } finally {
      ex.close();
    }
  }

  List<Span> spans() {
    List<Span> out = new ArrayList<>();
    for (ExportTraceServiceRequest r : traces) {
      r.getResourceSpansList()
          .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
    }
    return out;
  }

  List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    for (ExportLogsServiceRequest r : logs) {
      r.getResourceLogsList()
          .forEach(rl -> rl.getScopeLogsList().forEach(sl -> out.addAll(sl.getLogRecordsList())));
    }
    return out;
  }

  List<Metric> metricsNamed(String name) {
    List<Metric> out = new ArrayList<>();
    for (ExportMetricsServiceRequest r : metrics) {
      r.getResourceMetricsList()
          .forEach(
              rm ->
                  rm.getScopeMetricsList()
                      .forEach(
                          sm ->
                              sm.getMetricsList().stream()
                                  .filter(m -> m.getName().equals(name))
                                  .forEach(out::add)));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
