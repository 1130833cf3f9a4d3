package io.fedrec.simulator.sim;

import io.fedrec.client.CoordinatorTransport;
import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.core.aggregate.SparseContribution;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.core.model.ModelShape;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ModelInfo;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.ReportFailureResponse;
import io.fedrec.proto.v1.SecAggRequest;
import io.fedrec.proto.v1.SecAggResponse;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Status;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link CoordinatorTransport} that calls a {@link RoundEngine} in the same JVM: the simulator's
 * fast path. The engine validates every message and throws the same {@code StatusRuntimeException}s
 * as the gRPC service, so protocol behaviour is the same as over the wire; only serialisation,
 * chunking and deadlines are skipped (timeouts are ignored: the calls do not block on I/O).
 *
 * <p>The downloaded parameters are checked for length but not re-hashed: they come from the
 * engine's own immutable model, not over a channel that could corrupt them.
 *
 * <p>Thread-safe, as the engine is.
 */
public final class DirectTransport implements CoordinatorTransport {
  private final RoundEngine engine;
  private final boolean sparse;

  public DirectTransport(RoundEngine engine) {
    this(engine, false);
  }

  /**
   * With {@code sparse}, clients submit plaintext rounds' updates as {@link SparseContribution}s
   * (the rows they touched; the engine adds the prior once per round).
   */
  public DirectTransport(RoundEngine engine, boolean sparse) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.sparse = sparse;
  }

  @Override
  public boolean acceptsSparseUpdates() {
    return sparse;
  }

  @Override
  public SubmitUpdateResponse submitSparseUpdate(
      UpdateHeader header, SparseContribution update, Duration timeout) {
    if (!sparse) {
      return CoordinatorTransport.super.submitSparseUpdate(header, update, timeout);
    }
    return engine.beginSubmission(header).completeSparse(update);
  }

  @Override
  public CheckInResponse checkIn(CheckInRequest request, Duration timeout) {
    return engine.checkIn(request);
  }

  @Override
  public float[] downloadModel(DownloadModelRequest request, ModelInfo info, Duration timeout) {
    float[] params = engine.authorizeDownload(request).parameters();
    if (params.length != info.getNumParameters()) {
      throw Status.DATA_LOSS
          .withDescription("model has " + params.length + " parameters, task announced "
              + info.getNumParameters())
          .asRuntimeException();
    }
    return params;
  }

  /**
   * The engine's own immutable model, shared by every virtual client (no copy); its version and
   * length are checked against the task.
   */
  @Override
  public GlobalModel downloadGlobalModel(
      DownloadModelRequest request, ModelInfo info, ModelShape shape, Duration timeout) {
    GlobalModel m = engine.authorizeDownload(request);
    if (m.version() != info.getVersion() || !m.shape().equals(shape)) {
      throw Status.DATA_LOSS
          .withDescription("model version " + m.version() + " of " + m.shape() + ", task"
              + " announced version " + info.getVersion() + " of " + shape)
          .asRuntimeException();
    }
    return m;
  }

  @Override
  public SubmitUpdateResponse submitUpdate(
      UpdateHeader header, float[] update, int maxChunkBytes, Duration timeout) {
    var submission = engine.beginSubmission(header);
    if (update.length != submission.expectedLength()) {
      submission.abort();
      throw Status.INVALID_ARGUMENT
          .withDescription("update must have " + submission.expectedLength()
              + " values. Provided value: " + update.length)
          .asRuntimeException();
    }
    return submission.complete(update);
  }

  @Override
  public SubmitUpdateResponse submitMaskedInput(
      UpdateHeader header, int[] residues, int maxChunkBytes, Duration timeout) {
    var submission = engine.beginSubmission(header);
    if (!submission.masked()) {
      submission.abort();
      throw Status.INVALID_ARGUMENT
          .withDescription("this round is not securely aggregated: upload values, not residues")
          .asRuntimeException();
    }
    return submission.completeMasked(residues);
  }

  @Override
  public SecAggResponse secAggExchange(SecAggRequest request, Duration timeout) {
    return engine.secAggExchange(request);
  }

  @Override
  public ReportFailureResponse reportFailure(ReportFailureRequest request, Duration timeout) {
    return engine.reportFailure(request);
  }
}
