package dev.sparseseg.connectors.video;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.source.FrameReader;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drop-oldest policy for video files ({@link Camera} has its own): a thread keeps grabbing
 * at its own pace and keeps only the newest frame; {@link #read()} takes it. Frames replaced before anyone took them
 * are counted in the next record's {@code droppedBefore}, so latency stays bounded when the
 * job falls behind. A video file is paced at its frame rate, as a camera would deliver it.
 */
public final class LatestFrameReader implements FrameReader {
    private final VideoFrameReader source;
    private final Thread grabbing;
    private FrameRecord latest;
    private long dropped;
    private boolean ended;
    private IOException failure;
    private volatile boolean closed;
    private final AtomicBoolean sourceClosed = new AtomicBoolean();

    public LatestFrameReader(VideoFrameReader source) {
        this.source = source;
        this.grabbing = new Thread(this::grabLoop, "grab-" + source);
        grabbing.setDaemon(true);
        grabbing.start();
    }

    private void grabLoop() {
        double fps = source.frameRate();
        long periodNs = !source.live() && fps > 0 ? (long) (1e9 / fps) : 0;
        long next = System.nanoTime();
        try {
            while (!closed) {
                FrameRecord f = source.read();
                synchronized (this) {
                    if (f == null) {
                        ended = true;
                        notifyAll();
                        return;
                    }
                    if (latest != null) {
                        dropped++;
                    }
                    latest = f;
                    notifyAll();
                }
                if (periodNs > 0) {
                    next += periodNs;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                failure = e;
                notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (closed) {
                // close() gave up waiting for a grab that outlived it: the grabber is closed here,
                // once that grab has returned, never under it.
                closeSource();
            }
        }
    }

    private void closeSource() {
        if (sourceClosed.compareAndSet(false, true)) {
            try {
                source.close();
            } catch (IOException e) {
                System.getLogger(LatestFrameReader.class.getName()).log(System.Logger.Level.WARNING,
                        "closing " + source + ": " + e.getMessage());
            }
        }
    }

    @Override
    public synchronized FrameRecord read() throws IOException {
        while (latest == null && !ended && failure == null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a frame", e);
            }
        }
        if (latest == null) {
            if (failure != null) {
                throw failure;
            }
            return null;
        }
        FrameRecord f = latest;
        f.droppedBefore = dropped;
        latest = null;
        dropped = 0;
        return f;
    }

    @Override
    public void close() {
        closed = true;
        try {
            grabbing.join(15_000);  // a grab in progress ends within the grabber's timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!grabbing.isAlive()) {
            closeSource();
        }
    }
}
