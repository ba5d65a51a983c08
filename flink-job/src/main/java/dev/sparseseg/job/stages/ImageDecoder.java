package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.FrameDecoder;
import dev.sparseseg.connectors.frame.FrameFormat;
import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JPEG/PNG to RGB with the engine's decoder, run by the sources in their own threads for
 * frames up to {@link #MAX_RGB_BYTES} of RGB, and by {@link DecodeAhead} after the keyBy
 * for larger ones and for whatever the sources left encoded.
 */
public final class ImageDecoder implements FrameDecoder {
    /** The name of the idle-priority decoding threads (Linux shows its first 15 characters). */
    static final String IDLE_THREAD_NAME = "sparseseg-decode";
    /**
     * Frames whose RGB would be larger stay encoded here and are decoded after the keyBy, by
     * {@link DecodeAhead}: Flink's network stack spills records over 5 MiB to disk where it
     * receives them, and a 1080p RGB frame is 6 MB (4K: 25 MB).
     */
    static final long MAX_RGB_BYTES = 4L << 20;

    private final boolean idlePriority;
    private final long maxPixels;
    private transient ThreadPoolExecutor idleThread;

    /**
     * Decodes in the calling thread.
     *
     * @param maxPixels images declaring more pixels are not decoded: they become dead letters
     */
    public ImageDecoder(long maxPixels) {
        this(false, maxPixels);
    }

    private ImageDecoder(boolean idlePriority, long maxPixels) {
        this.idlePriority = idlePriority;
        this.maxPixels = maxPixels;
    }

    /**
     * Decodes in a thread of its own at Linux's idle priority, for sources whose reading thread
     * does nothing else (image folders; cameras and video files deliver RGB already): decoding
     * then takes only the core time inference leaves instead of delaying its parallel
     * operators, which is what kept the job below 90% of the bare engine at two threads (see
     * docs/benchmarks.md, section "The job against the bare engine"). On a machine saturated by other work, such a source
     * reads only when a core is free. Not for a thread that also runs inference (Kafka sources
     * decode in the task's thread): it would gain nothing by waiting, and under load the decode
     * could starve behind other subtasks' inference. The thread ends after 2 s without work.
     */
    public static ImageDecoder atIdlePriority(long maxPixels) {
        return new ImageDecoder(true, maxPixels);
    }

    @Override
    public void decode(FrameRecord r) {
        int[] size = ImageFiles.declaredSize(r.data);
        if (size != null && 3L * size[0] * size[1] > MAX_RGB_BYTES) {
            return;
        }
        if (!idlePriority) {
            decodeHere(r, maxPixels);
            return;
        }
        Future<?> done = idleThread().submit(() -> decodeHere(r, maxPixels));
        boolean interrupted = false;
        while (true) {
            try {
                done.get();
                break;
            } catch (InterruptedException e) {
                // Cancelled: the frame takes milliseconds more, and must not be touched by two threads.
                interrupted = true;
            } catch (ExecutionException e) {
                unreadable(r, e.getCause());
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized ThreadPoolExecutor idleThread() {
        if (idleThread == null) {
            idleThread = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    IdlePriority.threads(IDLE_THREAD_NAME));
            idleThread.allowCoreThreadTimeOut(true);
        }
        return idleThread;
    }

    /** Decodes {@code r} in the calling thread, whatever its size (the keyed side of the job). */
    static void decodeHere(FrameRecord r, long maxPixels) {
        long t0 = System.nanoTime();
        try {
            RgbFrame f = ImageFiles.decodeRgb(r.data, "frame " + r.streamId + "#" + r.seq, maxPixels);
            r.original = r.data;
            r.data = f.rgb();
            r.width = f.width();
            r.height = f.height();
            r.format = FrameFormat.RGB24;
            r.decodeNanos = System.nanoTime() - t0;
        } catch (IOException e) {
            // Names the frame and says why (corrupt, truncated, unknown format, over the pixel limit).
            r.error = e.getMessage();
        } catch (RuntimeException | OutOfMemoryError e) {
            // Whatever else a decoder throws must not take the job down: the frame becomes a dead letter.
            unreadable(r, e);
        }
    }

    private static void unreadable(FrameRecord r, Throwable why) {
        r.error = "frame " + r.streamId + "#" + r.seq + " could not be decoded: " + why;
    }
}
