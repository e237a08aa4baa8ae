package dev.vigil.agent.bootstrap;

/**
 * Implemented by instrumented library classes that the agent gave a field of its own: per-object
 * state (the SQL of a prepared statement, the database of a connection) lives on the object itself
 * instead of in a weakly keyed map, so it costs no map entry and no reference processing, and goes
 * away with the object. Classes loaded before the agent cannot get the field; their state stays in
 * a map. The methods are plain field accesses: whoever attaches state makes it safe to publish.
 */
public interface AttachedState {
  /** The name of the field added to implementing classes. */
  String FIELD = "vigil$state";

  Object vigil$state();

  void vigil$state(Object state);
}
