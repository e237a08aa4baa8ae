package dev.vigil.console.api;

/** Ends a request with {@code status} and the API's error body. Immutable. */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
