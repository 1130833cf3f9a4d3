package io.fedrec.coordinator.store;

import io.fedrec.coordinator.round.RoundRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-line JSON form of a {@link RoundRecord}, as written to {@code ledger.jsonl} and embedded in
 * checkpoints, and its strict parser (only the flat shape this class writes is accepted).
 */
final class RecordJson {
  private RecordJson() {}

  static String encode(RoundRecord r) {
    StringBuilder sb = new StringBuilder(256).append('{');
    field(sb, "round", Long.toString(r.round()));
    field(sb, "selected", Integer.toString(r.selected()));
    field(sb, "submitted", Integer.toString(r.submitted()));
    field(sb, "dropouts", Integer.toString(r.dropouts()));
    field(sb, "total_weight", Long.toString(r.totalWeight()));
    field(sb, "bytes_up", Long.toString(r.bytesUp()));
    field(sb, "bytes_down", Long.toString(r.bytesDown()));
    field(sb, "opened_at", quote(r.openedAt().toString()));
    field(sb, "closed_at", quote(r.closedAt().toString()));
    field(sb, "aggregation", quote(r.aggregation()));
    field(sb, "optimizer", quote(r.optimizer()));
    field(sb, "model_before_sha256", quote(r.modelBeforeSha256Hex()));
    field(sb, "model_sha256", quote(r.modelSha256Hex()));
    field(sb, "privacy_mode", quote(r.privacyMode()));
    field(sb, "accountant", quote(r.accountant()));
    sb.append("\"measurements\":{");
    boolean first = true;
    for (Map.Entry<String, Double> e : r.measurements().entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      double v = e.getValue();
      sb.append(quote(e.getKey())).append(':').append(Double.isFinite(v) ? Double.toString(v) : "null");
    }
    return sb.append("}}").toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":").append(value).append(',');
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** @throws IllegalArgumentException if {@code json} is not a record this class wrote */
  static RoundRecord decode(String json) {
    Parser p = new Parser(json);
    Map<String, Object> m = p.object();
    p.end();
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> meas = (Map<String, Object>) m.get("measurements");
      Map<String, Double> measurements = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : meas.entrySet()) {
        measurements.put(e.getKey(), e.getValue() == null ? Double.NaN : (Double) e.getValue());
      }
      return new RoundRecord(
          num(m, "round").longValue(),
          num(m, "selected").intValue(),
          num(m, "submitted").intValue(),
          num(m, "dropouts").intValue(),
          num(m, "total_weight").longValue(),
          num(m, "bytes_up").longValue(),
          num(m, "bytes_down").longValue(),
          Instant.parse((String) m.get("opened_at")),
          Instant.parse((String) m.get("closed_at")),
          (String) m.get("aggregation"),
          (String) m.get("optimizer"),
          text(m, "model_before_sha256"),
          text(m, "model_sha256"),
          text(m, "privacy_mode"),
          text(m, "accountant"),
          measurements);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed round record: " + e.getMessage(), e);
    }
  }

  private static String text(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof String v)) {
      throw new IllegalArgumentException("field " + key + " missing or not a string");
    }
    return v;
  }

  private static Double num(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof Double d)) {
      throw new IllegalArgumentException("field " + key + " missing or not a number");
    }
    return d;
  }

  /** Recursive-descent parser for objects of strings, numbers, null and nested objects. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Map<String, Object> object() {
      expect('{');
      Map<String, Object> m = new LinkedHashMap<>();
      if (peek() == '}') {
        pos++;
        return m;
      }
      while (true) {
        String key = string();
        expect(':');
        m.put(key, value());
        char c = next();
        if (c == '}') {
          return m;
        }
        if (c != ',') {
          throw error("expected ',' or '}'");
        }
      }
    }

    private Object value() {
      char c = peek();
      if (c == '{') {
        return object();
      }
      if (c == '"') {
        return string();
      }
      if (s.startsWith("null", pos)) {
        pos += 4;
        return null;
      }
      int start = pos;
      while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a value");
      }
      return Double.valueOf(s.substring(start, pos));
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          char e = next();
          if (e == 'u') {
            if (pos + 4 > s.length()) {
              throw error("truncated escape");
            }
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          } else {
            sb.append(e);
          }
        } else {
          sb.append(c);
        }
      }
    }

    private void expect(char c) {
      if (next() != c) {
        throw error("expected '" + c + "'");
      }
    }

    private char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos);
    }

    private char next() {
      char c = peek();
      pos++;
      return c;
    }

    void end() {
      if (pos != s.length()) {
        throw error("trailing characters");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at position " + pos);
    }
  }
}
