package dev.vigil.collector.ingest;

/**
 * Why the writer did not commit a submitted batch. Nothing of the batch is stored (unless {@link
 * Reason#TIMEOUT} raced with a commit, which at-least-once delivery tolerates).
 */
public final class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The causes, each mapped to its own HTTP status by the endpoint. */
  public enum Reason {
    /** The write queue is full: retry later (HTTP 429). */
    SATURATED,
    /** The database is unreachable or not migrated yet: retry later (HTTP 503). */
    UNAVAILABLE,
    /** The commit did not happen within the request timeout: retry later (HTTP 503). */
    TIMEOUT,
    /** The database refused this batch on its own: retrying will not help (HTTP 500). */
    FAILED,
    /** The collector is shutting down (HTTP 503). */
    STOPPED
  }

  private final Reason reason;

  public IngestException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
