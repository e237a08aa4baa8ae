package dev.vigil.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {
  @Test
  void namesAreCaseInsensitiveAndKeptLowerCase() {
    Metadata m = Metadata.of("TraceParent", "00-a-b-01");
    assertThat(m.getOrNull("traceparent")).isEqualTo("00-a-b-01");
    assertThat(m.get("TRACEPARENT")).contains("00-a-b-01");
    assertThat(m.name(0)).isEqualTo("traceparent");
    assertThat(m.asMap()).containsExactly(Map.entry("traceparent", "00-a-b-01"));
  }

  @Test
  void withAddsANewNameAtTheEndAndReplacesAnExistingOneInPlace() {
    Metadata base = Metadata.of("a", "1").with("b", "2");
    Metadata added = base.with("C", "3");
    Metadata replaced = added.with("A", "9");

    assertThat(base.size()).isEqualTo(2);
    assertThat(added.asMap()).containsExactly(entry("a", "1"), entry("b", "2"), entry("c", "3"));
    assertThat(replaced.asMap()).containsExactly(entry("a", "9"), entry("b", "2"), entry("c", "3"));
    assertThat(base.getOrNull("c")).isNull();
  }

  @Test
  void entriesAreReadByIndexInInsertionOrder() {
    Metadata m = Metadata.of("x", "1").with("y", "2");
    assertThat(m.size()).isEqualTo(2);
    assertThat(m.name(1)).isEqualTo("y");
    assertThat(m.value(1)).isEqualTo("2");
    assertThatThrownBy(() -> m.name(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void withoutRemovesOneEntryAndKeepsTheOrderOfTheRest() {
    Metadata m = Metadata.of("a", "1").with("b", "2").with("c", "3");
    assertThat(m.without("B").asMap()).containsExactly(entry("a", "1"), entry("c", "3"));
    assertThat(m.without("missing")).isSameAs(m);
    assertThat(Metadata.of("a", "1").without("a")).isSameAs(Metadata.empty());
  }

  @Test
  void mergeLetsTheOtherSideWin() {
    Metadata mine = Metadata.of("a", "1").with("b", "2");
    Metadata theirs = Metadata.of("b", "x").with("c", "3");
    assertThat(mine.merge(theirs).asMap())
        .containsExactly(entry("a", "1"), entry("b", "x"), entry("c", "3"));
    assertThat(mine.merge(Metadata.empty())).isSameAs(mine);
    assertThat(Metadata.empty().merge(theirs)).isSameAs(theirs);
  }

  @Test
  void ofMapLowerCasesNamesAndLaterDuplicatesWin() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("X-One", "1");
    values.put("x-two", "2");
    values.put("x-one", "3");
    assertThat(Metadata.of(values).asMap())
        .containsExactly(entry("x-one", "3"), entry("x-two", "2"));
    assertThat(Metadata.of(Map.of())).isSameAs(Metadata.empty());
  }

  @Test
  void builderReplacesARepeatedNameAndIsClosedOnceBuilt() {
    Metadata.Builder b = Metadata.builder().set("A", "1").set("b", "2");
    assertThat(b.get("a")).isEqualTo("1");
    b.set("a", b.get("a") + ", 3");
    Metadata m = b.build();
    assertThat(m.asMap()).containsExactly(entry("a", "1, 3"), entry("b", "2"));
    assertThatThrownBy(() -> b.set("c", "4")).isInstanceOf(IllegalStateException.class);
    assertThat(Metadata.builder().build()).isSameAs(Metadata.empty());
  }

  @Test
  void equalityIgnoresOrder() {
    Metadata ab = Metadata.of("a", "1").with("b", "2");
    Metadata ba = Metadata.of("b", "2").with("a", "1");
    assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
    assertThat(ab).isNotEqualTo(Metadata.of("a", "1"));
    assertThat(ab.toString()).isEqualTo("Metadata{a=1, b=2}");
  }

  @Test
  void rejectsEmptyNamesAndNullValues() {
    assertThatThrownBy(() -> Metadata.of("", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metadata.empty().with("a", null))
        .isInstanceOf(NullPointerException.class);
  }

  private static Map.Entry<String, String> entry(String k, String v) {
    return Map.entry(k, v);
  }
}
