package io.fedrec.simulator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
  private static String compact(String json) {
    StringBuilder b = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '"' && (i == 0 || json.charAt(i - 1) != '\\')) {
        inString = !inString;
      }
      if (inString || !Character.isWhitespace(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Test
  void write_nestedDocument_producesValidJson() {
    StringBuilder out = new StringBuilder();
    new JsonWriter(out).beginObject()
        .name("a").value(1)
        .name("b").beginArray().value("x").value(true).nullValue().endArray()
        .name("c").beginObject().endObject()
        .name("d").beginArray().endArray()
        .endObject().finish();
    assertEquals("{\"a\":1,\"b\":[\"x\",true,null],\"c\":{},\"d\":[]}", compact(out.toString()));
  }

  @Test
  void write_indentation_twoSpacesPerLevel() {
    StringBuilder out = new StringBuilder();
    new JsonWriter(out).beginObject().name("a").beginArray().value(1).endArray().endObject()
        .finish();
    assertEquals("{\n  \"a\": [\n    1\n  ]\n}\n", out.toString());
  }

  @Test
  void quote_specialCharacters_escaped() {
    assertEquals("\"q\\\"b\\\\n\\nt\\tc\\u0001s\\u2028\"",
        JsonWriter.quote("q\"b\\n\nt\tc\u0001s\u2028"));
  }

  @Test
  void value_nonFiniteDoubles_writtenAsNull() {
    StringBuilder out = new StringBuilder();
    new JsonWriter(out).beginArray().value(Double.NaN).value(Double.POSITIVE_INFINITY)
        .value(Float.NEGATIVE_INFINITY).value(0.5).value(0.1f).endArray().finish();
    assertEquals("[null,null,null,0.5,0.1]", compact(out.toString()));
  }

  @Test
  void value_integralDouble_writtenWithoutFraction() {
    StringBuilder out = new StringBuilder();
    new JsonWriter(out).value(10.0).finish();
    assertEquals("10\n", out.toString());
  }

  @Test
  void value_insideObjectWithoutName_throws() {
    JsonWriter w = new JsonWriter(new StringBuilder()).beginObject();
    assertThrows(IllegalStateException.class, () -> w.value(1));
  }

  @Test
  void endArray_whenObjectOpen_throws() {
    JsonWriter w = new JsonWriter(new StringBuilder()).beginObject();
    assertThrows(IllegalStateException.class, w::endArray);
  }

  @Test
  void finish_withOpenScope_throws() {
    JsonWriter w = new JsonWriter(new StringBuilder()).beginArray();
    assertThrows(IllegalStateException.class, w::finish);
  }

  @Test
  void value_secondTopLevelValue_throws() {
    JsonWriter w = new JsonWriter(new StringBuilder()).value(1);
    assertThrows(IllegalStateException.class, () -> w.value(2));
  }
}
