package dev.vigil.collector.store;

import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Builds rows in PostgreSQL's COPY text format: tab-separated columns, {@code \N} for NULL, and
 * backslash escapes for backslash, tab, newline and carriage return. Not thread-safe; one per COPY.
 */
final class CopyText {
  private static final HexFormat HEX = HexFormat.of();

  private final StringBuilder out = new StringBuilder(64 * 1024);
  private boolean firstColumn = true;

  CopyText text(@Nullable String value) {
    separator();
    if (value == null) {
      out.append("\\N");
      return this;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return this;
  }

  CopyText number(long value) {
    separator();
    out.append(value);
    return this;
  }

  CopyText number(@Nullable Long value) {
    return value == null ? text(null) : number(value.longValue());
  }

  CopyText number(@Nullable Double value) {
    separator();
    if (value == null) {
      out.append("\\N");
    } else {
      out.append(value.doubleValue());
    }
    return this;
  }

  CopyText bool(@Nullable Boolean value) {
    separator();
    out.append(value == null ? "\\N" : value ? "t" : "f");
    return this;
  }

  CopyText bytes(byte @Nullable [] value) {
    separator();
    if (value == null) {
      out.append("\\N");
    } else {
      out.append("\\\\x").append(HEX.formatHex(value));
    }
    return this;
  }

  CopyText doubles(double @Nullable [] values) {
    separator();
    if (values == null) {
      out.append("\\N");
      return this;
    }
    out.append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(values[i]);
    }
    out.append('}');
    return this;
  }

  CopyText longs(long @Nullable [] values) {
    separator();
    if (values == null) {
      out.append("\\N");
      return this;
    }
    out.append('{');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(values[i]);
    }
    out.append('}');
    return this;
  }

  CopyText endRow() {
    out.append('\n');
    firstColumn = true;
    return this;
  }

  String content() {
    return out.toString();
  }

  private void separator() {
    if (!firstColumn) {
      out.append('\t');
    }
    firstColumn = false;
  }
}
