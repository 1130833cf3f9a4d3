package io.fedrec.client.internal;

import io.fedrec.client.CoordinatorTransport;
import io.fedrec.core.codec.FloatCodec;
import io.fedrec.core.codec.SecAggProtos;
import io.fedrec.core.model.GlobalModel;
import io.fedrec.proto.v1.CheckInRequest;
import io.fedrec.proto.v1.CheckInResponse;
import io.fedrec.proto.v1.CoordinatorGrpc;
import io.fedrec.proto.v1.DownloadModelRequest;
import io.fedrec.proto.v1.ModelChunk;
import io.fedrec.proto.v1.ModelInfo;
import io.fedrec.proto.v1.ReportFailureRequest;
import io.fedrec.proto.v1.ReportFailureResponse;
import io.fedrec.proto.v1.SecAggRequest;
import io.fedrec.proto.v1.SecAggResponse;
import io.fedrec.proto.v1.SubmitUpdateResponse;
import io.fedrec.proto.v1.UpdateChunk;
import io.fedrec.proto.v1.UpdateHeader;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link CoordinatorTransport} over a gRPC {@link Channel}: blocking calls for {@code CheckIn},
 * {@code ReportFailure} and the {@code DownloadModel} stream, a flow-controlled client stream for
 * {@code SubmitUpdate}. Every call carries a deadline of the given timeout.
 *
 * <p>Thread-safe: holds only the channel; each call creates its own stub and state.
 */
public final class GrpcTransport implements CoordinatorTransport {
  private final Channel channel;

  public GrpcTransport(Channel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  @Override
  public CheckInResponse checkIn(CheckInRequest request, Duration timeout) {
    return blocking(timeout).checkIn(request);
  }

  @Override
  public ReportFailureResponse reportFailure(ReportFailureRequest request, Duration timeout) {
    return blocking(timeout).reportFailure(request);
  }

  @Override
  public float[] downloadModel(DownloadModelRequest request, ModelInfo info, Duration timeout) {
    long total = info.getNumParameters();
    if (total <= 0 || total > Integer.MAX_VALUE - 8) {
      throw dataLoss("model num_parameters must be in [1, " + (Integer.MAX_VALUE - 8)
          + "]. Received: " + total);
    }
    float[] params = new float[(int) total];
    // The blocking iterator cannot be abandoned safely: cancelling the context cancels the call
    // when verification stops reading early.
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<ModelChunk> chunks = blocking(timeout).downloadModel(request);
      long next = 0;
      boolean last = false;
      while (chunks.hasNext()) {
        ModelChunk chunk = chunks.next();
        if (last) {
          throw dataLoss("model stream continued after the chunk flagged last (offset "
              + chunk.getOffset() + ")");
        }
        if (chunk.getOffset() != next) {
          throw dataLoss("model chunk offsets must be consecutive: expected offset " + next
              + ", received " + chunk.getOffset());
        }
        int n;
        try {
          n = FloatCodec.decodeInto(chunk.getValues(), params, (int) next);
        } catch (IllegalArgumentException e) {
          throw dataLoss("bad model chunk at offset " + next + ": " + e.getMessage());
        }
        next += n;
        last = chunk.getLast();
      }
      if (!last || next != total) {
        throw dataLoss("model stream ended after " + next + " of " + total
            + " parameters" + (last ? "" : " without a chunk flagged last"));
      }
    } finally {
      context.detach(previous);
      context.cancel(null);
    }
    byte[] expected = info.getSha256().toByteArray();
    byte[] actual = GlobalModel.sha256(params);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw dataLoss("model sha256 mismatch for version " + info.getVersion() + ": expected "
          + hex(expected) + ", computed " + hex(actual));
    }
    return params;
  }

  @Override
  public SubmitUpdateResponse submitUpdate(
      UpdateHeader header, float[] update, int maxChunkBytes, Duration timeout) {
    if (maxChunkBytes < 4 || maxChunkBytes % 4 != 0) {
      throw new IllegalArgumentException(
          "maxChunkBytes must be a positive multiple of 4. Provided value: " + maxChunkBytes);
    }
    return upload(header, update.length, maxChunkBytes, timeout, (offset, n) ->
        UpdateChunk.newBuilder().setOffset(offset).setValues(FloatCodec.encode(update, offset, n))
            .build());
  }

  @Override
  public SubmitUpdateResponse submitMaskedInput(
      UpdateHeader header, int[] residues, int maxChunkBytes, Duration timeout) {
    return upload(header, residues.length, maxChunkBytes, timeout, (offset, n) ->
        UpdateChunk.newBuilder().setOffset(offset)
            .setResidues(SecAggProtos.encodeResidues(residues, offset, n)).build());
  }

  @Override
  public SecAggResponse secAggExchange(SecAggRequest request, Duration timeout) {
    return blocking(timeout).secAggExchange(request);
  }

  private SubmitUpdateResponse upload(UpdateHeader header, int length, int maxChunkBytes,
      Duration timeout, ChunkSource chunks) {
    if (maxChunkBytes < 4 || maxChunkBytes % 4 != 0) {
      throw new IllegalArgumentException(
          "maxChunkBytes must be a positive multiple of 4. Provided value: " + maxChunkBytes);
    }
    Uploader uploader = new Uploader(header, length, maxChunkBytes / 4, chunks);
    CoordinatorGrpc.newStub(channel)
        .withDeadlineAfter(timeoutNanos(timeout), TimeUnit.NANOSECONDS)
        .submitUpdate(uploader);
    uploader.drain(); // in case the stream was ready before the handler was installed
    try {
      return uploader.response.get(timeoutNanos(timeout), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      uploader.cancel("client timeout", null);
      throw Status.DEADLINE_EXCEEDED
          .withDescription("SubmitUpdate got no response within " + timeout)
          .asRuntimeException();
    } catch (InterruptedException e) {
      uploader.cancel("client interrupted", e);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("SubmitUpdate interrupted").withCause(e)
          .asRuntimeException();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw Status.fromThrowable(cause).asRuntimeException();
    }
  }

  private CoordinatorGrpc.CoordinatorBlockingStub blocking(Duration timeout) {
    return CoordinatorGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeoutNanos(timeout), TimeUnit.NANOSECONDS);
  }

  private static long timeoutNanos(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0. Provided value: " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static StatusRuntimeException dataLoss(String description) {
    return Status.DATA_LOSS.withDescription(description).asRuntimeException();
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  /**
   * Sends the header, then the slices, only while the stream is ready (so a large update is not
   * buffered whole inside gRPC), and completes {@link #response} with the server's answer.
   */
  /** The payload chunk covering {@code [offset, offset + n)}. */
  @FunctionalInterface
  private interface ChunkSource {
    UpdateChunk chunk(int offset, int n);
  }

  private static final class Uploader
      implements ClientResponseObserver<UpdateChunk, SubmitUpdateResponse> {
    final CompletableFuture<SubmitUpdateResponse> response = new CompletableFuture<>();
    private final UpdateHeader header;
    private final int length;
    private final int valuesPerChunk;
    private final ChunkSource chunks;
    private ClientCallStreamObserver<UpdateChunk> requests;
    private boolean headerSent;
    private int offset;
    private boolean done;
    private SubmitUpdateResponse received;

    Uploader(UpdateHeader header, int length, int valuesPerChunk, ChunkSource chunks) {
      this.header = header;
      this.length = length;
      this.valuesPerChunk = valuesPerChunk;
      this.chunks = chunks;
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<UpdateChunk> requestStream) {
      this.requests = requestStream;
      requestStream.setOnReadyHandler(this::drain);
    }

    synchronized void drain() {
      while (!done && requests.isReady()) {
        if (!headerSent) {
          requests.onNext(UpdateChunk.newBuilder().setHeader(header).build());
          headerSent = true;
        } else if (offset < length) {
          int n = Math.min(valuesPerChunk, length - offset);
          requests.onNext(chunks.chunk(offset, n));
          offset += n;
        } else {
          done = true;
          requests.onCompleted();
        }
      }
    }

    synchronized void cancel(String message, Throwable cause) {
      done = true;
      requests.cancel(message, cause);
    }

    @Override
    public synchronized void onNext(SubmitUpdateResponse value) {
      received = value;
    }

    @Override
    public synchronized void onError(Throwable t) {
      done = true;
      response.completeExceptionally(t);
    }

    @Override
    public synchronized void onCompleted() {
      done = true;
      if (received == null) {
        response.completeExceptionally(Status.INTERNAL
            .withDescription("SubmitUpdate completed without a response").asRuntimeException());
      } else {
        response.complete(received);
      }
    }
  }
}
