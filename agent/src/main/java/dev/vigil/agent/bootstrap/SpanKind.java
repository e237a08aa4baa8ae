package dev.vigil.agent.bootstrap;

/** Span kinds with their OTLP enum numbers. */
public enum SpanKind {
  INTERNAL(1),
  SERVER(2),
  CLIENT(3),
  PRODUCER(4),
  CONSUMER(5);

  final int otlp;

  SpanKind(int otlp) {
    this.otlp = otlp;
  }
}
