package dev.vigil.agent.instrumentation;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** The advice classes of one type instrumentation and the methods each applies to. */
public final class AdviceSet {
  final List<ElementMatcher<? super MethodDescription>> methods = new ArrayList<>();
  final List<String> adviceClasses = new ArrayList<>();

  public AdviceSet advice(
      ElementMatcher<? super MethodDescription> methodMatcher, String adviceClass) {
    methods.add(methodMatcher);
    adviceClasses.add(adviceClass);
    return this;
  }

  public List<ElementMatcher<? super MethodDescription>> methods() {
    return methods;
  }

  public List<String> adviceClasses() {
    return adviceClasses;
  }
}
