package dev.sparseseg.connectors.video;

import dev.sparseseg.connectors.frame.FrameRecord;
import dev.sparseseg.connectors.source.LiveFrameReader;
import dev.sparseseg.connectors.source.LivePolicy;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live RTSP camera that comes back by itself. A camera never ends: when its stream fails,
 * ends or stalls (no frame for the stall timeout) it reconnects, after a backoff with jitter
 * (0.5 s doubling to 8 s); a camera that is down at the start is retried the same way.
 * A supervisor thread per camera runs the attempts, each a {@link CameraConnection} with its
 * own grabbing thread, so a read stuck in FFmpeg never holds up the job or the next attempt.
 *
 * <p>Frames are numbered on across reconnections. Under {@link LivePolicy#WAIT} the camera
 * waits for the job to take each frame; under {@link LivePolicy#DROP_OLDEST} only the newest
 * is kept and the ones it replaced are counted in the next record's {@code droppedBefore}.
 * State changes are logged; {@link #state()}, {@link #reconnects()} and
 * {@link #secondsSinceLastFrame()} are there for metrics. Neither logs nor exceptions show the
 * URL's credentials.
 */
public final class Camera implements LiveFrameReader {
    private static final System.Logger LOG = System.getLogger(Camera.class.getName());
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);
    static final long FIRST_RETRY_MS = 500;
    static final long LONGEST_RETRY_MS = 8_000;
    private static final long OPEN_SLACK_NS = 5_000_000_000L;
    /** How often the supervisor checks a connection for a stall. */
    private static final long WATCH_MS = 200;

    private final String location;
    private final String streamId;
    private final String shown;
    private final LivePolicy policy;
    private final Duration stallTimeout;
    private final Backoff backoff = new Backoff(FIRST_RETRY_MS, LONGEST_RETRY_MS);
    private final Thread supervisor;
    private final AtomicLong reconnects = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private volatile long lastFrameNanos;
    private volatile CameraState state = CameraState.CONNECTING;
    private volatile boolean closed;
    private volatile CameraConnection current;

    // Guarded by this: the frame handed from the connections to the job.
    private FrameRecord pending;
    private long dropped;
    private long nextSeq;
    private boolean wokenUp;

    /**
     * Starts connecting in the background; never fails because the camera is down.
     *
     * @param firstSeq number of the first frame (a restored split goes on from its position)
     */
    public Camera(String location, String streamId, LivePolicy policy, Duration stallTimeout, long firstSeq) {
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stall timeout " + stallTimeout + " must be positive");
        }
        this.location = location;
        this.streamId = streamId;
        this.shown = CameraUrls.redact(location);
        this.policy = policy;
        this.stallTimeout = stallTimeout;
        this.nextSeq = firstSeq;
        this.supervisor = new Thread(this::supervise, "camera-" + streamId);
        supervisor.setDaemon(true);
        supervisor.start();
    }

    public CameraState state() {
        return state;
    }

    /** Connection attempts after the first. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Since the last frame arrived, or since the camera was opened if none has yet. */
    public double secondsSinceLastFrame() {
        long last = lastFrameNanos;
        return (System.nanoTime() - (last == 0 ? startedNanos : last)) / 1e9;
    }

    public String streamId() {
        return streamId;
    }

    private void supervise() {
        int attempt = 0;
        String outage = null;  // why the camera is down, while it is
        try {
            // Loading FFmpeg's libraries takes seconds the first time: not a stall of the camera.
            VideoFrameReader.loadFFmpeg();
            while (!closed) {
                if (attempt > 0) {
                    reconnects.incrementAndGet();
                }
                change(CameraState.CONNECTING, outage == null, attempt > 0 ? "reconnect " + attempt : "first attempt");
                CameraConnection c = new CameraConnection(this, location, streamId, stallTimeout, ++attempt);
                current = c;
                c.start();
                // JavaCV tries an open twice, each bounded by FFmpeg's I/O timeout (the stall timeout).
                long openLimit = 2 * stallTimeout.toNanos() + OPEN_SLACK_NS;
                String why = c.await(stallTimeout.toNanos(), openLimit, WATCH_MS, () -> closed);
                if (closed) {
                    break;
                }
                if (c.frames() > 0) {
                    backoff.reset();
                }
                long delay = backoff.next();
                boolean newOutage = outage == null || c.frames() > 0;
                outage = why;
                change(CameraState.WAITING, newOutage, why + "; next attempt in " + seconds(delay));
                Thread.sleep(delay);
            }
        } catch (InterruptedException e) {
            // close() interrupts the backoff
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "camera " + streamId + ": " + e.getMessage());
        }
        change(CameraState.CLOSED, true, "closed");
    }

    /**
     * Logs a state change: at INFO when it matters to an operator (streaming again, a new
     * outage, closing), at DEBUG for the attempts that repeat while a camera stays down.
     */
    private void change(CameraState to, boolean notable, String detail) {
        CameraState from = state;
        state = to;
        if (from != to || notable) {
            LOG.log(notable || to == CameraState.STREAMING ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                    "camera {0} ({1}): {2}: {3}", streamId, shown, to.id(), detail);
        }
    }

    /** A connection's frame: false if the connection was abandoned or the camera closed (the frame is dropped). */
    synchronized boolean deliver(CameraConnection from, FrameRecord f) {
        if (from.abandoned() || closed) {
            return false;
        }
        lastFrameNanos = System.nanoTime();
        if (state != CameraState.STREAMING) {
            change(CameraState.STREAMING, true, "frames arriving" + (reconnects() > 0 ? " after " + reconnects() + " reconnects" : ""));
        }
        if (policy == LivePolicy.DROP_OLDEST) {
            if (pending != null) {
                dropped++;
            }
        } else {
            while (pending != null && !from.abandoned() && !closed) {
                try {
                    wait();  // the wait policy: the camera waits for the job
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (from.abandoned() || closed) {
                return false;
            }
        }
        f.seq = nextSeq++;
        pending = f;
        notifyAll();
        return true;
    }

    /** Wakes a connection waiting in {@link #deliver} to see that it was abandoned. */
    synchronized void wakeDeliveries() {
        notifyAll();
    }

    @Override
    public synchronized FrameRecord poll(long maxWaitMs) throws IOException {
        long deadline = System.nanoTime() + maxWaitMs * 1_000_000;
        while (pending == null && !wokenUp && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for camera " + streamId, e);
            }
        }
        wokenUp = false;
        if (closed) {
            throw new IOException("camera " + streamId + " is closed");
        }
        FrameRecord f = pending;
        if (f != null) {
            f.droppedBefore = dropped;
            dropped = 0;
            pending = null;
            notifyAll();
        }
        return f;
    }

    /** The next frame, however long the camera is down: a camera never ends. */
    @Override
    public FrameRecord read() throws IOException {
        FrameRecord f;
        while ((f = poll(1000)) == null) {
            // keep waiting
        }
        return f;
    }

    @Override
    public synchronized void wakeUp() {
        wokenUp = true;
        notifyAll();
    }

    /**
     * Stops reconnecting and abandons the connection; waits briefly for its grab to return so
     * that its grabber is closed before this returns, else it is closed when the grab returns.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        supervisor.interrupt();
        CameraConnection c = current;
        try {
            supervisor.join(5_000);
            if (c != null) {
                c.abandon();
                c.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "camera " + streamId + " (" + shown + ")";
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
