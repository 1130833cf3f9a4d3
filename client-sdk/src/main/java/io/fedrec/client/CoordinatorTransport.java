package io.fedrec.client;

import io.fedrec.client.internal.GrpcTransport;
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
import io.grpc.Channel;
import io.grpc.Status;
import java.time.Duration;

/**
 * The seam between the client's protocol logic and the wire: one method per RPC of {@code
 * io.fedrec.v1.Coordinator}, with streams already reassembled. {@link #grpc(Channel)} talks to a
 * remote coordinator; the simulator plugs in an in-JVM implementation that calls the round engine
 * directly, so both paths run the same client code.
 *
 * <p>Every method fails with an {@link io.grpc.StatusRuntimeException} whose code is one of those
 * documented in the proto ({@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}, {@code
 * NOT_FOUND}, {@code RESOURCE_EXHAUSTED}, {@code UNAVAILABLE}), {@code DEADLINE_EXCEEDED} when
 * {@code timeout} passes, or {@code DATA_LOSS} when a downloaded model fails verification.
 *
 * <p><b>Thread safety:</b> implementations must be safe for concurrent use; the gRPC one is.
 */
public interface CoordinatorTransport {

  /** Checks in and returns the coordinator's answer (task, retry or finished). */
  CheckInResponse checkIn(CheckInRequest request, Duration timeout);

  /**
   * Downloads the model that {@code info} describes and returns its parameters after checking
   * that the chunks' offsets are consecutive from 0, that they cover exactly {@code
   * info.num_parameters} values, that the last one is flagged {@code last}, and that the SHA-256
   * of the reassembled vector equals {@code info.sha256}.
   *
   * @throws io.grpc.StatusRuntimeException with {@code DATA_LOSS} when verification fails
   */
  float[] downloadModel(DownloadModelRequest request, ModelInfo info, Duration timeout);

  /**
   * The downloaded model as an immutable {@link GlobalModel} of {@code shape} at {@code
   * info.getVersion()}: by default {@link #downloadModel} wrapped in a copy. A transport that
   * already holds an immutable model (an in-JVM simulation) may return it as is, so that
   * thousands of virtual clients share one model instead of copying it each.
   *
   * @throws io.grpc.StatusRuntimeException as {@link #downloadModel}
   * @throws IllegalArgumentException if the parameters do not form such a model (not finite, or
   *     of another length)
   */
  default GlobalModel downloadGlobalModel(
      DownloadModelRequest request, ModelInfo info, ModelShape shape, Duration timeout) {
    return GlobalModel.of(info.getVersion(), shape, downloadModel(request, info, timeout));
  }

  /**
   * Uploads {@code update}: the header message first, then consecutive slices of at most {@code
   * maxChunkBytes} payload bytes (a positive multiple of 4).
   */
  SubmitUpdateResponse submitUpdate(
      UpdateHeader header, float[] update, int maxChunkBytes, Duration timeout);

  /** Gives up a task, e.g. with reason {@code "no_data"} or {@code "training_error"}. */
  ReportFailureResponse reportFailure(ReportFailureRequest request, Duration timeout);

  /**
   * One step of secure aggregation (RPC {@code SecAggExchange}). The default fails with {@code
   * UNIMPLEMENTED}, so that transports written before secure aggregation keep compiling; such a
   * transport cannot take part in securely aggregated rounds.
   */
  default SecAggResponse secAggExchange(SecAggRequest request, Duration timeout) {
    throw Status.UNIMPLEMENTED
        .withDescription(getClass().getName() + " does not implement secure aggregation")
        .asRuntimeException();
  }

  /**
   * Uploads a masked input (residues modulo {@code 2^bits}) of a securely aggregated round, chunked
   * like {@link #submitUpdate}. The default fails with {@code UNIMPLEMENTED}.
   */
  default SubmitUpdateResponse submitMaskedInput(
      UpdateHeader header, int[] residues, int maxChunkBytes, Duration timeout) {
    throw Status.UNIMPLEMENTED
        .withDescription(getClass().getName() + " does not implement secure aggregation")
        .asRuntimeException();
  }

  /**
   * Whether this transport takes sparse plaintext updates ({@link #submitSparseUpdate}): only an
   * in-process transport to a coordinator in the same JVM (the simulator's fast path). The SDK
   * then sends the data rows its users touched and the number of prior shares, instead of the
   * dense update, in rounds without privacy or secure aggregation. Default false: over a network
   * the dense update is sent, so that its zero pattern reveals nothing.
   */
  default boolean acceptsSparseUpdates() {
    return false;
  }

  /**
   * Uploads a sparse plaintext update; see {@link #acceptsSparseUpdates()}. The default fails with
   * {@code UNIMPLEMENTED}.
   */
  default SubmitUpdateResponse submitSparseUpdate(
      UpdateHeader header, SparseContribution update, Duration timeout) {
    throw Status.UNIMPLEMENTED
        .withDescription(getClass().getName() + " does not take sparse updates")
        .asRuntimeException();
  }

  /**
   * A transport over a gRPC {@link Channel}, with a deadline of {@code timeout} on every call.
   * The channel is not owned: closing it is the caller's business.
   */
  static CoordinatorTransport grpc(Channel channel) {
    return new GrpcTransport(channel);
  }
}
