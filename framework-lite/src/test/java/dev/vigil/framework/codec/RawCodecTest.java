package dev.vigil.framework.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.errors.FrameworkException;
import org.junit.jupiter.api.Test;

class RawCodecTest {
  private final RawCodec codec = RawCodec.instance();

  @Test
  void bytesPassThroughUnchanged() {
    byte[] data = {0, 1, (byte) 0xff};

    assertThat(codec.decode(codec.encode(data), byte[].class)).isEqualTo(data);
    assertThat(codec.contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void onlyByteArraysAreSupported() {
    assertThat(codec.supports(byte[].class)).isTrue();
    assertThat(codec.supports(String.class)).isFalse();
    assertThatThrownBy(() -> codec.encode("text"))
        .isInstanceOfSatisfying(FrameworkException.class, e -> assertThat(e.code()).isEqualTo(500));
    assertThatThrownBy(() -> codec.decode(new byte[0], String.class))
        .isInstanceOf(FrameworkException.class);
  }
}
