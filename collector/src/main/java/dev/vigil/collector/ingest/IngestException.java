package dev.vigil.collector.ingest;

/**
 * Why the writer did not commit a submitted batch. Nothing of the batch is stored, now or later,
 * except possibly for {@link Reason#OUTCOME_UNKNOWN}, so a client's retry stores exactly one copy.
 */
public final class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The causes, each mapped to its own HTTP status by the endpoint. */
  public enum Reason {
    /** The write queue is full: retry later (HTTP 429). */
    SATURATED,
    /** The database is unreachable or not migrated yet: retry later (HTTP 503). */
    UNAVAILABLE,
    /**
     * Not written in time: withdrawn from the queue, or the write was rolled back at its deadline
     * or for another transient reason (statement timeout, deadlock): retry later (HTTP 503).
     */
    TIMEOUT,
    /**
     * The connection failed while the commit carrying the batch was in flight, so it may or may not
     * be stored: retry later (HTTP 503). The one case where a retry can store a duplicate.
     */
    OUTCOME_UNKNOWN,
    /** The database refused this batch's data on its own: retrying will not help (HTTP 400). */
    REJECTED,
    /** The database failed this batch on its own for another reason (HTTP 500). */
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
