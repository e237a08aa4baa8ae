package dev.vigil.agent.bootstrap;

/**
 * Replaces literals in SQL with {@code ?}: quoted strings (with doubled-quote escapes),
 * dollar-quoted strings, numbers (including hex and exponents) and the booleans TRUE/FALSE outside
 * identifiers. Keeps identifiers, double-quoted names, comments' absence aside, and bind markers
 * ({@code ?}, {@code $1}). Long statements are cut at {@link #MAX_LENGTH}. Stateless.
 */
public final class SqlSanitizer {
  public static final int MAX_LENGTH = 2048;

  private SqlSanitizer() {}

  public static String sanitize(String sql) {
    if (sql == null) {
      return null;
    }
    int n = Math.min(sql.length(), MAX_LENGTH * 2);
    StringBuilder out = new StringBuilder(Math.min(n, MAX_LENGTH));
    int i = 0;
    while (i < n && out.length() < MAX_LENGTH) {
      char c = sql.charAt(i);
      if (c == '\'') {
        i = skipQuoted(sql, i, n, '\'');
        out.append('?');
      } else if (c == '"' || c == '`') {
        int end = skipQuoted(sql, i, n, c);
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : Math.min(end, n);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : Math.min(end + 2, n);
        out.append(' ');
      } else if (c == '$'
          && i + 1 < n
          && (sql.charAt(i + 1) == '$' || Character.isLetter(sql.charAt(i + 1)))) {
        int tagEnd = sql.indexOf('$', i + 1);
        if (tagEnd < 0) {
          out.append(c);
          i++;
          continue;
        }
        String tag = sql.substring(i, tagEnd + 1);
        if (!isTag(tag)) {
          out.append(c);
          i++;
          continue;
        }
        int close = sql.indexOf(tag, tagEnd + 1);
        i = close < 0 ? n : Math.min(close + tag.length(), n);
        out.append('?');
      } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        int j = i + 1;
        while (j < n && Character.isDigit(sql.charAt(j))) {
          j++;
        }
        out.append(sql, i, j);
        i = j;
      } else if (isIdentStart(c)) {
        int j = i + 1;
        while (j < n && isIdentPart(sql.charAt(j))) {
          j++;
        }
        String word = sql.substring(i, j);
        if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
          out.append('?');
        } else {
          out.append(word);
        }
        i = j;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))
          || (c == '-'
              && i + 1 < n
              && Character.isDigit(sql.charAt(i + 1))
              && isUnaryPosition(out))) {
        i = skipNumber(sql, c == '-' ? i + 1 : i, n);
        out.append('?');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isTag(String tag) {
    for (int k = 1; k < tag.length() - 1; k++) {
      if (!isIdentPart(tag.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /** A minus sign right after an operator, comma or parenthesis is part of a number literal. */
  private static boolean isUnaryPosition(StringBuilder out) {
    for (int k = out.length() - 1; k >= 0; k--) {
      char p = out.charAt(k);
      if (p == ' ' || p == '\t' || p == '\n' || p == '\r') {
        continue;
      }
      return p == '(' || p == ',' || p == '=' || p == '<' || p == '>' || p == '+' || p == '-'
          || p == '*' || p == '/';
    }
    return true;
  }

  private static int skipQuoted(String s, int start, int n, char quote) {
    int i = start + 1;
    while (i < n) {
      char c = s.charAt(i);
      if (c == quote) {
        if (i + 1 < n && s.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      if (c == '\\' && quote == '\'' && i + 1 < n) {
        i += 2;
        continue;
      }
      i++;
    }
    return n;
  }

  private static int skipNumber(String s, int i, int n) {
    if (i + 1 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
      i += 2;
      while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
        i++;
      }
      return i;
    }
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isDigit(c) || c == '.') {
        i++;
      } else if ((c == 'e' || c == 'E')
          && i + 1 < n
          && (Character.isDigit(s.charAt(i + 1))
              || s.charAt(i + 1) == '-'
              || s.charAt(i + 1) == '+')) {
        i += 2;
      } else {
        break;
      }
    }
    return i;
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** The statement's first keyword in upper case (SELECT, INSERT, ...), or null. */
  public static String operation(String sql) {
    if (sql == null) {
      return null;
    }
    int i = 0;
    int n = sql.length();
    while (i < n && !Character.isLetter(sql.charAt(i))) {
      i++;
    }
    int j = i;
    while (j < n && Character.isLetter(sql.charAt(j))) {
      j++;
    }
    if (j == i) {
      return null;
    }
    return sql.substring(i, j).toUpperCase(java.util.Locale.ROOT);
  }
}
