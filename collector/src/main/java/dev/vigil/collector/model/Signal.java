package dev.vigil.collector.model;

import java.util.Locale;

/** The three OTLP signals, each with its own endpoint, tables, metrics and retention. */
public enum Signal {
  TRACES("/v1/traces"),
  LOGS("/v1/logs"),
  METRICS("/v1/metrics");

  private final String path;

  Signal(String path) {
    this.path = path;
  }

  /** The OTLP/HTTP path this signal is posted to. */
  public String path() {
    return path;
  }

  /** The metric label value: {@code traces}, {@code logs} or {@code metrics}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
