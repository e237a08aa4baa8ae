package dev.vigil.framework.errors;

import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception of framework-lite, shaped like Go Micro's errors: an {@code id} (the
 * error's origin, such as a service name, or a generated error id for internal errors), a numeric
 * {@code code} using HTTP status semantics, a human readable {@code detail} and the {@code status}
 * text for the code. The wire form is the JSON object {@code {"id","code","detail","status"}}, so a
 * caller can tell "not found" (404) from "overloaded" (503) across process boundaries.
 *
 * <p>Immutable and thread-safe.
 */
public class FrameworkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int METHOD_NOT_ALLOWED = 405;
  public static final int TIMEOUT = 408;
  public static final int CONFLICT = 409;
  public static final int PAYLOAD_TOO_LARGE = 413;
  public static final int UNSUPPORTED_MEDIA_TYPE = 415;
  public static final int TOO_MANY_REQUESTS = 429;
  public static final int INTERNAL = 500;
  public static final int BAD_GATEWAY = 502;
  public static final int UNAVAILABLE = 503;
  public static final int GATEWAY_TIMEOUT = 504;

  private final String id;
  private final int code;
  private final String detail;

  public FrameworkException(String id, int code, String detail) {
    this(id, code, detail, null);
  }

  public FrameworkException(String id, int code, String detail, @Nullable Throwable cause) {
    super(id + " " + code + " " + statusText(code) + ": " + detail, cause);
    this.id = id;
    this.code = code;
    this.detail = detail;
  }

  /** Where the error comes from: a service or component name, or a generated error id. */
  public String id() {
    return id;
  }

  /** HTTP-like status code. */
  public int code() {
    return code;
  }

  /** Human readable description naming the problem. */
  public String detail() {
    return detail;
  }

  /** The standard text for {@link #code()}, e.g. "Not Found". */
  public String status() {
    return statusText(code);
  }

  public static FrameworkException badRequest(String id, String detail) {
    return new FrameworkException(id, BAD_REQUEST, detail);
  }

  public static FrameworkException notFound(String id, String detail) {
    return new FrameworkException(id, NOT_FOUND, detail);
  }

  public static FrameworkException timeout(String id, String detail) {
    return new FrameworkException(id, TIMEOUT, detail);
  }

  public static FrameworkException tooLarge(String id, String detail) {
    return new FrameworkException(id, PAYLOAD_TOO_LARGE, detail);
  }

  public static FrameworkException unavailable(String id, String detail) {
    return new FrameworkException(id, UNAVAILABLE, detail);
  }

  /** An internal error with a fresh error id, so the log line and the caller's error match. */
  public static FrameworkException internal(String detail, @Nullable Throwable cause) {
    return new FrameworkException(newErrorId(), INTERNAL, detail, cause);
  }

  /** A short random id for correlating an error reported to a caller with the server's log. */
  public static String newErrorId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /** Standard text for an HTTP-like status code. */
  public static String statusText(int code) {
    switch (code) {
      case BAD_REQUEST:
        return "Bad Request";
      case UNAUTHORIZED:
        return "Unauthorized";
      case FORBIDDEN:
        return "Forbidden";
      case NOT_FOUND:
        return "Not Found";
      case METHOD_NOT_ALLOWED:
        return "Method Not Allowed";
      case TIMEOUT:
        return "Request Timeout";
      case CONFLICT:
        return "Conflict";
      case PAYLOAD_TOO_LARGE:
        return "Payload Too Large";
      case UNSUPPORTED_MEDIA_TYPE:
        return "Unsupported Media Type";
      case TOO_MANY_REQUESTS:
        return "Too Many Requests";
      case INTERNAL:
        return "Internal Server Error";
      case BAD_GATEWAY:
        return "Bad Gateway";
      case UNAVAILABLE:
        return "Service Unavailable";
      case GATEWAY_TIMEOUT:
        return "Gateway Timeout";
      default:
        return "Status " + code;
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "FrameworkException{id=%s, code=%d, status=%s, detail=%s}",
        id,
        code,
        status(),
        detail);
  }
}
