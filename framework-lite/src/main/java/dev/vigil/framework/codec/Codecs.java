package dev.vigil.framework.codec;

import com.google.protobuf.Message;
import dev.vigil.framework.errors.FrameworkException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The codecs a service speaks, keyed by content type, with a default (JSON unless configured) for
 * values and requests that name no content type. {@link #forContentType(String)} picks the codec of
 * an incoming body; {@link #forValue(Object)} picks how an outgoing value is encoded.
 *
 * <p>Immutable and thread-safe.
 */
public final class Codecs {
  static final String ERROR_ID = "codec";
  private static final Codecs DEFAULTS = builder().build();

  private final Map<String, Codec> byContentType;
  private final Codec defaultCodec;
  private final @Nullable Codec raw;
  private final @Nullable Codec protobuf;
  private final String supported;

  private Codecs(Builder builder) {
    this.byContentType = Map.copyOf(builder.codecs);
    this.defaultCodec = builder.defaultCodec;
    this.raw = byContentType.get(RawCodec.CONTENT_TYPE);
    this.protobuf = byContentType.get(ProtobufCodec.CONTENT_TYPE);
    this.supported = String.join(", ", builder.codecs.keySet());
  }

  /** JSON (the default), protobuf and raw bytes. */
  public static Codecs defaults() {
    return DEFAULTS;
  }

  /** A builder holding JSON (the default), protobuf and raw bytes; {@code add} more or replace. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The codec for a body of {@code contentType}. Parameters such as {@code ; charset=utf-8} are
   * ignored and the comparison is case-insensitive; an empty content type means the default codec.
   *
   * @throws FrameworkException 415 naming the content type and the supported ones
   */
  public Codec forContentType(String contentType) {
    Codec codec = byContentType.get(contentType);
    if (codec != null) {
      return codec;
    }
    String mediaType = mediaType(contentType);
    if (mediaType.isEmpty()) {
      return defaultCodec;
    }
    codec = byContentType.get(mediaType);
    if (codec == null) {
      throw new FrameworkException(
          ERROR_ID,
          FrameworkException.UNSUPPORTED_MEDIA_TYPE,
          "unsupported content type '" + contentType + "' (supported: " + supported + ")");
    }
    return codec;
  }

  /**
   * The codec to encode {@code value} with: raw for {@code byte[]}, protobuf for a protobuf {@link
   * Message}, when those codecs are present, and the default codec for everything else.
   */
  public Codec forValue(Object value) {
    if (value instanceof byte[] && raw != null) {
      return raw;
    }
    if (value instanceof Message && protobuf != null) {
      return protobuf;
    }
    return defaultCodec;
  }

  public Codec defaultCodec() {
    return defaultCodec;
  }

  /** The content types served, in the order they were added. */
  public List<String> contentTypes() {
    return List.of(supported.split(", "));
  }

  /** {@code application/json; charset=utf-8} becomes {@code application/json}. */
  static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "Codecs{default=" + defaultCodec.contentType() + ", supported=[" + supported + "]}";
  }

  /** Collects codecs; not thread-safe. */
  public static final class Builder {
    private final Map<String, Codec> codecs = new LinkedHashMap<>();
    private Codec defaultCodec = JsonCodec.instance();

    private Builder() {
      add(JsonCodec.instance());
      add(ProtobufCodec.instance());
      add(RawCodec.instance());
    }

    /** Adds {@code codec} under its content type, replacing a codec of the same content type. */
    public Builder add(Codec codec) {
      Objects.requireNonNull(codec, "codec");
      String contentType = mediaType(codec.contentType());
      if (contentType.isEmpty()) {
        throw new IllegalArgumentException(
            "codec " + codec.name() + ": content type \"\" (expected: a media type)");
      }
      Codec replaced = codecs.put(contentType, codec);
      if (replaced == defaultCodec) {
        defaultCodec = codec;
      }
      return this;
    }

    /** Removes the codec of {@code contentType}; the default codec cannot be removed. */
    public Builder remove(String contentType) {
      String key = mediaType(contentType);
      if (codecs.get(key) == defaultCodec) {
        throw new IllegalArgumentException(
            "remove: " + key + " (expected: not the default codec " + defaultCodec.name() + ")");
      }
      codecs.remove(key);
      return this;
    }

    /** Makes {@code codec} the default, adding it if needed. */
    public Builder defaultCodec(Codec codec) {
      add(codec);
      defaultCodec = codec;
      return this;
    }

    public Codecs build() {
      return new Codecs(this);
    }
  }
}
