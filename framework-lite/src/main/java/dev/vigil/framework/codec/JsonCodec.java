package dev.vigil.framework.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.framework.errors.FrameworkException;
import java.io.IOException;

/**
 * JSON through Jackson, the default codec. Records and plain beans work without annotations;
 * unknown properties are ignored so services can add fields without breaking older callers, while
 * trailing data after the value is refused. Decoding errors are 400s naming the type, the field
 * path ({@code items[2].sku}) and the byte offset. Thread-safe.
 */
public final class JsonCodec implements Codec {
  public static final String CONTENT_TYPE = "application/json";
  private static final JsonCodec INSTANCE = new JsonCodec(defaultMapper());

  private final ObjectMapper mapper;

  public JsonCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public static JsonCodec instance() {
    return INSTANCE;
  }

  public static ObjectMapper defaultMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public boolean supports(Class<?> type) {
    return true;
  }

  @Override
  public byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw FrameworkException.internal(
          "cannot encode " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    try {
      return mapper.readValue(data, type);
    } catch (JsonMappingException e) {
      throw FrameworkException.badRequest(
          "codec.json",
          "malformed JSON for "
              + type.getSimpleName()
              + (e.getPath().isEmpty() ? "" : " at " + fieldPath(e))
              + location(e)
              + ": "
              + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw FrameworkException.badRequest(
          "codec.json",
          "malformed JSON for "
              + type.getSimpleName()
              + location(e)
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw FrameworkException.badRequest("codec.json", "unreadable JSON: " + e.getMessage());
    }
  }

  private static String fieldPath(JsonMappingException e) {
    StringBuilder sb = new StringBuilder("field '");
    boolean first = true;
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!first) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else {
        sb.append('[').append(ref.getIndex()).append(']');
      }
      first = false;
    }
    return sb.append('\'').toString();
  }

  /** Byte offset for byte input (what {@link #decode} reads), char offset for text input. */
  private static String location(JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    if (location == null) {
      return "";
    }
    long offset =
        location.getByteOffset() >= 0 ? location.getByteOffset() : location.getCharOffset();
    if (offset < 0) {
      return "";
    }
    return " (offset " + offset + ")";
  }
}
