package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TinyJsonTest {
  @Test
  @SuppressWarnings("unchecked")
  void readsTheInstanceViewOfTheConfigCenter() {
    Object v =
        TinyJson.parse(
            "{\"env\":\"prod\",\"app\":\"vigil-agent\",\"release\":7,\"gray\":false,\"index\":1842,"
                + "\"entries\":{\"sampler.ratio\":\"0.25\",\"note\":\"a \\\"b\\\" \\u00e9\\n\"},"
                + "\"types\":{},\"withheld\":[\"x\",1.5,null,true]}");
    Map<?, ?> m = (Map<?, ?>) v;
    assertThat(m.get("release")).isEqualTo(7L);
    assertThat(m.get("gray")).isEqualTo(false);
    assertThat((Map<Object, Object>) m.get("entries"))
        .containsEntry("sampler.ratio", "0.25")
        .containsEntry("note", "a \"b\" é\n");
    assertThat((List<Object>) m.get("withheld")).containsExactly("x", 1.5, null, true);
  }

  @Test
  void malformedInputIsRefusedWithItsOffset() {
    assertThatThrownBy(() -> TinyJson.parse("{\"a\":1,}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset");
    assertThatThrownBy(() -> TinyJson.parse("{\"a\":1} x")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> TinyJson.parse("\"open")).hasMessageContaining("unexpected end");
    assertThatThrownBy(() -> TinyJson.parse("[".repeat(100))).hasMessageContaining("nested");
  }
}
