package dev.sparseseg.models.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-pixel Java work (resizing, upsampling, featurizing) spread over a fixed number of
 * threads. At 1080p and 4K these loops cost as much as inference, so they get the same
 * cores ONNX Runtime gets; below {@code minPerTask} items a range runs in the caller.
 *
 * <p>One pool per thread count, shared by every engine of the JVM (daemon threads), so that
 * several operators of a TaskManager do not multiply threads.
 */
public final class PixelWork {
    public static final PixelWork SERIAL = new PixelWork(1, null);
    private static final ConcurrentHashMap<Integer, PixelWork> SHARED = new ConcurrentHashMap<>();

    private final int threads;
    private final ForkJoinPool pool;

    private PixelWork(int threads, ForkJoinPool pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /** The shared pool of {@code threads} threads (1 = run in the caller). */
    public static PixelWork of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("pixel work threads " + threads + " must be at least 1");
        }
        if (threads == 1) {
            return SERIAL;
        }
        return SHARED.computeIfAbsent(threads, t -> new PixelWork(t, new ForkJoinPool(t, p -> {
            ForkJoinWorkerThread w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            w.setName("sparseseg-pixels-" + w.getPoolIndex());
            w.setDaemon(true);
            return w;
        }, null, false)));
    }

    public int threads() {
        return threads;
    }

    /** A body over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in up to {@code threads} contiguous parts of at
     * least {@code minPerTask} items each, and returns when all are done. Parts must write
     * disjoint outputs. The first exception a part throws is rethrown here.
     *
     * <p>The caller runs parts too, taking them one by one with the pool's threads, and waits
     * only for parts already running elsewhere. On a virtual machine a woken pool thread can
     * take milliseconds to get a core; a caller that waited for it idled its own core
     * meanwhile, and two threads then took longer than one.
     */
    public void forRange(int n, int minPerTask, Range body) {
        int parts = pool == null ? 1 : (int) Math.min(threads, n / (long) Math.max(1, minPerTask));
        if (parts <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Parts work = new Parts(n, parts, body);
        for (int i = 1; i < parts; i++) {
            pool.execute(work::runParts);
        }
        work.runParts();
        work.awaitRunning();
    }

    /** The parts of one {@link #forRange} call, taken by whichever thread comes first. */
    private static final class Parts {
        private final int n;
        private final int count;
        private final Range body;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** The next part to take; guarded by this. */
        private int next;
        /** Parts taken and not yet done; guarded by this. */
        private int running;

        Parts(int n, int count, Range body) {
            this.n = n;
            this.count = count;
            this.body = body;
        }

        void runParts() {
            while (true) {
                int i;
                // Taking a part and counting it running are one step, so that a caller that finds
                // none left to take also finds every taken one counted.
                synchronized (this) {
                    if (next == count) {
                        return;
                    }
                    i = next++;
                    running++;
                }
                try {
                    if (failure.get() == null) {
                        body.run((int) ((long) n * i / count), (int) ((long) n * (i + 1) / count));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    synchronized (this) {
                        if (--running == 0) {
                            notifyAll();
                        }
                    }
                }
            }
        }

        /** Waits for the parts other threads took, once none is left to take, and rethrows a part's failure. */
        void awaitRunning() {
            boolean interrupted = false;
            synchronized (this) {
                while (running > 0) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
