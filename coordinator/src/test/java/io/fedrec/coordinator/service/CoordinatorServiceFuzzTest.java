package io.fedrec.coordinator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.fedrec.coordinator.round.EngineStatus;
import io.fedrec.coordinator.round.FederationConfig;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.coordinator.round.TestClock;
import io.fedrec.core.codec.FloatCodec;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.ClientCapabilities;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.FloatPayload;
import io.fedrec.proto.v1.ModelChunk;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile-input campaign over every RPC of {@link CoordinatorService} (issue 8, "Hostile input").
 * A seeded, structured generator starts from valid requests of real clients (real tokens and
 * rounds) and applies 1 to 3 random mutations: boundary values, random and control characters,
 * other clients' tokens and ids, random or non-finite payloads, reordered, duplicated, dropped and
 * oversized chunks, misplaced headers, truncated and cancelled streams. Every call carries a
 * deadline. Properties: a call either succeeds or fails with one of {@link #ALLOWED} and a
 * non-empty description (never INTERNAL, UNKNOWN or DEADLINE_EXCEEDED); the engine status stays
 * consistent after every call; after the campaign an honest client still completes a round.
 *
 * <p>Iterations per RPC: system property {@code fedrec.fuzz.iterations} (default {@value
 * #DEFAULT_ITERATIONS}); seed: {@code fedrec.fuzz.seed} (default {@value #DEFAULT_SEED}). A
 * failure message names the seed, the iteration and the mutations, which reproduce the case.
 */
class CoordinatorServiceFuzzTest {
  static final int DEFAULT_ITERATIONS = 2000;
  static final long DEFAULT_SEED = 20261124L;
  private static final int ITEMS = 400;
  private static final int RANK = 4;
  private static final int PARAMS = ITEMS * (RANK + 1) + 1;
  private static final int CHUNK_BYTES = 4096;
  private static final int COHORT = 4;
  private static final Duration SELECTION_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);
  private static final long CALL_DEADLINE_MILLIS = 5_000;
  private static final Set<Status.Code> ALLOWED = EnumSet.of(
      Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND,
      Status.Code.RESOURCE_EXHAUSTED, Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);
  private static final String[] HONEST = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

  private final int iterations = Integer.getInteger("fedrec.fuzz.iterations", DEFAULT_ITERATIONS);
  private final long seed = Long.getLong("fedrec.fuzz.seed", DEFAULT_SEED);
  private TestClock clock;
  private RoundEngine engine;
  private CoordinatorServer server;
  private ManagedChannel channel;
  private CoordinatorGrpc.CoordinatorBlockingStub blocking;
  private CoordinatorGrpc.CoordinatorStub async;
  private Random rnd;
  /** The last task each honest client received, the base of its valid requests. */
  private final Map<String, Task> tasks = new HashMap<>();
  private final Map<Status.Code, Integer> outcomes = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    clock = new TestClock();
    engine = RoundEngine.builder(FederationConfig.builder()
            .numItems(ITEMS).training(TrainingConfig.defaults(RANK))
            .rounds(FederationConfig.MAX_ROUNDS).clientsPerRound(COHORT).minClients(1)
            .selectionTimeout(SELECTION_TIMEOUT).roundTimeout(ROUND_TIMEOUT)
            .maxChunkBytes(CHUNK_BYTES).serverLearningRate(1).build())
        .clock(clock).tokenRandom(new Random(seed)).build();
    String name = InProcessServerBuilder.generateName();
    server = new CoordinatorServer(InProcessServerBuilder.forName(name).directExecutor(), engine)
        .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    blocking = CoordinatorGrpc.newBlockingStub(channel);
    async = CoordinatorGrpc.newStub(channel);
    rnd = new Random(seed);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop();
  }

  // ---------------------------------------------------------------------------------------------
  // Campaigns, one per RPC, each followed by an honest round.

  @Test
  void checkIn_mutatedRequests_onlyAllowedStatusesAndHonestRoundCompletes() throws Exception {
    campaign("CheckIn", this::fuzzCheckIn);
  }

  @Test
  void downloadModel_mutatedRequests_onlyAllowedStatusesAndHonestRoundCompletes()
      throws Exception {
    campaign("DownloadModel", this::fuzzDownload);
  }

  @Test
  void submitUpdate_mutatedStreams_onlyAllowedStatusesAndHonestRoundCompletes() throws Exception {
    campaign("SubmitUpdate", this::fuzzSubmit);
  }

  @Test
  void reportFailure_mutatedRequests_onlyAllowedStatusesAndHonestRoundCompletes()
      throws Exception {
    campaign("ReportFailure", this::fuzzReportFailure);
  }

  @Test
  void allRpcs_interleavedMutations_onlyAllowedStatusesAndHonestRoundCompletes() throws Exception {
    campaign("mixed", (i, trace) -> {
      switch (rnd.nextInt(4)) {
        case 0 -> fuzzCheckIn(i, trace);
        case 1 -> fuzzDownload(i, trace);
        case 2 -> fuzzSubmit(i, trace);
        default -> fuzzReportFailure(i, trace);
      }
    });
  }

  private interface Case {
    void run(int iteration, List<String> trace) throws Exception;
  }

  private void campaign(String rpc, Case c) throws Exception {
    long publishedBefore = engine.status().publishedRounds();
    for (int i = 0; i < iterations; i++) {
      List<String> trace = new ArrayList<>();
      try {
        // time moves by up to a tenth of the round timeout, so rounds open, close on their
        // deadline and are abandoned or published in the middle of the campaign
        clock.advance(Duration.ofMillis(rnd.nextInt((int) ROUND_TIMEOUT.toMillis() / 10)));
        c.run(i, trace);
        assertConsistent(engine.status());
      } catch (AssertionError e) {
        throw new AssertionError(rpc + " seed=" + seed + " iteration=" + i + " mutations="
            + trace + ": " + e.getMessage(), e);
      }
    }
    assertTrue(engine.status().publishedRounds() >= publishedBefore);
    honestRoundCompletes();
    assertFalse(outcomes.containsKey(Status.Code.INTERNAL), "outcomes: " + outcomes);
  }

  private void assertConsistent(EngineStatus s) {
    assertTrue(s.submitted() <= s.finished() && s.finished() <= s.selected()
        && s.selected() <= COHORT, "inconsistent status " + s);
    if (s.phase() != EngineStatus.Phase.FINISHED) {
      assertEquals(s.publishedRounds() + 1, s.round(), "open round vs published: " + s);
    }
    assertEquals(s.publishedRounds(), engine.currentModel().version(), "status vs model: " + s);
  }

  /** Closes whatever round the campaign left open, then runs one honest client through a round. */
  private void honestRoundCompletes() throws Exception {
    clock.advance(ROUND_TIMEOUT);
    engine.tick();
    EngineStatus fresh = engine.status();
    assertEquals(EngineStatus.Phase.SELECTION, fresh.phase());
    assertEquals(0, fresh.selected());
    String id = "honest-after-campaign";
    Task t = blocking.withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
        .checkIn(CheckInRequest.newBuilder().setClientId(id).build()).getTask();
    assertEquals(fresh.round(), t.getRound());
    Iterator<ModelChunk> it = blocking.withDeadlineAfter(CALL_DEADLINE_MILLIS,
        TimeUnit.MILLISECONDS).downloadModel(DownloadModelRequest.newBuilder().setClientId(id)
            .setRound(t.getRound()).setTaskToken(t.getTaskToken()).build());
    float[] model = new float[PARAMS];
    while (it.hasNext()) {
      ModelChunk c = it.next();
      FloatCodec.decodeInto(c.getValues(), model, (int) c.getOffset());
    }
    assertEquals(engine.currentModel().mu(), model[PARAMS - 1]);
    float[] update = new float[PARAMS];
    java.util.Arrays.fill(update, 0.01f);
    Outcome<SubmitUpdateResponse> r = submit(validChunks(header(id, t), update, CHUNK_BYTES / 4),
        false);
    assertEquals(null, r.status, "honest submission: " + r.status);
    assertTrue(r.value.getAccepted());
    clock.advance(SELECTION_TIMEOUT);
    engine.tick();
    EngineStatus after = engine.status();
    assertEquals(fresh.round(), after.publishedRounds(), "honest round not published: " + after);
    assertEquals(fresh.round() + 1, after.round());
    assertEquals(EngineStatus.Phase.SELECTION, after.phase());
    assertEquals(0, after.selected());
  }

  // ---------------------------------------------------------------------------------------------
  // Per-RPC generators

  private void fuzzCheckIn(int i, List<String> trace) {
    CheckInRequest.Builder b = CheckInRequest.newBuilder().setClientId(honestId())
        .setSdkVersion("fedrec-java/0.1.0");
    for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
      switch (rnd.nextInt(4)) {
        case 0 -> b.setClientId(clientId(trace));
        case 1 -> b.setSdkVersion(string(trace));
        case 2 -> b.setCapabilities(ClientCapabilities.newBuilder()
            .setMaxModelParameters(longValue(trace)).setMultiUser(rnd.nextBoolean()));
        default -> {
          trace.add("unknown fields");
          b.setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
              .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                  .addLengthDelimited(bytes(trace)).build()).build());
        }
      }
    }
    Outcome<CheckInResponse> o = unary(() -> blocking
        .withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS).checkIn(b.build()));
    if (o.value != null && o.value.hasTask()) {
      tasks.put(b.getClientId(), o.value.getTask());
    }
  }

  private void fuzzDownload(int i, List<String> trace) {
    String id = honestId();
    Task t = freshTask(id);
    DownloadModelRequest.Builder b = DownloadModelRequest.newBuilder().setClientId(id);
    if (t != null) {
      b.setRound(t.getRound()).setTaskToken(t.getTaskToken());
    }
    for (int m = rnd.nextInt(4); m > 0; m--) {
      switch (rnd.nextInt(3)) {
        case 0 -> b.setClientId(clientId(trace));
        case 1 -> b.setRound(round(trace, t));
        default -> b.setTaskToken(token(trace, id));
      }
    }
    unary(() -> {
      Iterator<ModelChunk> it = blocking
          .withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS).downloadModel(b.build());
      long expected = 0;
      boolean last = false;
      while (it.hasNext()) {
        ModelChunk c = it.next();
        assertEquals(expected, c.getOffset(), "download chunk offset");
        assertTrue(c.getValues().getLeFloat32().size() <= CHUNK_BYTES, "download chunk size");
        expected += c.getValues().getLeFloat32().size() / 4;
        last = c.getLast();
      }
      assertTrue(last && expected == PARAMS, "download delivered " + expected + " values");
      return Boolean.TRUE;
    });
  }

  private void fuzzReportFailure(int i, List<String> trace) {
    String id = honestId();
    Task t = freshTask(id);
    ReportFailureRequest.Builder b = ReportFailureRequest.newBuilder().setClientId(id)
        .setReason("training_error").setDetail("fuzz");
    if (t != null) {
      b.setRound(t.getRound()).setTaskToken(t.getTaskToken());
    }
    // most cases are malformed: a valid report takes the client out of its round
    for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
      switch (rnd.nextInt(5)) {
        case 0 -> b.setClientId(clientId(trace));
        case 1 -> b.setRound(round(trace, t));
        case 2 -> b.setTaskToken(token(trace, id));
        case 3 -> b.setReason(string(trace));
        default -> b.setDetail(string(trace));
      }
    }
    unary(() -> blocking.withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
        .reportFailure(b.build()));
  }

  private void fuzzSubmit(int i, List<String> trace) throws Exception {
    String id = honestId();
    Task t = freshTask(id);
    UpdateHeader.Builder h = UpdateHeader.newBuilder().setClientId(id).setWeight(1)
        .setNumParameters(PARAMS);
    if (t != null) {
      h.setRound(t.getRound()).setTaskToken(t.getTaskToken());
    }
    int headerMutations = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0;
    for (int m = headerMutations; m > 0; m--) {
      switch (rnd.nextInt(6)) {
        case 0 -> h.setClientId(clientId(trace));
        case 1 -> h.setRound(round(trace, t));
        case 2 -> h.setTaskToken(token(trace, id));
        case 3 -> h.setWeight(longValue(trace));
        case 4 -> h.setNumParameters(rnd.nextBoolean() ? PARAMS + rnd.nextInt(3) - 1
            : longValue(trace));
        default -> h.setClientId(HONEST[rnd.nextInt(HONEST.length)]);
      }
    }
    float[] update = new float[PARAMS];
    for (int x = 0; x < PARAMS; x++) {
      update[x] = (float) (rnd.nextGaussian() * 0.01);
    }
    int perChunk = 1 + rnd.nextInt(CHUNK_BYTES / 4);
    List<UpdateChunk> chunks = new ArrayList<>(validChunks(h.build(), update, perChunk));
    boolean cancel = false;
    for (int m = headerMutations == 0 ? 1 + rnd.nextInt(3) : rnd.nextInt(2); m > 0; m--) {
      if (chunks.isEmpty()) {
        trace.add("an empty message");
        chunks.add(UpdateChunk.getDefaultInstance());
      }
      int at = 1 + rnd.nextInt(Math.max(1, chunks.size() - 1));
      switch (rnd.nextInt(11)) {
        case 0 -> {
          trace.add("drop chunk " + at);
          chunks.remove(Math.min(at, chunks.size() - 1));
        }
        case 1 -> {
          trace.add("duplicate chunk " + at);
          chunks.add(Math.min(at, chunks.size()), chunks.get(Math.min(at, chunks.size() - 1)));
        }
        case 2 -> {
          int other = rnd.nextInt(chunks.size());
          trace.add("swap chunks " + at + "," + other);
          Collections.swap(chunks, Math.min(at, chunks.size() - 1), other);
        }
        case 3 -> {
          int keep = rnd.nextInt(chunks.size() + 1);
          trace.add("truncate to " + keep + " messages");
          chunks.subList(keep, chunks.size()).clear();
        }
        case 4 -> {
          trace.add("header again at " + at);
          chunks.add(Math.min(at, chunks.size()), UpdateChunk.newBuilder().setHeader(h).build());
        }
        case 5 -> {
          trace.add("header with values");
          if (!chunks.isEmpty()) {
            chunks.set(0, chunks.get(0).toBuilder().setValues(payload(trace, 2)).build());
          }
        }
        case 6 -> {
          if (chunks.size() > 1) {
            int idx = Math.min(at, chunks.size() - 1);
            chunks.set(idx, chunks.get(idx).toBuilder().setOffset(longValue(trace)).build());
          }
        }
        case 7 -> {
          if (chunks.size() > 1) {
            int idx = Math.min(at, chunks.size() - 1);
            chunks.set(idx, chunks.get(idx).toBuilder().setValues(payload(trace, perChunk))
                .build());
          }
        }
        case 8 -> {
          trace.add("replay a whole valid upload");
          chunks = new ArrayList<>(validChunks(h.build(), update, perChunk));
          chunks.addAll(validChunks(h.build(), update, perChunk));
        }
        case 9 -> {
          trace.add("cancel the stream");
          cancel = true;
        }
        default -> {
          trace.add("stream of random messages");
          chunks.clear();
          for (int k = rnd.nextInt(4); k >= 0; k--) {
            chunks.add(UpdateChunk.newBuilder().setOffset(longValue(trace))
                .setValues(payload(trace, perChunk)).build());
          }
        }
      }
    }
    Outcome<SubmitUpdateResponse> o = submit(chunks, cancel);
    if (o.status == null && !cancel) {
      assertTrue(o.value.getAccepted(), "a response without an error must be an acceptance");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Field generators; each records what it chose in the trace.

  private String honestId() {
    return HONEST[rnd.nextInt(HONEST.length)];
  }

  /** The client's task if it still holds one (checks it in when it holds none). */
  private Task freshTask(String id) {
    try {
      CheckInResponse r = blocking.withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
          .checkIn(CheckInRequest.newBuilder().setClientId(id).build());
      if (r.hasTask()) {
        tasks.put(id, r.getTask());
        return r.getTask();
      }
    } catch (StatusRuntimeException e) {
      fail("an honest check-in failed: " + e.getStatus());
    }
    return tasks.get(id);
  }

  private String clientId(List<String> trace) {
    String s = switch (rnd.nextInt(7)) {
      case 0 -> "";
      case 1 -> "x".repeat(129);
      case 2 -> "y".repeat(128);
      case 3 -> HONEST[rnd.nextInt(HONEST.length)];
      case 4 -> "c0\u0000";
      case 5 -> "fuzz-" + rnd.nextInt(1000);
      default -> string(trace);
    };
    trace.add("client_id=" + printable(s));
    return s;
  }

  private long round(List<String> trace, Task t) {
    long base = t == null ? 1 : t.getRound();
    long r = switch (rnd.nextInt(4)) {
      case 0 -> base - 1;
      case 1 -> base + 1;
      default -> longValue(trace);
    };
    trace.add("round=" + r);
    return r;
  }

  private ByteString token(List<String> trace, String owner) {
    switch (rnd.nextInt(5)) {
      case 0 -> {
        trace.add("token=empty");
        return ByteString.EMPTY;
      }
      case 1 -> {
        String other = HONEST[rnd.nextInt(HONEST.length)];
        Task o = tasks.get(other);
        trace.add("token of " + other + " used by " + owner);
        return o == null ? ByteString.EMPTY : o.getTaskToken();
      }
      case 2 -> {
        trace.add("token=64 KiB");
        byte[] b = new byte[64 * 1024];
        rnd.nextBytes(b);
        return ByteString.copyFrom(b);
      }
      case 3 -> {
        Task o = tasks.get(owner);
        trace.add("token with one flipped bit");
        if (o == null || o.getTaskToken().isEmpty()) {
          return ByteString.EMPTY;
        }
        byte[] b = o.getTaskToken().toByteArray();
        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        return ByteString.copyFrom(b);
      }
      default -> {
        trace.add("token=random bytes");
        return bytes(trace);
      }
    }
  }

  private long longValue(List<String> trace) {
    long[] boundaries = {0, -1, 1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE, RoundEngine.MAX_WEIGHT,
        RoundEngine.MAX_WEIGHT + 1, PARAMS, PARAMS - 1, PARAMS + 1, CHUNK_BYTES / 4};
    long v = rnd.nextInt(4) == 0 ? rnd.nextLong() : boundaries[rnd.nextInt(boundaries.length)];
    trace.add("long=" + v);
    return v;
  }

  private String string(List<String> trace) {
    String s = switch (rnd.nextInt(7)) {
      case 0 -> "";
      case 1 -> "a".repeat(1 + rnd.nextInt(70_000));
      case 2 -> "\u0000\u0007\r\n\t\u001b[31m";
      case 3 -> "\uD83D\uDE00\u00fc\u202e\uFEFF";
      case 4 -> "no_data";
      case 5 -> "z".repeat(64) + "_";
      default -> {
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(200); k > 0; k--) {
          int cp = rnd.nextInt(4) == 0 ? rnd.nextInt(0x20) : rnd.nextInt(0x10FFFF);
          if (Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF)) {
            sb.appendCodePoint(cp);
          }
        }
        yield sb.toString();
      }
    };
    trace.add("string(" + s.length() + ")=" + printable(s));
    return s;
  }

  private ByteString bytes(List<String> trace) {
    byte[] b = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300)];
    rnd.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  /** A payload slice: random bytes, an odd length, non-finite or huge floats, or oversized. */
  private FloatPayload payload(List<String> trace, int floats) {
    int n = Math.max(1, floats);
    switch (rnd.nextInt(5)) {
      case 0 -> {
        int len = rnd.nextInt(4 * n + 8);
        trace.add("payload=" + len + " random bytes");
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        return FloatPayload.newBuilder().setLeFloat32(ByteString.copyFrom(b)).build();
      }
      case 1 -> {
        int len = CHUNK_BYTES + 4 * (1 + rnd.nextInt(16 * 1024));
        trace.add("payload oversized " + len + " bytes");
        return FloatPayload.newBuilder().setLeFloat32(ByteString.copyFrom(new byte[len])).build();
      }
      default -> {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1 << 20, (1 << 20) + 1f, -0f,
            Float.intBitsToFloat(0x7fc00001)};
        float v = special[rnd.nextInt(special.length)];
        trace.add("payload with " + v);
        ByteBuffer buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < n; k++) {
          buf.putFloat(rnd.nextInt(8) == 0 ? v : 0.01f);
        }
        buf.putFloat(4 * rnd.nextInt(n), v);
        return FloatPayload.newBuilder().setLeFloat32(ByteString.copyFrom(buf.array())).build();
      }
    }
  }

  private static String printable(String s) {
    String shown = s.length() > 24 ? s.substring(0, 24) + "..." : s;
    return '"' + shown.replaceAll("[^\\x20-\\x7e]", "?") + '"';
  }

  private static UpdateHeader header(String id, Task t) {
    return UpdateHeader.newBuilder().setClientId(id).setRound(t.getRound())
        .setTaskToken(t.getTaskToken()).setWeight(1).setNumParameters(PARAMS).build();
  }

  private static List<UpdateChunk> validChunks(UpdateHeader h, float[] u, int floatsPerChunk) {
    List<UpdateChunk> out = new ArrayList<>();
    out.add(UpdateChunk.newBuilder().setHeader(h).build());
    for (int off = 0; off < u.length; off += floatsPerChunk) {
      int len = Math.min(floatsPerChunk, u.length - off);
      out.add(UpdateChunk.newBuilder().setOffset(off).setValues(FloatCodec.encode(u, off, len))
          .build());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls and the status property

  /** A call's result: a value, or the status it failed with. */
  private record Outcome<T>(T value, Status status) {}

  private interface Call<T> {
    T call();
  }

  private <T> Outcome<T> unary(Call<T> call) {
    try {
      return new Outcome<>(call.call(), null);
    } catch (StatusRuntimeException e) {
      check(e.getStatus());
      return new Outcome<>(null, e.getStatus());
    }
  }

  private Outcome<SubmitUpdateResponse> submit(List<UpdateChunk> messages, boolean cancel)
      throws InterruptedException {
    CompletableFuture<SubmitUpdateResponse> result = new CompletableFuture<>();
    StreamObserver<UpdateChunk> requests = async
        .withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
        .submitUpdate(new StreamObserver<>() {
          @Override
          public void onNext(SubmitUpdateResponse value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            result.complete(null);
          }
        });
    for (UpdateChunk c : messages) {
      requests.onNext(c);
    }
    if (cancel) {
      requests.onError(Status.CANCELLED.withDescription("fuzz: client gives up")
          .asRuntimeException());
    } else {
      requests.onCompleted();
    }
    try {
      SubmitUpdateResponse r = result.get(2 * CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
      assertTrue(r != null || cancel, "the stream completed without a response");
      return new Outcome<>(r, null);
    } catch (TimeoutException e) {
      throw new AssertionError("SubmitUpdate did not finish within its deadline", e);
    } catch (ExecutionException e) {
      Status s = Status.fromThrowable(e.getCause());
      if (cancel && s.getCode() == Status.Code.CANCELLED) {
        return new Outcome<>(null, s);
      }
      check(s);
      return new Outcome<>(null, s);
    }
  }

  private void check(Status s) {
    outcomes.merge(s.getCode(), 1, Integer::sum);
    assertTrue(ALLOWED.contains(s.getCode()),
        "status must be one of " + ALLOWED + ". Provided: " + s.getCode() + " "
            + s.getDescription() + (s.getCause() == null ? "" : " cause " + s.getCause()));
    assertTrue(s.getDescription() != null && !s.getDescription().isBlank(),
        "status " + s.getCode() + " must carry a description");
  }
}
