package dev.vigil.collector.otlp;

/**
 * Limits applied to every received item so hostile or sloppy input cannot blow up storage: long
 * strings are truncated with {@link #TRUNCATION_MARKER}, extra attributes, events and links are
 * dropped. Everything cut is counted. Immutable and thread-safe.
 */
public final class OtlpLimits {
  public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH = 4096;
  public static final int DEFAULT_MAX_ATTRIBUTES = 128;
  public static final int DEFAULT_MAX_EVENTS = 128;
  public static final int DEFAULT_MAX_LINKS = 128;
  public static final int DEFAULT_MAX_NAME_LENGTH = 256;
  public static final int DEFAULT_MAX_BODY_LENGTH = 65_536;

  /** Appended to every truncated string. */
  public static final String TRUNCATION_MARKER = "...[truncated]";

  public static final OtlpLimits DEFAULT = builder().build();

  private final int maxAttributeValueLength;
  private final int maxAttributes;
  private final int maxEvents;
  private final int maxLinks;
  private final int maxNameLength;
  private final int maxBodyLength;

  private OtlpLimits(Builder b) {
    this.maxAttributeValueLength = b.maxAttributeValueLength;
    this.maxAttributes = b.maxAttributes;
    this.maxEvents = b.maxEvents;
    this.maxLinks = b.maxLinks;
    this.maxNameLength = b.maxNameLength;
    this.maxBodyLength = b.maxBodyLength;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Longest string attribute value kept, in chars, before the marker. */
  public int maxAttributeValueLength() {
    return maxAttributeValueLength;
  }

  /** Most attributes kept per span, event, link, log record, data point or resource. */
  public int maxAttributes() {
    return maxAttributes;
  }

  /** Most events kept per span. */
  public int maxEvents() {
    return maxEvents;
  }

  /** Most links kept per span. */
  public int maxLinks() {
    return maxLinks;
  }

  /** Longest span, event, metric, scope, service name and attribute key kept. */
  public int maxNameLength() {
    return maxNameLength;
  }

  /** Longest log body kept. */
  public int maxBodyLength() {
    return maxBodyLength;
  }

  @Override
  public String toString() {
    return "OtlpLimits{maxAttributeValueLength="
        + maxAttributeValueLength
        + ", maxAttributes="
        + maxAttributes
        + ", maxEvents="
        + maxEvents
        + ", maxLinks="
        + maxLinks
        + ", maxNameLength="
        + maxNameLength
        + ", maxBodyLength="
        + maxBodyLength
        + '}';
  }

  /** Builds {@link OtlpLimits}. Not thread-safe. */
  public static final class Builder {
    private int maxAttributeValueLength = DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH;
    private int maxAttributes = DEFAULT_MAX_ATTRIBUTES;
    private int maxEvents = DEFAULT_MAX_EVENTS;
    private int maxLinks = DEFAULT_MAX_LINKS;
    private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
    private int maxBodyLength = DEFAULT_MAX_BODY_LENGTH;

    private Builder() {}

    public Builder maxAttributeValueLength(int value) {
      this.maxAttributeValueLength = positive("maxAttributeValueLength", value);
      return this;
    }

    public Builder maxAttributes(int value) {
      this.maxAttributes = nonNegative("maxAttributes", value);
      return this;
    }

    public Builder maxEvents(int value) {
      this.maxEvents = nonNegative("maxEvents", value);
      return this;
    }

    public Builder maxLinks(int value) {
      this.maxLinks = nonNegative("maxLinks", value);
      return this;
    }

    public Builder maxNameLength(int value) {
      this.maxNameLength = positive("maxNameLength", value);
      return this;
    }

    public Builder maxBodyLength(int value) {
      this.maxBodyLength = positive("maxBodyLength", value);
      return this;
    }

    public OtlpLimits build() {
      return new OtlpLimits(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
      }
      return value;
    }

    private static int nonNegative(String name, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
      }
      return value;
    }
  }
}
