package dev.sparseseg.models.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

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
     * disjoint outputs.
     */
    public void forRange(int n, int minPerTask, Range body) {
        int parts = pool == null ? 1 : (int) Math.min(threads, n / (long) Math.max(1, minPerTask));
        if (parts <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[parts];
        for (int i = 0; i < parts; i++) {
            int from = (int) ((long) n * i / parts);
            int to = (int) ((long) n * (i + 1) / parts);
            tasks[i] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(from, to);
                }
            };
        }
        if (inPool()) {
            RecursiveAction.invokeAll(tasks);
        } else {
            pool.invoke(new RecursiveAction() {
                @Override
                protected void compute() {
                    invokeAll(tasks);
                }
            });
        }
    }

    private boolean inPool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }
}
