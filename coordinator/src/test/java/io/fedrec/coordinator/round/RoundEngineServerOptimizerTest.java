package io.fedrec.coordinator.round;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fedrec.coordinator.store.StateStore;
import io.fedrec.coordinator.store.StoredRound;
import io.fedrec.core.aggregate.OptimizerState;
import io.fedrec.core.aggregate.ServerOptimizers;
import io.fedrec.core.aggregate.StatefulServerOptimizer;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The configured server optimizer, and its state across restarts and failed publishes. */
class RoundEngineServerOptimizerTest {
  private static final int ITEMS = 4;
  private static final int RANK = 2;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;
  private static final int ROUNDS = 6;

  @TempDir Path dir;

  private static FederationConfig config(String optimizer, double eta) {
    return FederationConfig.builder()
        .numItems(ITEMS)
        .training(TrainingConfig.defaults(RANK))
        .rounds(ROUNDS)
        .clientsPerRound(1)
        .minClients(1)
        .selectionTimeout(Duration.ofSeconds(10))
        .roundTimeout(Duration.ofSeconds(60))
        .serverLearningRate(eta)
        .serverOptimizer(optimizer)
        .seed(7)
        .build();
  }

  private static RoundEngine engine(FederationConfig config, StateStore store) {
    return RoundEngine.builder(config).store(store).clock(new TestClock())
        .tokenRandom(new Random(1)).build();
  }

  /** A different, sign-changing update per round, so that moments and momentum matter. */
  private static float[] update(long round) {
    Random r = new Random(1000 + round);
    float[] u = new float[PARAMS];
    for (int i = 0; i < PARAMS; i++) {
      u[i] = (float) r.nextGaussian() * 0.1f;
    }
    return u;
  }

  /** Runs the engine's open round with one client submitting {@link #update}. */
  private static void runRound(RoundEngine e) {
    CheckInResponse r = e.checkIn(
        CheckInRequest.newBuilder().setClientId("c").setSdkVersion("test").build());
    assertTrue(r.hasTask(), "expected a task, got " + r);
    Task t = r.getTask();
    e.beginSubmission(UpdateHeader.newBuilder().setClientId("c").setRound(t.getRound())
        .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build())
        .complete(update(t.getRound()));
  }

  private static GlobalModel uninterrupted(FederationConfig config) {
    RoundEngine e = engine(config, StateStore.inMemory());
    for (int i = 0; i < ROUNDS; i++) {
      runRound(e);
    }
    assertEquals(ROUNDS, e.currentModel().version());
    return e.currentModel();
  }

  @Test
  void build_noOptimizerGiven_usesConfiguredOptimizer() {
    StateStore store = StateStore.inMemory();
    RoundEngine e = engine(config("fedyogi", 0.01), store);
    runRound(e);
    assertEquals("fedyogi", store.history().get(0).optimizer());
    OptimizerState state = store.loadLatest().orElseThrow().optimizerState().orElseThrow();
    assertEquals("fedyogi", state.name());
    assertEquals(1, state.step());
  }

  @Test
  void publish_statelessFedAvg_storesNoState() {
    StateStore store = StateStore.inMemory();
    runRound(engine(config("fedavg", 1.0), store));
    StoredRound latest = store.loadLatest().orElseThrow();
    assertEquals("fedavg", latest.record().optimizer());
    assertEquals(Optional.empty(), latest.optimizerState());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadagrad", "fedadam", "fedyogi"})
  void build_restartOnInMemoryStore_continuesBitIdentically(String optimizer) {
    FederationConfig config = config(optimizer, 0.05);
    StateStore store = StateStore.inMemory();
    RoundEngine first = engine(config, store);
    for (int i = 0; i < 3; i++) {
      runRound(first);
    }
    RoundEngine second = engine(config, store);
    assertEquals(4, second.status().round());
    for (int i = 3; i < ROUNDS; i++) {
      runRound(second);
    }
    GlobalModel expected = uninterrupted(config);
    assertEquals(expected, second.currentModel());
    assertArrayEquals(expected.parameters(), second.currentModel().parameters());
    assertEquals(ROUNDS,
        store.loadLatest().orElseThrow().optimizerState().orElseThrow().step());
  }

  @ParameterizedTest
  @ValueSource(strings = {"fedavgm", "fedadam", "fedyogi"})
  void build_restartOnDirectoryStore_continuesBitIdentically(String optimizer) {
    FederationConfig config = config(optimizer, 0.05);
    try (StateStore store = StateStore.directory(dir)) {
      RoundEngine first = engine(config, store);
      for (int i = 0; i < 2; i++) {
        runRound(first);
      }
    }
    GlobalModel resumed;
    try (StateStore store = StateStore.directory(dir)) {
      RoundEngine second = engine(config, store);
      assertEquals(3, second.status().round());
      for (int i = 2; i < ROUNDS; i++) {
        runRound(second);
      }
      resumed = second.currentModel();
    }
    GlobalModel expected = uninterrupted(config);
    assertArrayEquals(expected.parameters(), resumed.parameters());
    assertEquals(expected, resumed);
  }

  @Test
  void build_restartWithFreshMoments_wouldDiverge() {
    // Guards the bit-identity tests above: dropping the state does change the trajectory.
    FederationConfig config = config("fedadam", 0.05);
    StateStore store = StateStore.inMemory();
    RoundEngine first = engine(config, store);
    for (int i = 0; i < 3; i++) {
      runRound(first);
    }
    StateStore reset = new ForwardingStore(store) {
      @Override
      public Optional<StoredRound> loadLatest() {
        StoredRound latest = super.loadLatest().orElseThrow();
        return Optional.of(new StoredRound(latest.model(), latest.record(),
            Optional.of(new OptimizerState("fedadam", 0, Map.of()))));
      }
    };
    RoundEngine second = engine(config, reset);
    for (int i = 3; i < ROUNDS; i++) {
      runRound(second);
    }
    assertNotEquals(uninterrupted(config), second.currentModel());
  }

  @Test
  void build_storedStateOfOtherOptimizer_refusedNamingBoth() {
    StateStore store = StateStore.inMemory();
    runRound(engine(config("fedadam", 0.01), store));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> engine(config("fedyogi", 0.01), store));
    assertEquals("the state store's round 1 holds the state of server optimizer 'fedadam' but"
        + " the configuration says server_optimizer 'fedyogi'; resume with server_optimizer"
        + " fedadam or use a new state directory", e.getMessage());
  }

  @Test
  void build_storedStateButStatelessOptimizer_refused() {
    StateStore store = StateStore.inMemory();
    runRound(engine(config("fedadam", 0.01), store));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> engine(config("fedavg", 1.0), store));
    assertTrue(e.getMessage().contains("server optimizer 'fedadam'"), e.getMessage());
    assertTrue(e.getMessage().contains("server_optimizer 'fedavg'"), e.getMessage());
  }

  @Test
  void build_statefulOptimizerOnStoreWithoutState_refused() {
    StateStore store = StateStore.inMemory();
    runRound(engine(config("fedavg", 1.0), store));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> engine(config("fedadam", 0.01), store));
    assertEquals("the state store's round 1 (server optimizer 'fedavg') holds no server"
        + " optimizer state, so server_optimizer 'fedadam' cannot resume it; resume with the"
        + " optimizer that produced it or use a new state directory", e.getMessage());
  }

  @Test
  void close_publishFails_optimizerStateUnchangedAndRoundRetried() {
    FailingStore store = new FailingStore();
    FederationConfig config = config("fedadam", 0.05);
    StatefulServerOptimizer optimizer = (StatefulServerOptimizer) config.newServerOptimizer();
    RoundEngine e = RoundEngine.builder(config).store(store).clock(new TestClock())
        .tokenRandom(new Random(1)).optimizer(optimizer).build();
    List<String> abandoned = new ArrayList<>();
    e.addListener(new RoundListener() {
      @Override
      public void onRoundPublished(RoundRecord record, GlobalModel model) {}

      @Override
      public void onRoundAbandoned(long round, String reason) {
        abandoned.add(round + ": " + reason);
      }
    });
    runRound(e);
    OptimizerState afterRoundOne = optimizer.state();
    store.failNext = true;
    runRound(e);
    assertEquals(List.of("2: state store failed: disk full"), abandoned);
    assertEquals(afterRoundOne, optimizer.state());
    assertEquals(1, e.currentModel().version());
    assertEquals(2, e.status().round());
    for (int i = 1; i < ROUNDS; i++) {
      runRound(e);
    }
    assertArrayEquals(uninterrupted(config).parameters(), e.currentModel().parameters());
  }

  /** Delegates every call to another store. */
  private static class ForwardingStore implements StateStore {
    private final StateStore inner;

    ForwardingStore(StateStore inner) {
      this.inner = inner;
    }

    @Override
    public Optional<StoredRound> loadLatest() {
      return inner.loadLatest();
    }

    @Override
    public void publish(GlobalModel model, RoundRecord record, OptimizerState state) {
      inner.publish(model, record, state);
    }

    @Override
    public List<RoundRecord> history() {
      return inner.history();
    }
  }

  /** An in-memory store whose next publish can be made to fail. */
  private static final class FailingStore extends ForwardingStore {
    boolean failNext;

    FailingStore() {
      super(StateStore.inMemory());
    }

    @Override
    public void publish(GlobalModel model, RoundRecord record, OptimizerState state) {
      if (failNext) {
        failNext = false;
        throw new UncheckedIOException("disk full", new IOException("disk full"));
      }
      super.publish(model, record, state);
    }
  }

  @Test
  void serverOptimizers_namesAllAccepted() {
    for (String name : ServerOptimizers.NAMES) {
      assertEquals(name, config(name, 0.01).newServerOptimizer().name());
    }
  }
}
