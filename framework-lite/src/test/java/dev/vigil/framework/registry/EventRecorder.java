package dev.vigil.framework.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Collects the events of a registry watch so a test can take them one by one, in order. */
public final class EventRecorder implements Consumer<Event> {
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  @Override
  public void accept(Event event) {
    events.add(event);
  }

  /** The next event, waiting for the registry's delivery thread; fails after 20 s. */
  public Event next() {
    try {
      Event e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("an event within 20 s").isNotNull();
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
