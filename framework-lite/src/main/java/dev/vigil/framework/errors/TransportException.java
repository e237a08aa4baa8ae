package dev.vigil.framework.errors;

import org.jspecify.annotations.Nullable;

/**
 * A failure to exchange a request with a node, as opposed to an error the remote handler returned.
 * {@link #requestSent()} tells whether any byte of the request may have reached the peer: a call
 * that failed before sending (connection refused, connect timeout, a pooled connection found closed
 * before writing) is always safe to retry on another node.
 */
public final class TransportException extends FrameworkException {
  private static final long serialVersionUID = 1L;

  private final boolean requestSent;

  public TransportException(
      String id, int code, String detail, boolean requestSent, @Nullable Throwable cause) {
    super(id, code, detail, cause);
    this.requestSent = requestSent;
  }

  /** True when the peer may have received (part of) the request. */
  public boolean requestSent() {
    return requestSent;
  }
}
