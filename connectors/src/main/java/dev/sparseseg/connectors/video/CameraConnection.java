package dev.sparseseg.connectors.video;

import dev.sparseseg.connectors.frame.FrameRecord;

import java.io.IOException;
import java.time.Duration;

/**
 * One connection to a camera, on a thread of its own: opens FFmpeg's grabber, grabs frames and
 * hands them to the {@link Camera}, until the stream fails or ends or the camera abandons it.
 * FFmpeg's blocking reads cannot be interrupted from Java and a grabber must not be closed
 * under a running grab, so an abandoned connection is left to finish its grab, after which
 * it closes its grabber itself and ends. Meanwhile the camera already opens the next one.
 */
final class CameraConnection {
    private final Camera camera;
    private final Thread thread;
    private volatile boolean abandoned;
    /** {@link System#nanoTime()} when it began waiting on FFmpeg (opening or grabbing), 0 while not. */
    private volatile long waitingSince;
    /** Until the grabber has opened: probing a live stream alone takes a second or two. */
    private volatile boolean opening = true;
    private volatile long frames;
    /** Why it ended; null while it runs. Guarded by this. */
    private String ending;

    CameraConnection(Camera camera, String location, String streamId, Duration ioTimeout, int attempt) {
        this.camera = camera;
        this.thread = new Thread(() -> run(location, streamId, ioTimeout), "camera-" + streamId + "-" + attempt);
        thread.setDaemon(true);
    }

    void start() {
        waitingSince = System.nanoTime();
        thread.start();
    }

    private void run(String location, String streamId, Duration ioTimeout) {
        String why;
        try (VideoFrameReader video = new VideoFrameReader(location, streamId, 0, ioTimeout)) {
            why = "the stream ended";
            opening = false;
            while (!abandoned) {
                waitingSince = System.nanoTime();
                FrameRecord f = video.read();
                waitingSince = 0;
                if (f == null) {
                    break;
                }
                frames++;
                if (!camera.deliver(this, f)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            why = frames == 0 ? CameraUrls.redact(e.getMessage()) : "lost: " + CameraUrls.redact(e.getMessage());
        } finally {
            waitingSince = 0;
        }
        end(why);
    }

    private synchronized void end(String why) {
        ending = why;
        notifyAll();
    }

    /** Stops handing frames to the camera; the thread ends after the grab in progress. */
    void abandon() {
        abandoned = true;
        camera.wakeDeliveries();
    }

    boolean abandoned() {
        return abandoned;
    }

    /** Frames this connection delivered. */
    long frames() {
        return frames;
    }

    /**
     * Waits until the connection ends, or abandons it once it has waited on FFmpeg for a frame
     * for longer than {@code stallNanos} (the stall detector), for its opening longer than
     * {@code openNanos} (a backstop: FFmpeg's own I/O timeout ends an open that gets no answer),
     * or {@code stop} is set.
     *
     * @return why it ended
     */
    synchronized String await(long stallNanos, long openNanos, long checkMs, java.util.function.BooleanSupplier stop)
            throws InterruptedException {
        while (ending == null) {
            long since = waitingSince;
            long limit = opening ? openNanos : stallNanos;
            if (since != 0 && System.nanoTime() - since > limit) {
                abandon();
                return opening ? "no stream after " + seconds(limit) : "stalled: no frame for " + seconds(limit);
            }
            if (stop.getAsBoolean()) {
                abandon();
                return "closed";
            }
            wait(checkMs);
        }
        return ending;
    }

    /** Waits up to {@code ms} for the thread to end (it closes the grabber as it ends). */
    boolean join(long ms) throws InterruptedException {
        thread.join(ms);
        return !thread.isAlive();
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3g s", nanos / 1e9);
    }
}
