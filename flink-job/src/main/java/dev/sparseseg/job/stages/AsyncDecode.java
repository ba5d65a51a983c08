package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.FrameFormat;
import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Decodes the frames that reach the keyed side still encoded (those too large to cross the
 * keyBy as RGB: 1080p and up) in a thread of its own, while the task's thread runs inference on
 * the frames before them; in the task's thread, decoding took a third of each 1080p frame's
 * time. Used with Flink's ordered async I/O: frames leave in the order they came, and those
 * that need no decoding pass at once. The thread runs at idle priority ({@link IdlePriority}):
 * it fills the gaps inference leaves, and when the task's thread waits for it, the cores are
 * its own.
 */
public final class AsyncDecode extends RichAsyncFunction<FrameRecord, FrameRecord> {
    /** Frames in the operator at once: the one inference waits for and those decoding behind it. */
    public static final int CAPACITY = 3;
    /** Longer than any frame under the pixel limit takes to decode on a loaded machine. */
    public static final long TIMEOUT_MS = 60_000;

    private final long maxPixels;
    private transient ExecutorService thread;

    /** @param maxPixels frames declaring more pixels are not decoded: they become dead letters */
    public AsyncDecode(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    @Override
    public void open(OpenContext ctx) {
        thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(() -> {
                IdlePriority.lowerCurrentThread();
                task.run();
            }, ImageDecoder.IDLE_THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(FrameRecord r, ResultFuture<FrameRecord> out) {
        if (r.error != null || r.format != FrameFormat.ENCODED) {
            out.complete(List.of(r));
            return;
        }
        // A copy is decoded: a checkpoint may serialize the queued input while the frame decodes.
        FrameRecord copy = copyOf(r);
        thread.execute(() -> {
            ImageDecoder.decodeHere(copy, maxPixels);
            out.complete(List.of(copy));
        });
    }

    @Override
    public void timeout(FrameRecord r, ResultFuture<FrameRecord> out) {
        FrameRecord copy = copyOf(r);
        copy.error = "frame " + r.streamId + "#" + r.seq + " was not decoded within " + TIMEOUT_MS / 1000 + " s";
        out.complete(List.of(copy));
    }

    static FrameRecord copyOf(FrameRecord r) {
        FrameRecord c = new FrameRecord();
        c.streamId = r.streamId;
        c.seq = r.seq;
        c.timestampMs = r.timestampMs;
        c.receivedMs = r.receivedMs;
        c.format = r.format;
        c.data = r.data;
        c.width = r.width;
        c.height = r.height;
        c.droppedBefore = r.droppedBefore;
        c.decodeNanos = r.decodeNanos;
        c.error = r.error;
        c.original = r.original;
        c.headers = r.headers;
        return c;
    }
}
