package io.fedrec.coordinator.service;

import io.fedrec.coordinator.round.RoundEngine;
import io.fedrec.core.codec.FloatCodec;
import io.fedrec.core.codec.SecAggProtos;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ModelChunk;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.ReportFailureResponse;
import io.fedrec.proto.v1.SecAggRequest;
import io.fedrec.proto.v1.SecAggResponse;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.UpdateChunk;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/**
 * The gRPC face of a {@link RoundEngine}: decodes and checks the wire format (chunk order, sizes,
 * payload encoding) and leaves round logic to the engine. Every failure is answered with a status
 * and a description, never a stack trace: {@code INVALID_ARGUMENT} for malformed requests,
 * {@code RESOURCE_EXHAUSTED} for a chunk over the advertised limit, and the engine's codes
 * otherwise; unexpected exceptions become {@code INTERNAL} with a generic description and are
 * logged. Behind {@link ClientAuthentication#requireCertificates()}, a request whose
 * {@code client_id} is not the certificate's is answered {@code PERMISSION_DENIED}.
 *
 * <p>Thread-safe; stateless apart from per-call upload state.
 */
public final class CoordinatorService extends CoordinatorGrpc.CoordinatorImplBase {
  private static final System.Logger LOG = System.getLogger(CoordinatorService.class.getName());

  private final RoundEngine engine;
  private final int maxChunkBytes;
  private final ClientRateLimiter limiter;

  /** A service without a per-client rate limit. */
  public CoordinatorService(RoundEngine engine) {
    this(engine, null);
  }

  /** A service whose every call first takes a token of its client from {@code limiter}. */
  public CoordinatorService(RoundEngine engine, ClientRateLimiter limiter) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.maxChunkBytes = engine.config().maxChunkBytes();
    this.limiter = limiter;
  }

  /** Checks the client id against the certificate and takes a rate-limit token. */
  private void admit(String clientId) {
    ClientAuthentication.checkClientId(clientId);
    if (limiter != null) {
      limiter.acquire(clientId);
    }
  }

  @Override
  public void checkIn(CheckInRequest request, StreamObserver<CheckInResponse> responses) {
    try {
      admit(request.getClientId());
      responses.onNext(engine.checkIn(request));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(toStatus(e));
    }
  }

  @Override
  public void downloadModel(DownloadModelRequest request, StreamObserver<ModelChunk> responses) {
    GlobalModel model;
    try {
      admit(request.getClientId());
      model = engine.authorizeDownload(request);
    } catch (RuntimeException e) {
      responses.onError(toStatus(e));
      return;
    }
    int n = model.shape().numParameters();
    int perChunk = maxChunkBytes / 4;
    float[] buf = new float[Math.min(perChunk, n)];
    for (int offset = 0; offset < n; offset += perChunk) {
      int len = Math.min(perChunk, n - offset);
      model.copyParameters(offset, buf, 0, len);
      responses.onNext(ModelChunk.newBuilder()
          .setOffset(offset)
          .setValues(FloatCodec.encode(buf, 0, len))
          .setLast(offset + len == n)
          .build());
    }
    responses.onCompleted();
  }

  @Override
  public void reportFailure(
      ReportFailureRequest request, StreamObserver<ReportFailureResponse> responses) {
    try {
      admit(request.getClientId());
      responses.onNext(engine.reportFailure(request));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(toStatus(e));
    }
  }

  @Override
  public void secAggExchange(SecAggRequest request, StreamObserver<SecAggResponse> responses) {
    try {
      admit(request.getClientId());
      responses.onNext(engine.secAggExchange(request));
      responses.onCompleted();
    } catch (RuntimeException e) {
      responses.onError(toStatus(e));
    }
  }

  @Override
  public StreamObserver<UpdateChunk> submitUpdate(StreamObserver<SubmitUpdateResponse> responses) {
    return new Upload(responses);
  }

  /** One SubmitUpdate call: header first, then consecutive slices. */
  private final class Upload implements StreamObserver<UpdateChunk> {
    private final StreamObserver<SubmitUpdateResponse> responses;
    private RoundEngine.Submission submission;
    private float[] update;
    private int[] residues;
    private int filled;
    private boolean failed;

    Upload(StreamObserver<SubmitUpdateResponse> responses) {
      this.responses = responses;
    }

    @Override
    public void onNext(UpdateChunk chunk) {
      if (failed) {
        return;
      }
      try {
        if (submission == null) {
          if (!chunk.hasHeader()) {
            throw invalid("the first UpdateChunk must carry the header");
          }
          if (chunk.hasValues() || chunk.getOffset() != 0) {
            throw invalid("the header chunk must not carry values");
          }
          admit(chunk.getHeader().getClientId());
          submission = engine.beginSubmission(chunk.getHeader());
          if (submission.masked()) {
            residues = new int[submission.expectedLength()];
          } else {
            update = new float[submission.expectedLength()];
          }
          return;
        }
        if (chunk.hasHeader()) {
          throw invalid("only the first UpdateChunk may carry a header");
        }
        if (submission.masked() ? chunk.hasValues() || !chunk.hasResidues() : chunk.hasResidues()) {
          throw invalid(submission.masked()
              ? "this round is securely aggregated: chunks must carry residues, not values"
              : "this round is not securely aggregated: chunks must carry values, not residues");
        }
        int bytes = submission.masked()
            ? chunk.getResidues().getLeUint32().size()
            : chunk.getValues().getLeFloat32().size();
        if (bytes > maxChunkBytes) {
          throw Status.RESOURCE_EXHAUSTED
              .withDescription("chunk payload must be at most " + maxChunkBytes
                  + " bytes. Provided: " + bytes)
              .asRuntimeException();
        }
        if (chunk.getOffset() != filled) {
          throw invalid("chunks must be consecutive: expected offset " + filled
              + ", received " + chunk.getOffset());
        }
        filled += submission.masked()
            ? SecAggProtos.decodeResiduesInto(
                chunk.getResidues(), submission.bits(), residues, filled)
            : FloatCodec.decodeInto(chunk.getValues(), update, filled);
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    @Override
    public void onError(Throwable t) {
      failed = true;
      if (submission != null) {
        submission.abort();
      }
    }

    @Override
    public void onCompleted() {
      if (failed) {
        return;
      }
      try {
        if (submission == null) {
          throw invalid("the stream ended before the header");
        }
        int expected = submission.expectedLength();
        if (filled != expected) {
          throw invalid("the stream ended after " + filled + " of " + expected
              + (submission.masked() ? " residues" : " values"));
        }
        SubmitUpdateResponse response = submission.masked()
            ? submission.completeMasked(residues)
            : submission.complete(update);
        responses.onNext(response);
        responses.onCompleted();
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    private void fail(RuntimeException e) {
      failed = true;
      if (submission != null) {
        submission.abort();
      }
      responses.onError(toStatus(e));
    }
  }

  private static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }

  static StatusRuntimeException toStatus(RuntimeException e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (e instanceof IllegalStateException) {
      return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
    }
    LOG.log(System.Logger.Level.ERROR, "internal error in the coordinator service", e);
    return Status.INTERNAL.withDescription("internal error; see the coordinator log")
        .asRuntimeException();
  }
}
