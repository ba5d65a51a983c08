package dev.sparseseg.models;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmentation;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.select.LatencyBudget;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyBudgetTest {
    @Test
    void pixelBudgetFollowsTheMeasuredCost() {
        // Simulated frames: 5 ms fixed after coarse inference, 200 ns per refined pixel, 20 ms coarse.
        LatencyBudget b = new LatencyBudget(50);
        long coarse = 20_000_000L;
        for (int frame = 0; frame < 50; frame++) {
            long pixels = b.pixels(coarse);
            int refined = (int) Math.min(pixels, 500_000);
            b.record(coarse, 0, 200L * refined, 0, 5_000_000L, refined);
        }
        assertEquals(200, b.nsPerPixel(), 1, "the first guess has faded");
        // 50 - 20 - 5 ms left (the fixed part no longer varies) at 200 ns: 125,000 pixels.
        assertEquals(125_000, b.pixels(coarse), 125_000 * 0.02);
        assertEquals(0, b.pixels(49_000_000L), "nothing fits after 49 ms");
    }

    @Test
    void framesOverTheBudgetShrinkTheShare() {
        LatencyBudget b = new LatencyBudget(50);
        b.record(9_000_000L, 0, 50_000_000L, 0, 1_000_000L, 100_000);
        long afterOverrun = b.pixels(10_000_000L);
        b.record(9_000_000L, 0, 50_000_000L, 0, 1_000_000L, 100_000);
        assertTrue(b.pixels(10_000_000L) < afterOverrun, "a second overrun must lower the budget");
    }

    @Test
    void aColdFirstFrameDoesNotStopRefinement() {
        // A fresh engine's first refined frame: 256 pixels in 50 ms (ONNX Runtime's first call,
        // the JIT), then 200 ns per pixel. Taken alone, 195 us per pixel left 25 ms for 128
        // pixels, less than one 16x16 cell, so nothing was refined or measured again.
        LatencyBudget b = new LatencyBudget(50);
        long coarse = 20_000_000L;
        b.record(coarse, 0, 50_000_000L, 0, 5_000_000L, 256);
        assertTrue(b.pixels(coarse) >= 256, "budget after the cold frame: " + b.pixels(coarse));
        for (int frame = 0; frame < 60; frame++) {
            int refined = (int) (b.pixels(coarse) / 256 * 256); // whole cells, as the selector takes them
            b.record(coarse, 0, 200L * refined, 0, 5_000_000L, refined);
        }
        assertEquals(200, b.nsPerPixel(), 10, "the estimate after 60 frames at 200 ns");
        // 125,000 pixels at 200 ns, less the half the overrun took, which grows back by 0.1% a frame.
        assertTrue(b.pixels(coarse) > 60_000, "budget " + b.pixels(coarse) + " pixels after 60 frames at 200 ns");
    }

    @Test
    void overrunsWithNothingRefinedLeaveTheShare() {
        // A slow coarse pass (the JIT warming up, a core taken away) is over the budget whatever refines.
        LatencyBudget b = new LatencyBudget(50);
        b.record(20_000_000L, 0, 2_000_000L, 0, 5_000_000L, 10_000);
        long before = b.pixels(20_000_000L);
        for (int frame = 0; frame < 10; frame++) {
            b.record(70_000_000L, 0, 0, 0, 5_000_000L, 0);
        }
        assertEquals(before, b.pixels(20_000_000L), before * 0.01);
    }

    @Test
    void badBudgetsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LatencyBudget(-5));
        assertEquals("latency budget -5.0 ms must be a positive number", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LatencyBudget(Double.NaN));
    }

    /**
     * A 1280x720 noise frame with threshold 0 selects every pixel: unbudgeted, refining
     * them takes several times the budget; with it, frames refine what fits. The budget is
     * set from this machine's own coarse-only time, and the check has room for noise on a
     * shared machine, but not for a budget that is ignored. Twice the coarse-only time was
     * not enough room: in a warm JVM under CI's load (a 44 ms budget, 28 ms per frame before
     * any refinement) the fixed part's planned tail took the rest and nothing was refined.
     */
    @Test
    void aBudgetKeepsASyntheticFrameUnderIt() {
        RgbFrame frame = noise(1280, 720, 3);
        try (Models models = Models.load(TestModels.cpu().withThreshold(0.0))) {
            Segmenter low = models.denseLow();
            long[] lowNs = new long[7];
            for (int i = 0; i < lowNs.length; i++) {
                lowNs[i] = low.segment(frame).timings().totalNs();
            }
            double budgetMs = Math.max(3 * median(lowNs) / 1e6, 60);
            Segmentation unbudgeted = models.sparse().segment(frame);
            assertTrue(unbudgeted.refinedPixels() > 0.9 * frame.pixels(), "refined " + unbudgeted.refinedPixels());
            assertEquals(-1, unbudgeted.pixelBudget());

            try (Models budgeted = Models.load(TestModels.cpu().withThreshold(0.0).withLatencyBudgetMs(budgetMs))) {
                Segmenter sparse = budgeted.sparse();
                long[] ms = new long[15];
                Segmentation last = null;
                // A fresh engine's first frames are slow (ONNX Runtime's first calls, the JIT) and
                // the budget holds refinement back until their cost has faded from its means.
                for (int i = 0; i < 60; i++) {
                    last = sparse.segment(frame);
                    if (i >= 45) {
                        ms[i - 45] = last.timings().totalNs();
                    }
                }
                double medianMs = median(ms) / 1e6;
                System.out.printf("latency budget %.1f ms: median %.1f ms, %d of %d pixels refined (budget %d); "
                                + "unbudgeted %.1f ms%n", budgetMs, medianMs, last.refinedPixels(), frame.pixels(),
                        last.pixelBudget(), unbudgeted.timings().totalNs() / 1e6);
                assertTrue(last.pixelBudget() >= 0, "the pixel budget is reported");
                assertTrue(last.refinedPixels() <= last.pixelBudget(), "refined more than the budget allowed");
                assertTrue(last.refinedPixels() > 0, "a budget of three times the coarse time leaves room to refine");
                assertTrue(medianMs <= 1.5 * budgetMs, "median " + medianMs + " ms over the " + budgetMs + " ms budget");
            }
        }
    }

    private static RgbFrame noise(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbFrame(w, h, rgb);
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
