package dev.vigil.framework.broker;

import dev.vigil.framework.Metadata;
import java.util.Objects;

/**
 * One published message: headers (carried unchanged to every subscriber, including {@code
 * traceparent}) and an encoded body whose media type is in the {@code content-type} header.
 */
public record BrokerMessage(Metadata headers, byte[] body) {
  public static final String CONTENT_TYPE = "content-type";

  public BrokerMessage {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }
}
