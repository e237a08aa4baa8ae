package dev.vigil.framework.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.framework.Metadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireHeadersTest {

  private static Map<String, String> sent(Metadata metadata) {
    Map<String, String> headers = new LinkedHashMap<>();
    WireHeaders.write(metadata, headers::put);
    return headers;
  }

  private static Metadata received(Map<String, String> headers) {
    Map<String, List<String>> wire = new LinkedHashMap<>();
    headers.forEach((k, v) -> wire.put(k, List.of(v)));
    return WireHeaders.read(wire.entrySet());
  }

  @Test
  void traceContextTravelsAsPlainHeaders() {
    Metadata m =
        Metadata.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .with("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
            .with("content-type", "application/json; charset=utf-8");
    assertThat(sent(m)).isEqualTo(m.asMap());
    assertThat(received(sent(m))).isEqualTo(m);
  }

  @Test
  void valuesHeadersWouldAlterTravelEncodedAndComeBackIdentical() {
    Metadata m =
        Metadata.of("x-padded", " a\tb ")
            .with("x-unicode", "caf\u00e9 & = +")
            .with("x-empty", "")
            .with("connection", "keep-me")
            .with("x-name with space", "v")
            .with("plain", "ok");
    Map<String, String> headers = sent(m);
    assertThat(headers).containsOnlyKeys("plain", WireHeaders.ENCODED);
    assertThat(received(headers)).isEqualTo(m);
  }

  @Test
  void transportHeadersAreNotReadAsMetadata() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "127.0.0.1:1234");
    headers.put("Content-length", "3");
    headers.put("User-agent", "Java-http-client/17");
    headers.put("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(received(headers).asMap()).containsOnlyKeys("traceparent");
  }
}
