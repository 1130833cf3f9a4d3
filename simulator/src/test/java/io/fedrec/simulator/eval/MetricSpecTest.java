package io.fedrec.simulator.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricSpecTest {

  @Test
  void parseList_issueExample_keysInOrder() {
    List<MetricSpec> specs = MetricSpec.parseList(
        "hr@10,ndcg@10,precision@5,recall@20,map@10,mrr,coverage@10,diversity@10,popularity@10");
    assertEquals(
        List.of("hr@10", "ndcg@10", "precision@5", "recall@20", "map@10", "mrr", "coverage@10",
            "diversity@10", "popularity@10"),
        specs.stream().map(MetricSpec::key).toList());
    assertEquals(MetricSpec.Kind.RECALL, specs.get(3).kind());
    assertEquals(20, specs.get(3).k());
  }

  @Test
  void parse_upperCaseAndBlanks_normalised() {
    assertEquals("ndcg@10", MetricSpec.parse(" NDCG@10 ").key());
  }

  @Test
  void parse_mrrWithCutoff_keepsCutoff() {
    assertEquals("mrr@5", MetricSpec.parse("mrr@5").key());
    assertEquals(MetricSpec.NO_CUTOFF, MetricSpec.parse("mrr").k());
  }

  @Test
  void parse_unknownName_namesTokenAndListsValid() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MetricSpec.parseList("hr@10,hit@10"));
    assertTrue(e.getMessage().contains("'hit@10'"), e.getMessage());
    assertTrue(e.getMessage().contains("ndcg@K") && e.getMessage().contains("popularity@K"),
        e.getMessage());
  }

  @Test
  void parse_kZeroOrAbove1000_rejected() {
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("hr@0"));
    assertTrue(zero.getMessage().contains("'hr@0'") && zero.getMessage().contains("[1, 1000]"),
        zero.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("hr@1001"));
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("hr@99999999999"));
  }

  @Test
  void parse_kBounds_accepted() {
    assertEquals(1, MetricSpec.parse("hr@1").k());
    assertEquals(1000, MetricSpec.parse("recall@1000").k());
  }

  @Test
  void parse_nonNumericOrNegativeK_rejected() {
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("hr@ten"));
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("hr@-5"));
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("hr@"));
  }

  @Test
  void parse_missingCutoff_rejectedExceptMrr() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MetricSpec.parse("ndcg"));
    assertTrue(e.getMessage().contains("ndcg@10"), e.getMessage());
  }

  @Test
  void parseList_duplicate_rejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MetricSpec.parseList("hr@10,HR@10"));
    assertTrue(e.getMessage().contains("hr@10"), e.getMessage());
  }

  @Test
  void parseList_emptyEntryOrList_rejected() {
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parseList("hr@10,,mrr"));
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.parseList(" "));
  }

  @Test
  void constructor_kOutOfRange_rejected() {
    assertThrows(IllegalArgumentException.class,
        () -> MetricSpec.of(MetricSpec.Kind.HR, MetricSpec.NO_CUTOFF));
    assertThrows(IllegalArgumentException.class, () -> MetricSpec.of(MetricSpec.Kind.MRR, 1001));
  }
}
