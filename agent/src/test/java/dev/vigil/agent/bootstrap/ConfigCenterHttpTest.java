package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfigCenterHttpTest {
  static ConfigCenterHttp.Response read(String raw) throws IOException {
    return ConfigCenterHttp.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsStatusIndexAndASizedBody() throws IOException {
    ConfigCenterHttp.Response r =
        read(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Vigil-Index: 42\r\n"
                + "Content-Length: 13\r\n\r\n{\"release\":3}");
    assertThat(r.status).isEqualTo(200);
    assertThat(r.index).isEqualTo(42);
    assertThat(r.body).isEqualTo("{\"release\":3}");
  }

  @Test
  void readsAChunkedBodyAndOneUntilTheConnectionCloses() throws IOException {
    ConfigCenterHttp.Response chunked =
        read(
            "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"err\r\n4;x=y\r\nor\":\r\n4\r\n\"no\"\r\n1\r\n}\r\n0\r\n\r\n");
    assertThat(chunked.status).isEqualTo(401);
    assertThat(chunked.index).isEqualTo(-1);
    assertThat(chunked.body).isEqualTo("{\"error\":\"no\"}");
    assertThat(read("HTTP/1.0 503 Busy\r\n\r\nbusy").body).isEqualTo("busy");
  }

  @Test
  void brokenResponsesAreErrors() {
    assertThatThrownBy(() -> read("SSH-2.0\r\n\r\n")).hasMessageContaining("bad status line");
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        .hasMessageContaining("truncated");
  }
}
