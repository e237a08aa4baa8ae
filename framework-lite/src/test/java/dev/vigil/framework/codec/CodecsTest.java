package dev.vigil.framework.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.vigil.framework.errors.FrameworkException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecsTest {
  private final Codecs codecs = Codecs.defaults();

  @Test
  void selectsByContentTypeIgnoringParametersAndCase() {
    assertThat(codecs.forContentType("application/json")).isSameAs(JsonCodec.instance());
    assertThat(codecs.forContentType("Application/JSON; charset=utf-8"))
        .isSameAs(JsonCodec.instance());
    assertThat(codecs.forContentType("application/x-protobuf")).isSameAs(ProtobufCodec.instance());
    assertThat(codecs.forContentType(" application/octet-stream ")).isSameAs(RawCodec.instance());
  }

  @Test
  void emptyContentTypeMeansTheDefault() {
    assertThat(codecs.forContentType("")).isSameAs(codecs.defaultCodec());
    assertThat(codecs.defaultCodec()).isSameAs(JsonCodec.instance());
  }

  @Test
  void unknownContentTypeIs415NamingTheSupportedOnes() {
    assertThatThrownBy(() -> codecs.forContentType("text/xml"))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(415);
              assertThat(e.detail())
                  .contains("'text/xml'")
                  .contains("application/json, application/x-protobuf, application/octet-stream");
            });
  }

  @Test
  void selectsByValue() {
    assertThat(codecs.forValue(new byte[] {1})).isSameAs(RawCodec.instance());
    assertThat(codecs.forValue(StringValue.of("x"))).isSameAs(ProtobufCodec.instance());
    assertThat(codecs.forValue(Map.of("a", 1))).isSameAs(JsonCodec.instance());
  }

  @Test
  void withoutRawCodecBytesUseTheDefault() {
    Codecs jsonOnly =
        Codecs.builder().remove(RawCodec.CONTENT_TYPE).remove(ProtobufCodec.CONTENT_TYPE).build();

    assertThat(jsonOnly.forValue(new byte[] {1})).isSameAs(JsonCodec.instance());
    assertThat(jsonOnly.contentTypes()).containsExactly("application/json");
    assertThatThrownBy(() -> jsonOnly.forContentType("application/x-protobuf"))
        .isInstanceOfSatisfying(FrameworkException.class, e -> assertThat(e.code()).isEqualTo(415));
  }

  @Test
  void defaultCodecCanBeChangedButNotRemoved() {
    Codecs protoFirst = Codecs.builder().defaultCodec(ProtobufCodec.instance()).build();

    assertThat(protoFirst.forContentType("")).isSameAs(ProtobufCodec.instance());
    assertThat(protoFirst.forValue("text")).isSameAs(ProtobufCodec.instance());
    assertThatThrownBy(() -> Codecs.builder().remove("application/json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: not the default codec");
  }
}
