package dev.vigil.collector.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Decodes OTLP/HTTP bodies, binary protobuf or the OTLP JSON mapping, into the official generated
 * request messages. OTLP JSON differs from the standard protobuf JSON mapping in one place: trace
 * and span ids are hex, not base64; they are rewritten before parsing. Ids that are not valid hex
 * become a one-byte id so that the item, not the whole request, is rejected by validation.
 *
 * <p>Stateless; thread-safe.
 */
public final class OtlpDecoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  private static final String INVALID_ID = Base64.getEncoder().encodeToString(new byte[] {0});

  private OtlpDecoder() {}

  /** Thrown for a body that is not a valid message of the expected type. */
  public static final class DecodingException extends Exception {
    DecodingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Parses {@code body} into {@code builder}; {@code json} selects the OTLP JSON mapping. */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T decode(byte[] body, boolean json, Message.Builder builder)
      throws DecodingException {
    try {
      if (json) {
        JsonNode tree = MAPPER.readTree(body);
        if (tree == null || !tree.isObject()) {
          throw new DecodingException("invalid OTLP JSON: expected an object", null);
        }
        rewriteIds(tree);
        JSON_PARSER.merge(MAPPER.writeValueAsString(tree), builder);
      } else {
        // Aliasing: bytes fields (ids) are views of the body instead of copies; the body is not
        // changed while the message is in use.
        CodedInputStream in = CodedInputStream.newInstance(body);
        in.enableAliasing(true);
        builder.mergeFrom(in);
        in.checkLastTagWas(0);
      }
      return (T) builder.build();
    } catch (JsonProcessingException e) {
      throw new DecodingException("invalid OTLP JSON: " + e.getOriginalMessage(), e);
    } catch (InvalidProtocolBufferException e) {
      throw new DecodingException(
          (json ? "invalid OTLP JSON: " : "invalid OTLP protobuf: ") + e.getMessage(), e);
    } catch (RuntimeException e) {
      // JsonFormat reports some type mismatches as unchecked exceptions.
      throw new DecodingException("invalid OTLP JSON: " + e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new DecodingException("invalid OTLP JSON: " + e.getMessage(), e);
    }
  }

  private static void rewriteIds(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        JsonNode value = field.getValue();
        if (value.isTextual() && ID_FIELDS.contains(field.getKey())) {
          field.setValue(TextNode.valueOf(hexToBase64(value.textValue())));
        } else if (value.isContainerNode()) {
          rewriteIds(value);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        if (element.isContainerNode()) {
          rewriteIds(element);
        }
      }
    }
  }

  static String hexToBase64(String hex) {
    if (hex.isEmpty()) {
      return "";
    }
    if ((hex.length() & 1) != 0) {
      return INVALID_ID;
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return INVALID_ID;
      }
      bytes[i] = (byte) ((hi << 4) | lo);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }
}
