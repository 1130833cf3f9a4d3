package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column mapping, separators and header modes of {@link CsvRatings} via {@link CsvFormat}. */
class CsvFormatTest {
  @TempDir Path dir;

  private RatingsData read(String content, String columns, String sep, String header)
      throws IOException {
    Path file = dir.resolve("r.csv");
    Files.writeString(file, content);
    return CsvRatings.read(file, 0, CsvFormat.parse(columns, sep, header), BadRows.failing());
  }

  private IllegalArgumentException fails(String content, String columns, String sep,
      String header) {
    return assertThrows(IllegalArgumentException.class, () -> read(content, columns, sep, header));
  }

  private static String rows(RatingsData d) {
    StringBuilder sb = new StringBuilder();
    for (int u = 0; u < d.numUsers(); u++) {
      for (int j = 0; j < d.userSize(u); j++) {
        sb.append(d.userLabel(u)).append('/').append(d.item(u, j)).append('=')
            .append(d.rating(u, j)).append('@').append(d.timestamp(u, j)).append(' ');
      }
    }
    return sb.toString().trim();
  }

  private static IllegalArgumentException invalid(String columns, String sep, String header) {
    return assertThrows(IllegalArgumentException.class,
        () -> CsvFormat.parse(columns, sep, header));
  }

  @Test
  void columnsByName_reorderedHeaderWithExtraColumns_mapsEachField() throws IOException {
    RatingsData d = read("ts,movie,title,score,who\n100,3,Heat,4.5,ann\n200,1,Up,2,bob\n",
        "who,movie,score,ts", null, null);
    assertEquals("ann/3=4.5@100 bob/1=2.0@200", rows(d));
  }

  @Test
  void columnsByName_withoutTimestamp_timestampsAreZero() throws IOException {
    RatingsData d = read("user;item;rating;ts\nann;3;4;100\n", "user,item,rating", ";", "yes");
    assertEquals("ann/3=4.0@0", rows(d));
  }

  @Test
  void columnsByName_missingFromHeader_failsNamingColumnAndHeader() {
    IllegalArgumentException e = fails("u,i,r\nann,3,4\n", "u,i,rating", null, "auto");
    assertEquals("r.csv:1: --csv-columns names \"rating\", which is not a column of the header"
        + " [\"u\", \"i\", \"r\"]", e.getMessage());
  }

  @Test
  void columnsByIndex_noHeader_extraFieldsIgnored() throws IOException {
    RatingsData d = read("9\tx\t3.5\tann\t77\n", "3,0,2,4", "tab", "no");
    assertEquals("ann/9=3.5@77", rows(d));
  }

  @Test
  void columnsByIndex_autoHeader_detectedByNonNumericRating() throws IOException {
    RatingsData d = read("item::user::rating\n5::bob::1\n", "1,0,2", "::", "auto");
    assertEquals("bob/5=1.0@0", rows(d));
  }

  @Test
  void columnsByIndex_rowWithTooFewFields_failsWithFileAndLine() {
    IllegalArgumentException e = fails("1,2,3,4\n1,2\n", "0,1,3", null, "no");
    assertEquals("r.csv:2: expected at least 4 fields separated by commas (columns 0,1,3), got 2",
        e.getMessage());
  }

  @Test
  void columnsWithHeader_rowWithMoreFieldsThanHeader_fails() {
    IllegalArgumentException e = fails("u,i,r\na,1,2\nb,2,3,4\n", "u,i,r", null, null);
    assertEquals("r.csv:3: expected 3 fields separated by commas like the header, got more",
        e.getMessage());
  }

  @Test
  void headerYes_firstLineSkippedEvenWhenNumeric() throws IOException {
    assertEquals("b/2=3.0@0", rows(read("1,1,1\nb,2,3\n", null, null, "yes")));
  }

  @Test
  void headerNo_nonNumericFirstLine_isABadRow() {
    IllegalArgumentException e = fails("user,item,rating\nb,2,3\n", null, null, "no");
    assertEquals("r.csv:1: item must be an integer, got \"item\"", e.getMessage());
  }

  @Test
  void headerAuto_defaultColumns_keepsTheHistoricalRule() throws IOException {
    assertEquals("a/1=4.0@0", rows(read("user,item,rating\na,1,4\n", null, null, null)));
    assertEquals("7/1=4.0@0", rows(read("7,1,4\n", null, null, null)));
  }

  @Test
  void semicolonSeparator_defaultColumns_wrongFieldCountNamesSeparator() {
    IllegalArgumentException e = fails("a;1;4\na,1,4\n", null, ";", null);
    assertEquals("r.csv:2: expected 3 or 4 fields separated by \";\""
        + " (user,item,rating[,timestamp]), got 1", e.getMessage());
  }

  @Test
  void byteOrderMark_beforeNamedHeader_ignored() throws IOException {
    assertEquals("a/1=4.0@0", rows(read("\uFEFFuser,item,rating\na,1,4\n", "user,item,rating",
        null, null)));
  }

  @Test
  void parse_unknownSeparator_namesParameterRuleAndValue() {
    assertEquals("csvSeparator must be one of , ; tab ::. Provided value: |",
        invalid(null, "|", null).getMessage());
  }

  @Test
  void parse_unknownHeaderMode_namesParameterRuleAndValue() {
    assertEquals("csvHeader must be one of auto, yes, no. Provided value: maybe",
        invalid(null, null, "maybe").getMessage());
  }

  @Test
  void parse_twoColumns_refused() {
    assertEquals("csvColumns must name 3 or 4 columns (user,item,rating[,timestamp]). Provided"
        + " value: user,item", invalid("user,item", null, null).getMessage());
  }

  @Test
  void parse_mixOfNamesAndIndices_refused() {
    assertEquals("csvColumns must be all 0-based indices or all header names, not a mix."
        + " Provided value: user,1,2", invalid("user,1,2", null, null).getMessage());
  }

  @Test
  void parse_repeatedColumn_refused() {
    assertEquals("csvColumns must not repeat a column. Provided value: 0,1,1",
        invalid("0,1,1", null, null).getMessage());
  }

  @Test
  void parse_emptyEntry_refused() {
    assertEquals("csvColumns must not have an empty entry. Provided value: 0,,1",
        invalid("0,,1", null, null).getMessage());
  }

  @Test
  void parse_namesWithoutHeader_refused() {
    assertEquals("csvColumns by name need a header line, but the header mode is no. Provided"
        + " value: u,i,r", invalid("u,i,r", null, "no").getMessage());
  }

  @Test
  void parse_hugeIndex_refused() {
    assertEquals("csvColumns indices must be <= 9999. Provided value: 0,1,99999",
        invalid("0,1,99999", null, null).getMessage());
  }
}
