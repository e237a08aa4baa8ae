package dev.vigil.framework.codec;

/**
 * Turns request and response objects into bytes and back. Implementations: JSON (Jackson, the
 * default), protobuf (for {@code com.google.protobuf.Message} types) and raw bytes. The codec for a
 * request is chosen from its content type. Thread-safe and stateless.
 */
public interface Codec {

  /** The plugin name, for example {@code json}. */
  String name();

  /** The media type this codec writes, for example {@code application/json}. */
  String contentType();

  /** Whether this codec can encode values of {@code type} and decode into it. */
  boolean supports(Class<?> type);

  byte[] encode(Object value);

  /**
   * Decodes {@code data} into {@code type}.
   *
   * @throws dev.vigil.framework.errors.FrameworkException 400 naming the field or byte offset that
   *     could not be read
   */
  <T> T decode(byte[] data, Class<T> type);
}
