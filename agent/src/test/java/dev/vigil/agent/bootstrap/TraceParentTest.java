package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void parsesAValidHeaderAndFormatsItBackUnchanged() {
    SpanContext c = TraceParent.parse(VALID, "congo=t61rcWkgMzE");
    assertThat(c).isNotNull();
    assertThat(c.traceIdHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(c.spanIdHex()).isEqualTo("00f067aa0ba902b7");
    assertThat(c.isSampled()).isTrue();
    assertThat(c.isRemote()).isTrue();
    assertThat(c.traceState()).isEqualTo("congo=t61rcWkgMzE");
    assertThat(TraceParent.format(c)).isEqualTo(VALID);
  }

  @Test
  void unsampledFlagIsKept() {
    SpanContext c =
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", null);
    assertThat(c.isSampled()).isFalse();
    assertThat(TraceParent.format(c)).endsWith("-00");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x"
      })
  void rejectsMalformedHeaders(String header) {
    assertThat(TraceParent.parse(header, null)).isNull();
  }

  @Test
  void acceptsAFutureVersionWithExtraFields() {
    SpanContext c =
        TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", null);
    assertThat(c).isNotNull();
    assertThat(TraceParent.format(c)).isEqualTo(VALID);
  }

  @Test
  void absentHeaderStartsNoRemoteContext() {
    assertThat(TraceParent.parse(null, "a=b")).isNull();
  }

  @Test
  void dropsATracestateWithControlCharacters() {
    assertThat(TraceParent.parse(VALID, "a=\u0001b").traceState()).isEmpty();
  }

  @Test
  void childSpansKeepTheTraceAndPointAtTheirParent() {
    SpanContext parent = TraceParent.parse(VALID, "k=v");
    Span child = Tracer.startWithParent("child", SpanKind.SERVER, parent, "test");
    assertThat(child.context().traceIdHex()).isEqualTo(parent.traceIdHex());
    assertThat(child.parentSpanId()).isEqualTo(parent.spanId());
    assertThat(child.context().spanId()).isNotEqualTo(parent.spanId());
    assertThat(child.context().traceState()).isEqualTo("k=v");
    assertThat(child.isSampled()).isTrue();
  }

  @Test
  void toleratesSurroundingWhitespace() {
    SpanContext c = TraceParent.parse(" \t" + VALID + " ", null);
    assertThat(c).isNotNull();
    assertThat(TraceParent.format(c)).isEqualTo(VALID);
  }

  @Test
  void remoteParentFromHeadersMatchesTheParsedContext() {
    SpanContext parsed = TraceParent.parse(VALID, " k=v ");
    Span child = Tracer.startWithRemoteParent("child", SpanKind.SERVER, VALID, " k=v ", "test");
    assertThat(child.context().traceIdHigh()).isEqualTo(parsed.traceIdHigh());
    assertThat(child.context().traceIdLow()).isEqualTo(parsed.traceIdLow());
    assertThat(child.parentSpanId()).isEqualTo(parsed.spanId());
    assertThat(child.context().traceState()).isEqualTo("k=v");
    assertThat(child.isSampled()).isTrue();
    assertThat(child.context().isRemote()).isFalse();
  }

  @Test
  void remoteParentKeepsTheUnsampledFlag() {
    Span child =
        Tracer.startWithRemoteParent(
            "child",
            SpanKind.SERVER,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            null,
            "test");
    assertThat(child.isSampled()).isFalse();
    assertThat(child.context().traceIdHex()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"
      })
  void anInvalidRemoteParentStartsANewTrace(String header) {
    Span root = Tracer.startWithRemoteParent("root", SpanKind.SERVER, header, "k=v", "test");
    assertThat(root.parentSpanId()).isZero();
    assertThat(root.context().traceState()).isEmpty();
    assertThat(root.context().traceIdHex()).isNotEqualTo("00000000000000000000000000000000");
  }
}
