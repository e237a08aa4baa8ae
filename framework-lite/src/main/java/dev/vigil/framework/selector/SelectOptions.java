package dev.vigil.framework.selector;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-call selection options.
 *
 * @param filters every filter must accept a node for it to be chosen
 * @param strategy overrides the selector's default strategy when not null
 */
public record SelectOptions(List<NodeFilter> filters, @Nullable Strategy strategy) {
  private static final SelectOptions NONE = new SelectOptions(List.of(), null);

  public SelectOptions {
    filters = List.copyOf(Objects.requireNonNull(filters, "filters"));
  }

  public static SelectOptions none() {
    return NONE;
  }

  public static SelectOptions of(NodeFilter... filters) {
    return new SelectOptions(List.of(filters), null);
  }
}
