package io.fedrec.simulator.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming JSON writer (RFC 8259) with two-space indentation and no dependencies.
 *
 * <pre>{@code
 * JsonWriter w = new JsonWriter(out);
 * w.beginObject().name("rmse").value(0.93).name("tags").beginArray().value("a").endArray()
 *     .endObject().finish();
 * }</pre>
 *
 * <ul>
 *   <li>Strings are escaped: {@code "}, {@code \}, and control characters (as {@code \n},
 *       {@code \t}, ... or <code>&#92;u00XX</code>); U+2028 and U+2029 too, so that output is also valid
 *       JavaScript.
 *   <li>NaN and infinities, which JSON cannot represent, are written as {@code null}.
 *   <li>Misuse (a value where a name is expected, unbalanced ends) throws {@link
 *       IllegalStateException}; I/O errors are rethrown as {@link UncheckedIOException}.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class JsonWriter {
  private enum Scope { ARRAY, OBJECT }

  private final Appendable out;
  private final Deque<Scope> scopes = new ArrayDeque<>();
  /** Whether the innermost scope already holds an element. */
  private final Deque<Boolean> nonEmpty = new ArrayDeque<>();
  private boolean nameWritten;
  private boolean topLevelDone;

  private final boolean compact;

  /** An indented writer. */
  public JsonWriter(Appendable out) {
    this(out, false);
  }

  private JsonWriter(Appendable out, boolean compact) {
    this.out = out;
    this.compact = compact;
  }

  /** A writer of one-line documents (JSON Lines), no whitespace between tokens. */
  public static JsonWriter compact(Appendable out) {
    return new JsonWriter(out, true);
  }

  public JsonWriter beginObject() {
    beforeValue();
    write("{");
    scopes.push(Scope.OBJECT);
    nonEmpty.push(false);
    return this;
  }

  public JsonWriter endObject() {
    return end(Scope.OBJECT, "}");
  }

  public JsonWriter beginArray() {
    beforeValue();
    write("[");
    scopes.push(Scope.ARRAY);
    nonEmpty.push(false);
    return this;
  }

  public JsonWriter endArray() {
    return end(Scope.ARRAY, "]");
  }

  /** The name of the next member of the current object. */
  public JsonWriter name(String name) {
    if (scopes.peek() != Scope.OBJECT || nameWritten) {
      throw new IllegalStateException("name(\"" + name + "\") is only valid inside an object,"
          + " before a value");
    }
    separator();
    writeString(name);
    write(compact ? ":" : ": ");
    nameWritten = true;
    return this;
  }

  public JsonWriter value(String value) {
    if (value == null) {
      return nullValue();
    }
    beforeValue();
    writeString(value);
    return this;
  }

  /** Writes {@code value}, or {@code null} when it is NaN or infinite. */
  public JsonWriter value(double value) {
    beforeValue();
    if (!Double.isFinite(value)) {
      write("null");
    } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      write(Long.toString((long) value));
    } else {
      write(Double.toString(value));
    }
    return this;
  }

  /** Writes {@code value} with float precision, or {@code null} when it is not finite. */
  public JsonWriter value(float value) {
    if (!Float.isFinite(value) || (value == Math.rint(value) && Math.abs(value) < 1e7f)) {
      return value((double) value);
    }
    beforeValue();
    write(Float.toString(value));
    return this;
  }

  public JsonWriter value(long value) {
    beforeValue();
    write(Long.toString(value));
    return this;
  }

  public JsonWriter value(boolean value) {
    beforeValue();
    write(value ? "true" : "false");
    return this;
  }

  public JsonWriter nullValue() {
    beforeValue();
    write("null");
    return this;
  }

  /**
   * Ends the document with a newline.
   *
   * @throws IllegalStateException if an object or array is still open, or nothing was written
   */
  public void finish() {
    if (!scopes.isEmpty() || !topLevelDone) {
      throw new IllegalStateException("incomplete document: " + scopes.size() + " open scopes");
    }
    write("\n");
  }

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    appendQuoted(b, s);
    return b.toString();
  }

  private JsonWriter end(Scope scope, String close) {
    if (scopes.peek() != scope || nameWritten) {
      throw new IllegalStateException("cannot close " + scope + " here");
    }
    scopes.pop();
    boolean any = nonEmpty.pop();
    if (any) {
      newline();
    }
    write(close);
    if (scopes.isEmpty()) {
      topLevelDone = true;
    }
    return this;
  }

  private void beforeValue() {
    Scope s = scopes.peek();
    if (s == null) {
      if (topLevelDone) {
        throw new IllegalStateException("a JSON document holds exactly one top-level value");
      }
      topLevelDone = true;
      return;
    }
    if (s == Scope.OBJECT) {
      if (!nameWritten) {
        throw new IllegalStateException("a value inside an object needs a name first");
      }
      nameWritten = false;
      return;
    }
    separator();
  }

  private void separator() {
    if (nonEmpty.peek()) {
      write(",");
    } else {
      nonEmpty.pop();
      nonEmpty.push(true);
    }
    newline();
  }

  private void newline() {
    if (compact) {
      return;
    }
    write("\n");
    for (int i = 0; i < scopes.size(); i++) {
      write("  ");
    }
  }

  private void writeString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    appendQuoted(b, s);
    write(b);
  }

  private static void appendQuoted(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private void write(CharSequence s) {
    try {
      out.append(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
