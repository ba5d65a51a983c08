package dev.sparseseg.connectors.video;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between reconnection attempts: doubling from {@code initialMs} up to {@code maxMs},
 * each drawn between half and all of its step ("equal jitter"), so that cameras that dropped
 * together (a switch rebooted) do not all knock again at the same instant.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private long stepMs;

    Backoff(long initialMs, long maxMs) {
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff from " + initialMs + " ms to " + maxMs + " ms");
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.stepMs = initialMs;
    }

    /** The next delay in milliseconds; the step after it doubles. */
    long next() {
        long step = stepMs;
        stepMs = Math.min(maxMs, stepMs * 2);
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    /** Back to the first step: the camera delivered frames again. */
    void reset() {
        stepMs = initialMs;
    }
}
