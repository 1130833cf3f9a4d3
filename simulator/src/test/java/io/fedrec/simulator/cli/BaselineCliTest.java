package io.fedrec.simulator.cli;

import static io.fedrec.simulator.cli.ImplicitCliTest.assertUsage;
import static io.fedrec.simulator.cli.ImplicitCliTest.smallCsv;
import static io.fedrec.simulator.cli.ImplicitCliTest.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.simulator.cli.CliTest.Run;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code baseline --algo mean-bias|sgd-mf|bpr} and the validation of every baseline flag. */
class BaselineCliTest {
  @TempDir Path tmp;

  private Run baseline(String... args) throws Exception {
    String[] all = new String[args.length + 5];
    all[0] = "baseline";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--dataset";
    all[args.length + 2] = "csv";
    all[args.length + 3] = "--data";
    all[args.length + 4] = smallCsv(tmp).toString();
    return CliTest.run(all);
  }

  @Test
  void baseline_meanBias_writesItsRmseAsBothModelAndBaseline() throws Exception {
    Path out = tmp.resolve("mean-bias");
    Run r = baseline("--algo", "mean-bias", "--iterations", "3", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bias baseline (mean + user and item biases):   test RMSE "),
        r.out());
    Map<String, Object> s = summary(out);
    assertEquals("mean-bias", s.get("algorithm"));
    assertEquals("explicit", s.get("feedback"));
    assertEquals(3.0, s.get("iterations"));
    assertEquals(s.get("baseline_rmse"), s.get("rmse"));
    assertTrue((Double) s.get("rmse") > 0.5, s.toString());
    assertFalse(s.containsKey("ranking_protocol"));
  }

  @Test
  void baseline_sgdMf_printsBothModelsAndWritesHyperparameters() throws Exception {
    Path out = tmp.resolve("sgd-mf");
    Run r = baseline("--algo", "sgd-mf", "--rank", "4", "--epochs", "3", "--lr", "0.02",
        "--lr-decay", "0.9", "--reg", "0.05", "--bias-reg", "0", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bias baseline (mean + user and item biases):"), r.out());
    assertTrue(r.out().contains("centralized MF (SGD, rank 4, 3 epochs, lr 0.02, decay 0.9,"
        + " reg 0.05, bias reg 0): test RMSE "), r.out());
    Map<String, Object> s = summary(out);
    assertEquals("sgd-mf", s.get("algorithm"));
    assertEquals(4.0, s.get("rank"));
    assertEquals(3.0, s.get("epochs"));
    assertEquals(0.02, s.get("lr"));
    assertEquals(0.9, s.get("lr_decay"));
    assertEquals(0.05, s.get("reg"));
    assertEquals(0.0, s.get("bias_reg"));
    assertTrue((Double) s.get("mae") < (Double) s.get("rmse"));
    assertTrue((Double) s.get("baseline_rmse") > 0.5);
  }

  @Test
  void baseline_sgdMfWithProtocol_addsRankingMetrics() throws Exception {
    Path out = tmp.resolve("sgd-loo");
    Run r = baseline("--algo", "sgd-mf", "--rank", "4", "--epochs", "2", "--protocol", "loo",
        "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> s = summary(out);
    assertEquals("loo", s.get("ranking_protocol"));
    double hr = (Double) s.get("hr@10");
    assertTrue(hr > 0 && hr <= 1, "hr@10 " + hr);
    assertTrue((Double) s.get("rmse") > 0);
  }

  @Test
  void baseline_bpr_writesRankingMetricsAndNullRmse() throws Exception {
    Path out = tmp.resolve("bpr");
    Run r = baseline("--algo", "bpr", "--rank", "4", "--epochs", "2", "--metrics",
        "hr@10,ndcg@10,mrr", "--out", out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("centralized BPR (SGD, rank 4, 2 epochs, lr 0.05, reg 0.01):"
        + " hr@10 "), r.out());
    Map<String, Object> s = summary(out);
    assertEquals("bpr", s.get("algorithm"));
    assertEquals("implicit", s.get("feedback"));
    assertEquals("loo", s.get("ranking_protocol"));
    assertEquals(null, s.get("rmse"));
    assertEquals(null, s.get("baseline_rmse"));
    assertEquals(2.0, s.get("epochs"));
    assertTrue((Double) s.get("mrr") > 0);
  }

  private static String[] baselineArgs(String flags) {
    String[] split = flags.trim().split(" +");
    String[] all = new String[split.length + 1];
    all[0] = "baseline";
    System.arraycopy(split, 0, all, 1, split.length);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --algo sgd-mf --lr 0            | --lr must be > 0 and <= 1. Provided value: 0.0
      --algo bpr --lr-decay 1.5       | --lr-decay must be > 0 and <= 1. Provided value: 1.5
      --algo bpr --epochs 0           | --epochs must be in [1, 10000]. Provided value: 0
      --algo sgd-mf --reg -0.1        | --reg must be >= 0 and finite. Provided value: -0.1
      --algo sgd-mf --bias-reg NaN    | --bias-reg must be >= 0 and finite. Provided value: NaN
      --algo sgd-mf --rank 0          | --rank must be in [1, 512]. Provided value: 0
      --algo mean-bias --iterations 0 | --iterations must be in [1, 1000]. Provided value: 0
      """)
  void baseline_badHyperparameter_exit2NamingFlag(String flags, String expected) {
    assertUsage(CliTest.run(baselineArgs(flags)), expected);
  }

  @ParameterizedTest(name = "{0} with --algo {1}")
  @CsvSource(delimiter = '|', textBlock = """
      --epochs 5      | als       | sgd-mf, bpr
      --rank 8        | mean-bias | sgd-mf, als, wmf, bpr
      --iterations 3  | bpr       | mean-bias, als, wmf
      --bias-reg 1    | wmf       | sgd-mf, bpr
      --lr 0.1        | popularity | sgd-mf, bpr
      --reg 1         | als       | sgd-mf, wmf, bpr
      """)
  void baseline_flagOfOtherAlgorithm_exit2NamingWhereItApplies(
      String flag, String algo, String applies) {
    assertUsage(CliTest.run(baselineArgs(flag + " --algo " + algo)),
        flag.split(" ")[0] + " applies to --algo " + applies + " only. Provided --algo: " + algo);
  }
}
