package dev.vigil.agent.instrumentation;

import java.util.List;

/**
 * The instrumentation of one library, switched by {@code vigil.instrumentation.<name>.enabled}. A
 * module off at start-up is not installed at all; one installed can be switched off and on at run
 * time because its advice checks the live settings on each call.
 */
public interface InstrumentationModule {
  String name();

  List<TypeInstrumentation> typeInstrumentations();
}
