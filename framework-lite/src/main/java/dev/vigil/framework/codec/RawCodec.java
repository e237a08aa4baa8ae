package dev.vigil.framework.codec;

import dev.vigil.framework.errors.FrameworkException;

/**
 * Passes {@code byte[]} bodies through unchanged, content type {@value #CONTENT_TYPE}. Arrays are
 * not copied: the encoded form of a value is the value itself, so callers must not modify an array
 * after handing it over.
 *
 * <p>Stateless; thread-safe.
 */
public final class RawCodec implements Codec {
  public static final String CONTENT_TYPE = "application/octet-stream";
  static final String ERROR_ID = "codec.raw";
  private static final RawCodec INSTANCE = new RawCodec();

  private RawCodec() {}

  public static RawCodec instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "raw";
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public boolean supports(Class<?> type) {
    return type == byte[].class;
  }

  @Override
  public byte[] encode(Object value) {
    if (!(value instanceof byte[])) {
      throw new FrameworkException(
          ERROR_ID,
          FrameworkException.INTERNAL,
          "cannot encode " + value.getClass().getName() + " as raw bytes (expected: byte[])");
    }
    return (byte[]) value;
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    if (type != byte[].class) {
      throw new FrameworkException(
          ERROR_ID,
          FrameworkException.INTERNAL,
          "cannot decode raw bytes into " + type.getName() + " (expected: byte[])");
    }
    return type.cast(data);
  }
}
