package dev.vigil.framework.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.errors.FrameworkException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  record Item(String sku, int quantity) {}

  record Order(String id, Instant placedAt, List<Item> items) {}

  private final JsonCodec codec = JsonCodec.instance();

  @Test
  void recordsRoundTripIncludingNestedListsAndInstants() {
    Order order =
        new Order(
            "o-1",
            Instant.parse("2026-11-24T20:00:00Z"),
            List.of(new Item("a", 1), new Item("b", 2)));

    Order decoded = codec.decode(codec.encode(order), Order.class);

    assertThat(decoded).isEqualTo(order);
  }

  @Test
  void unknownPropertiesAreIgnored() {
    Item item = codec.decode(bytes("{\"sku\":\"a\",\"quantity\":3,\"added\":true}"), Item.class);

    assertThat(item).isEqualTo(new Item("a", 3));
  }

  @Test
  void wrongTypeNamesTheFieldPathAndOffset() {
    byte[] json =
        bytes("{\"id\":\"o\",\"items\":[{\"sku\":\"a\",\"quantity\":1},{\"quantity\":\"x\"}]}");

    assertThatThrownBy(() -> codec.decode(json, Order.class))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.detail())
                  .contains("Order")
                  .contains("field 'items[1].quantity'")
                  .containsPattern("offset \\d+");
            });
  }

  @Test
  void syntaxErrorNamesTheByteOffset() {
    byte[] json = bytes("{\"sku\":\"a\",\"quantity\":}");

    assertThatThrownBy(() -> codec.decode(json, Item.class))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.detail()).contains("Item").contains("offset 22");
            });
  }

  @Test
  void trailingGarbageIsRefused() {
    assertThatThrownBy(() -> codec.decode(bytes("{\"sku\":\"a\"} {"), Item.class))
        .isInstanceOfSatisfying(FrameworkException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void emptyBodyIsABadRequest() {
    assertThatThrownBy(() -> codec.decode(new byte[0], Item.class))
        .isInstanceOfSatisfying(FrameworkException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
