package dev.vigil.framework.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.vigil.framework.errors.FrameworkException;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {
  private final ProtobufCodec codec = ProtobufCodec.instance();

  @Test
  void messagesRoundTrip() {
    Struct struct =
        Struct.newBuilder()
            .putFields("name", Value.newBuilder().setStringValue("vigil").build())
            .putFields("count", Value.newBuilder().setNumberValue(3).build())
            .build();
    Timestamp ts = Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5).build();

    assertThat(codec.decode(codec.encode(struct), Struct.class)).isEqualTo(struct);
    assertThat(codec.decode(codec.encode(ts), Timestamp.class)).isEqualTo(ts);
    assertThat(codec.decode(codec.encode(StringValue.of("x")), StringValue.class))
        .isEqualTo(StringValue.of("x"));
  }

  @Test
  void supportsOnlyProtobufMessages() {
    assertThat(codec.supports(Struct.class)).isTrue();
    assertThat(codec.supports(String.class)).isFalse();
    assertThat(codec.contentType()).isEqualTo("application/x-protobuf");
  }

  @Test
  void malformedInputIsABadRequestNamingTheType() {
    byte[] truncated = {0x0a, 0x10, 'a'};

    assertThatThrownBy(() -> codec.decode(truncated, StringValue.class))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.detail()).contains("StringValue").contains("truncated");
            });
  }

  @Test
  void encodingANonMessageIsAnInternalError() {
    assertThatThrownBy(() -> codec.encode("text"))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(500);
              assertThat(e.detail()).contains("java.lang.String");
            });
  }
}
