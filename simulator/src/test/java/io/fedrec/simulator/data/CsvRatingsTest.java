package io.fedrec.simulator.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRatingsTest {
  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path file = dir.resolve("ratings.csv");
    Files.writeString(file, content);
    return file;
  }

  private IllegalArgumentException readFails(String content) throws IOException {
    Path file = write(content);
    return assertThrows(IllegalArgumentException.class, () -> CsvRatings.read(file));
  }

  @Test
  void read_withHeader_skipsHeader() throws IOException {
    RatingsData d = CsvRatings.read(write("user,item,rating\nalice,2,4\nbob,0,3.5\n"));
    assertEquals(2, d.numRatings());
    assertEquals(2, d.numUsers());
    assertEquals(3, d.numItems());
  }

  @Test
  void read_withoutHeader_readsFirstLine() throws IOException {
    RatingsData d = CsvRatings.read(write("7,2,4\n9,0,3.5\n"));
    assertEquals(2, d.numRatings());
    assertEquals("7", d.userLabel(0));
  }

  @Test
  void read_stringUserIds_mappedInOrderOfFirstAppearance() throws IOException {
    RatingsData d = CsvRatings.read(write("zed,1,4\namy,0,2\nzed,3,5\n"));
    assertEquals("zed", d.userLabel(0));
    assertEquals("amy", d.userLabel(1));
    assertEquals(2, d.userSize(0));
    assertEquals(3, d.item(0, 1));
    assertEquals(5f, d.rating(0, 1));
  }

  @Test
  void read_timestampColumn_isKept() throws IOException {
    RatingsData d = CsvRatings.read(write("user,item,rating,timestamp\nu,1,4,1234\n"));
    assertEquals(1234L, d.timestamp(0, 0));
  }

  @Test
  void read_explicitNumItems_widensCatalogue() throws IOException {
    RatingsData d = CsvRatings.read(write("u,1,4\n"), 100);
    assertEquals(100, d.numItems());
  }

  @Test
  void read_itemOutsideExplicitCatalogue_namesLine() throws IOException {
    Path file = write("u,1,4\nu,10,4\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CsvRatings.read(file, 10));
    assertEquals("ratings.csv:2: item must be in [0, 9], got \"10\"", e.getMessage());
  }

  @Test
  void read_badRating_namesFileLineAndReason() throws IOException {
    IllegalArgumentException e = readFails("user,item,rating\nu,1,4\nu,2,x\n");
    assertEquals("ratings.csv:3: rating must be a number, got \"x\"", e.getMessage());
  }

  @Test
  void read_negativeItem_namesFileLineAndReason() throws IOException {
    IllegalArgumentException e = readFails("u,-1,4\n");
    assertEquals("ratings.csv:1: item must be in [0, 9999999], got \"-1\"", e.getMessage());
  }

  @Test
  void read_wrongFieldCount_namesFileLineAndReason() throws IOException {
    IllegalArgumentException e = readFails("u,1,4\nu,2\n");
    assertEquals(
        "ratings.csv:2: expected 3 or 4 comma-separated fields (user,item,rating[,timestamp]),"
            + " got 2",
        e.getMessage());
  }

  @Test
  void read_duplicateUserItem_namesBothLines() throws IOException {
    IllegalArgumentException e = readFails("user,item,rating\na,1,4\nb,1,4\n\na,1,2\n");
    assertEquals(
        "ratings.csv:5: duplicate rating for user a and item 1 (first at line 2)",
        e.getMessage());
  }

  @Test
  void read_onlyHeader_throws() throws IOException {
    IllegalArgumentException e = readFails("user,item,rating\n");
    assertEquals("ratings.csv: contains no ratings", e.getMessage());
  }

  @Test
  void read_blankAndCommentLines_ignored() throws IOException {
    RatingsData d = CsvRatings.read(write("# exported\n\nu,1,4\n\n"));
    assertEquals(1, d.numRatings());
  }
}
