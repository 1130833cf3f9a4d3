package io.fedrec.simulator.sim;

import io.fedrec.client.CoordinatorTransport;
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
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Objects;

/**
 * A virtual client that vanishes mid-round: the transport of one client fails, as a crashed or
 * disconnected device would, from the first call that belongs to its drop point onwards. The
 * session sees a non-retryable status ({@code CANCELLED}) and gives the task up without telling
 * the coordinator, which learns of the dropout only when a phase or the round times out — the hard
 * case for secure aggregation.
 *
 * <p>Thread-safe.
 */
final class DroppingTransport implements CoordinatorTransport {
  /** Where in the round the client vanishes. */
  enum DropPoint {
    /** After check-in, before downloading the model (so before training). */
    DOWNLOAD,
    /** Before sending its SecAgg+ public keys. */
    ADVERTISE_KEYS,
    /** Before sending its encrypted shares. */
    SHARE_KEYS,
    /** Before uploading its (masked) update. */
    UPLOAD,
    /** Before answering the unmask request. */
    UNMASK;

    /** Drop points that exist without secure aggregation. */
    static final DropPoint[] PLAIN = {DOWNLOAD, UPLOAD};
  }

  private final CoordinatorTransport inner;
  private final DropPoint dropPoint;
  private volatile boolean dropped;

  DroppingTransport(CoordinatorTransport inner, DropPoint dropPoint) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.dropPoint = Objects.requireNonNull(dropPoint, "dropPoint");
  }

  /** True once the client has vanished. */
  boolean dropped() {
    return dropped;
  }

  private void reach(DropPoint point) {
    if (dropped || point == dropPoint) {
      dropped = true;
      throw gone();
    }
  }

  private static StatusRuntimeException gone() {
    return Status.CANCELLED.withDescription("simulated dropout").asRuntimeException();
  }

  @Override
  public CheckInResponse checkIn(CheckInRequest request, Duration timeout) {
    if (dropped) {
      throw gone();
    }
    return inner.checkIn(request, timeout);
  }

  @Override
  public float[] downloadModel(DownloadModelRequest request, ModelInfo info, Duration timeout) {
    reach(DropPoint.DOWNLOAD);
    return inner.downloadModel(request, info, timeout);
  }

  @Override
  public GlobalModel downloadGlobalModel(
      DownloadModelRequest request, ModelInfo info, ModelShape shape, Duration timeout) {
    reach(DropPoint.DOWNLOAD);
    return inner.downloadGlobalModel(request, info, shape, timeout);
  }

  @Override
  public SubmitUpdateResponse submitUpdate(
      UpdateHeader header, float[] update, int maxChunkBytes, Duration timeout) {
    reach(DropPoint.UPLOAD);
    return inner.submitUpdate(header, update, maxChunkBytes, timeout);
  }

  @Override
  public SubmitUpdateResponse submitMaskedInput(
      UpdateHeader header, int[] residues, int maxChunkBytes, Duration timeout) {
    reach(DropPoint.UPLOAD);
    return inner.submitMaskedInput(header, residues, maxChunkBytes, timeout);
  }

  @Override
  public SecAggResponse secAggExchange(SecAggRequest request, Duration timeout) {
    switch (request.getMessageCase()) {
      case ADVERTISE_KEYS -> reach(DropPoint.ADVERTISE_KEYS);
      case SHARE_KEYS -> reach(DropPoint.SHARE_KEYS);
      case UNMASK -> reach(DropPoint.UNMASK);
      default -> {
        if (dropped) {
          throw gone();
        }
      }
    }
    return inner.secAggExchange(request, timeout);
  }

  @Override
  public ReportFailureResponse reportFailure(ReportFailureRequest request, Duration timeout) {
    if (dropped) {
      throw gone();
    }
    return inner.reportFailure(request, timeout);
  }
}
