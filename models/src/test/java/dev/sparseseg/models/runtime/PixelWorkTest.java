package dev.sparseseg.models.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ranges over the shared pool: every item once, failures rethrown, and no wait for a busy pool. */
class PixelWorkTest {
    private static final Duration HUNG = Duration.ofSeconds(20);

    @Test
    void everyItemRunsOnceInContiguousParts() {
        for (int n : new int[] {0, 1, 7, 100, 10_001}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
            PixelWork.of(2).forRange(n, 3, (from, to) -> {
                assertTrue(from < to, from + ".." + to);
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "item " + i + " of " + n);
            }
        }
    }

    @Test
    void aPartsFailureReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PixelWork.of(2).forRange(100, 1, (from, to) -> {
            if (from > 0) {
                throw new IllegalStateException("part from " + from);
            }
        }));
        assertEquals("part from 50", e.getMessage());
    }

    @Test
    void rangesNestInsideParts() {
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        assertTimeoutPreemptively(HUNG, () -> PixelWork.of(2).forRange(8, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                PixelWork.of(2).forRange(8, 1, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        seen.incrementAndGet(row * 8 + j);
                    }
                });
            }
        }));
        for (int i = 0; i < 64; i++) {
            assertEquals(1, seen.get(i), "item " + i);
        }
    }

    @Test
    void theCallerDoesTheWorkWhileThePoolIsBusy() throws InterruptedException {
        // A pool thread that is slow to get a core must not hold the caller up: with every pool
        // thread blocked, a range still completes, in the caller. Two ranges of 3 parts that block
        // in every part take both their callers and all 3 pool threads (4 parts are left to them).
        PixelWork work = PixelWork.of(3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(5);
        Thread[] blockers = new Thread[2];
        for (int b = 0; b < blockers.length; b++) {
            blockers[b] = new Thread(() -> work.forRange(3, 1, (from, to) -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            blockers[b].start();
        }
        try {
            assertTrue(blocked.await(HUNG.toSeconds(), TimeUnit.SECONDS), "pool threads not all busy");
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            assertTimeoutPreemptively(HUNG, () -> work.forRange(1000, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            }));
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, seen.get(i), "item " + i);
            }
        } finally {
            release.countDown();
            for (Thread t : blockers) {
                t.join();
            }
        }
    }
}
