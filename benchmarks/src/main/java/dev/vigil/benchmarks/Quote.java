package dev.vigil.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.framework.codec.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The ~100-byte JSON request and response every system in the RPC benchmark exchanges. */
final class Quote {
  record Request(long orderId, String sku, int quantity, String note) {}

  record Reply(long orderId, String sku, long priceCents, String currency, String eta) {}

  static final Request REQUEST =
      new Request(1_234_567L, "widget-blue-xl", 3, "standard delivery to warehouse 7, north dock");

  static final ObjectMapper MAPPER = JsonCodec.defaultMapper();

  private Quote() {}

  static Reply answer(Request r) {
    return new Reply(r.orderId(), r.sku(), 1999L * r.quantity(), "EUR", "2026-12-01");
  }

  /** The same work the framework's JSON codec does on a server: decode, answer, encode. */
  static byte[] answerJson(byte[] request) {
    try {
      return MAPPER.writeValueAsBytes(answer(MAPPER.readValue(request, Request.class)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] requestJson() {
    try {
      return MAPPER.writeValueAsBytes(REQUEST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Reply readReply(byte[] body) {
    try {
      return MAPPER.readValue(body, Reply.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
