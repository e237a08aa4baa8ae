package dev.vigil.agent.instrumentation;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** One type (or family of types) to instrument and the advice to apply to its methods. */
public interface TypeInstrumentation {
  /** Matches by name first, so most classes are rejected without reading their hierarchy. */
  ElementMatcher<TypeDescription> typeMatcher();

  /** Adds this type's advice to {@code set} and returns it. */
  AdviceSet advice(AdviceSet set);

  /**
   * Whether matched classes get a field for the agent's per-object state ({@code
   * dev.vigil.agent.bootstrap.AttachedState}) when they are first loaded.
   */
  default boolean attachesState() {
    return false;
  }
}
