package io.fedrec.client;

import com.google.protobuf.ByteString;
import io.fedrec.core.codec.FloatCodec;
import io.fedrec.core.codec.TrainingConfigs;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.TrainingConfig;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.Finished;
import io.fedrec.proto.v1.ModelChunk;
import io.fedrec.proto.v1.ModelInfo;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.ReportFailureResponse;
import io.fedrec.proto.v1.RetryAfter;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.Task;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted coordinator for tests: answers check-ins from a queue, streams a configurable model
 * (optionally corrupted), records uploads and failure reports, and answers uploads from a queue.
 * Thread-safe enough for in-process tests (concurrent collections, volatile settings).
 */
public final class FakeCoordinator extends CoordinatorGrpc.CoordinatorImplBase {

  /** Ways to corrupt the model stream. */
  public enum DownloadFault { NONE, GAP, SHORT_LAST, NO_LAST, AFTER_LAST, UNAVAILABLE }

  /** One recorded upload: the raw chunks, the header and the reassembled vector. */
  public record Upload(List<UpdateChunk> chunks, UpdateHeader header, float[] values) {}

  /** CheckInResponse or StatusRuntimeException, in order; when empty: RetryAfter 1 s. */
  public final Deque<Object> checkIns = new ConcurrentLinkedDeque<>();
  /** StatusRuntimeException to fail an upload with; when empty (or null entry): accept. */
  public final Deque<Object> submitOutcomes = new ConcurrentLinkedDeque<>();
  public final List<Upload> uploads = Collections.synchronizedList(new ArrayList<>());
  public final List<CheckInRequest> checkInRequests = Collections.synchronizedList(new ArrayList<>());
  public final List<DownloadModelRequest> downloads =
      Collections.synchronizedList(new ArrayList<>());
  public final List<ReportFailureRequest> failures =
      Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger submitCalls = new AtomicInteger();
  public final CountDownLatch submitCancelled = new CountDownLatch(1);

  public volatile GlobalModel model;
  public volatile int downloadChunkFloats = 7;
  public volatile DownloadFault downloadFault = DownloadFault.NONE;
  public volatile boolean submitNeverResponds;
  public volatile boolean checkInNeverResponds;

  // ---- scripting helpers ----

  public FakeCoordinator thenTask(Task task) {
    checkIns.add(CheckInResponse.newBuilder().setTask(task).build());
    return this;
  }

  public FakeCoordinator thenRetry(long delayMillis, String reason) {
    checkIns.add(CheckInResponse.newBuilder()
        .setRetry(RetryAfter.newBuilder().setDelayMillis(delayMillis).setReason(reason))
        .build());
    return this;
  }

  public FakeCoordinator thenFinished(long lastRound) {
    checkIns.add(CheckInResponse.newBuilder()
        .setFinished(Finished.newBuilder().setLastRound(lastRound).setReason("done"))
        .build());
    return this;
  }

  public FakeCoordinator thenCheckInError(Status status) {
    checkIns.add(status.asRuntimeException());
    return this;
  }

  /** The ModelInfo describing {@code model}. */
  public static ModelInfo info(GlobalModel model) {
    return ModelInfo.newBuilder()
        .setVersion(model.version())
        .setNumItems(model.numItems())
        .setRank(model.rank())
        .setNumParameters(model.shape().numParameters())
        .setSha256(ByteString.copyFrom(model.sha256()))
        .build();
  }

  /** A task for {@code round} on {@code model}. */
  public static Task task(long round, GlobalModel model, TrainingConfig config, int maxChunkBytes) {
    return Task.newBuilder()
        .setRound(round)
        .setTaskToken(ByteString.copyFromUtf8("token-" + round))
        .setModel(info(model))
        .setTraining(TrainingConfigs.toProto(config))
        .setTimeBudgetMillis(600_000)
        .setMaxChunkBytes(maxChunkBytes)
        .build();
  }

  // ---- service ----

  @Override
  public void checkIn(CheckInRequest request, StreamObserver<CheckInResponse> out) {
    checkInRequests.add(request);
    if (checkInNeverResponds) {
      return;
    }
    Object next = checkIns.poll();
    if (next == null) {
      next = CheckInResponse.newBuilder()
          .setRetry(RetryAfter.newBuilder().setDelayMillis(1000).setReason("no_round_open"))
          .build();
    }
    if (next instanceof StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    out.onNext((CheckInResponse) next);
    out.onCompleted();
  }

  @Override
  public void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> out) {
    downloads.add(request);
    if (downloadFault == DownloadFault.UNAVAILABLE) {
      out.onError(Status.UNAVAILABLE.withDescription("shutting down").asRuntimeException());
      return;
    }
    float[] p = model.parameters();
    int step = downloadChunkFloats;
    int chunkIndex = 0;
    for (int off = 0; off < p.length; off += step, chunkIndex++) {
      int n = Math.min(step, p.length - off);
      boolean last = off + n >= p.length;
      long sentOffset = off;
      if (downloadFault == DownloadFault.GAP && chunkIndex == 1) {
        sentOffset = off + 1;
      }
      if (downloadFault == DownloadFault.SHORT_LAST && chunkIndex == 1) {
        out.onNext(chunk(sentOffset, p, off, n, true));
        out.onCompleted();
        return;
      }
      boolean flagLast = last && downloadFault != DownloadFault.NO_LAST;
      out.onNext(chunk(sentOffset, p, off, n, flagLast));
    }
    if (downloadFault == DownloadFault.AFTER_LAST) {
      out.onNext(chunk(p.length, p, 0, 1, true));
    }
    out.onCompleted();
  }

  private static ModelChunk chunk(long offset, float[] p, int from, int n, boolean last) {
    return ModelChunk.newBuilder()
        .setOffset(offset)
        .setValues(FloatCodec.encode(p, from, n))
        .setLast(last)
        .build();
  }

  @Override
  public StreamObserver<UpdateChunk> submitUpdate(StreamObserver<SubmitUpdateResponse> out) {
    submitCalls.incrementAndGet();
    ((ServerCallStreamObserver<SubmitUpdateResponse>) out)
        .setOnCancelHandler(submitCancelled::countDown);
    List<UpdateChunk> chunks = new ArrayList<>();
    return new StreamObserver<>() {
      @Override
      public void onNext(UpdateChunk chunk) {
        chunks.add(chunk);
      }

      @Override
      public void onError(Throwable t) {
        submitCancelled.countDown();
      }

      @Override
      public void onCompleted() {
        if (submitNeverResponds) {
          return;
        }
        UpdateHeader header = chunks.isEmpty() ? null : chunks.get(0).getHeader();
        float[] values = new float[header == null ? 0 : (int) header.getNumParameters()];
        for (int i = 1; i < chunks.size(); i++) {
          FloatCodec.decodeInto(chunks.get(i).getValues(), values, (int) chunks.get(i).getOffset());
        }
        Object outcome = submitOutcomes.poll();
        if (outcome instanceof StatusRuntimeException e) {
          out.onError(e);
          return;
        }
        uploads.add(new Upload(List.copyOf(chunks), header, values));
        out.onNext(SubmitUpdateResponse.newBuilder()
            .setRound(header == null ? 0 : header.getRound())
            .setAccepted(true)
            .build());
        out.onCompleted();
      }
    };
  }

  @Override
  public void reportFailure(ReportFailureRequest request, StreamObserver<ReportFailureResponse> out) {
    failures.add(request);
    out.onNext(ReportFailureResponse.getDefaultInstance());
    out.onCompleted();
  }
}
