package dev.vigil.framework.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.vigil.framework.errors.FrameworkException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Protocol Buffers binary encoding for subclasses of {@link Message}, content type {@value
 * #CONTENT_TYPE}. Decoding uses the type's generated static {@code parser()} (or {@code
 * getDefaultInstance().getParserForType()}), looked up once per class and cached.
 *
 * <p>Stateless apart from the per-class parser cache; thread-safe.
 */
public final class ProtobufCodec implements Codec {
  public static final String CONTENT_TYPE = "application/x-protobuf";
  static final String ERROR_ID = "codec.protobuf";
  private static final ProtobufCodec INSTANCE = new ProtobufCodec();

  private static final ClassValue<Parser<?>> PARSERS =
      new ClassValue<>() {
        @Override
        protected Parser<?> computeValue(Class<?> type) {
          return lookUpParser(type);
        }
      };

  private ProtobufCodec() {}

  public static ProtobufCodec instance() {
    return INSTANCE;
  }

  @Override
  public String name() {
    return "protobuf";
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public boolean supports(Class<?> type) {
    return Message.class.isAssignableFrom(type);
  }

  @Override
  public byte[] encode(Object value) {
    if (!(value instanceof MessageLite)) {
      throw new FrameworkException(
          ERROR_ID,
          FrameworkException.INTERNAL,
          "cannot encode "
              + value.getClass().getName()
              + " as protobuf (expected: a com.google.protobuf.Message)");
    }
    return ((MessageLite) value).toByteArray();
  }

  @Override
  public <T> T decode(byte[] data, Class<T> type) {
    if (!supports(type)) {
      throw new FrameworkException(
          ERROR_ID,
          FrameworkException.INTERNAL,
          "cannot decode protobuf into "
              + type.getName()
              + " (expected: a com.google.protobuf.Message)");
    }
    Parser<?> parser = PARSERS.get(type);
    try {
      return type.cast(parser.parseFrom(data));
    } catch (InvalidProtocolBufferException e) {
      throw FrameworkException.badRequest(
          ERROR_ID,
          "malformed protobuf for "
              + type.getName()
              + " ("
              + data.length
              + " bytes): "
              + e.getMessage());
    }
  }

  private static Parser<?> lookUpParser(Class<?> type) {
    try {
      Method parser = type.getMethod("parser");
      return (Parser<?>) parser.invoke(null);
    } catch (NoSuchMethodException e) {
      // older generated code has no static parser(); the default instance knows its parser
    } catch (IllegalAccessException | InvocationTargetException | ClassCastException e) {
      throw noParser(type, e);
    }
    try {
      Method defaultInstance = type.getMethod("getDefaultInstance");
      return ((MessageLite) defaultInstance.invoke(null)).getParserForType();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw noParser(type, e);
    }
  }

  private static FrameworkException noParser(Class<?> type, Exception cause) {
    return new FrameworkException(
        ERROR_ID,
        FrameworkException.INTERNAL,
        "cannot find a protobuf parser for "
            + type.getName()
            + " (expected: a generated message with static parser() or getDefaultInstance())",
        cause);
  }
}
