package dev.sparseseg.models;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.select.EntropySelector;
import dev.sparseseg.models.select.Selection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SelectionTest {
    /**
     * 2x2 grid, 2 classes, over a 4x4 frame (each cell covers a 2x2 block).
     * Cell entropies: cell0 ~0, cell1 = ln 2 (0.693), cell2 0.582, cell3 ~0.
     */
    static CoarseLogits grid() {
        float[] c0 = {10f, 0f, 1f, -10f};
        float[] c1 = {0f, 0f, 0f, 0f};
        float[] data = new float[8];
        System.arraycopy(c0, 0, data, 0, 4);
        System.arraycopy(c1, 0, data, 4, 4);
        // cell2: logits (1, 0) -> H = 0.5822; cell3: (-10, 0) -> ~0
        return new CoarseLogits(data, 2, new GridMapping(4, 4, 2, 2));
    }

    @Test
    void thresholdSelectsCellsExpandedByNearestNeighbour() {
        Selection s = new EntropySelector(0.6, 0).select(grid());
        // only cell1 (top-right block): pixels (2,0),(3,0),(2,1),(3,1)
        assertArrayEquals(new int[] {2, 3, 6, 7}, s.pixels());
        assertEquals(0.25, s.fraction(), 1e-9);
    }

    @Test
    void lowerThresholdAddsTheNextCell() {
        Selection s = new EntropySelector(0.5, 0).select(grid());
        assertArrayEquals(new int[] {2, 3, 6, 7, 8, 9, 12, 13}, s.pixels());
    }

    @Test
    void budgetKeepsTheMostUncertainCellsThatFit() {
        // Budget of 6 pixels: cell1 (4 px, H=0.69) fits, cell2 (4 px, H=0.58) would exceed it.
        Selection s = new EntropySelector(0.0, 6).select(grid());
        assertArrayEquals(new int[] {2, 3, 6, 7}, s.pixels());
        Selection all = new EntropySelector(0.0, 16).select(grid());
        assertEquals(16, all.count());
    }

    @Test
    void nothingAboveThresholdSelectsNothing() {
        assertEquals(0, new EntropySelector(1.0, 0).select(grid()).count());
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EntropySelector(-0.1, 0));
        assertEquals("entropy threshold -0.1 must be >= 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EntropySelector(0.1, -5));
    }

    @Test
    void nonIntegerScalesMapEveryPixelToACell() {
        GridMapping m = new GridMapping(7, 5, 3, 2);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2, 2}, m.cellX); // floor(x * 3/7)
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, m.cellY);       // floor(y * 2/5)
        assertArrayEquals(new int[] {0, 3, 5, 7}, m.colStart);
        assertEquals(3 * 3, m.cellPixels(0));
        assertEquals(2 * 2, m.cellPixels(5));
    }

    @Test
    void finerSelectionGridSelectsSmallerBlocks() {
        // 1x2 model grid over an 8x2 frame; class-0 logits (0, 10), class 1 zero: cell 0 has H = ln 2.
        CoarseLogits l = new CoarseLogits(new float[] {0f, 10f, 0f, 0f}, 2, new GridMapping(8, 2, 2, 1));
        // Model grid: cell 0 covers columns 0..3.
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 9, 10, 11}, new EntropySelector(0.5, 0, 1).select(l).pixels());
        // Factor 2: fine columns carry class-0 logits 0, 2.5, 7.5, 10 (bilinear); entropies 0.693, 0.269, ~0, ~0.
        assertArrayEquals(new int[] {0, 1, 8, 9}, new EntropySelector(0.5, 0, 2).select(l).pixels());
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 9, 10, 11}, new EntropySelector(0.2, 0, 2).select(l).pixels());
    }

    @Test
    void finerGridSelectsOnlyTheBandBetweenTwoConfidentClasses() {
        // Two confident cells of different classes (logits (5, 0) and (0, 5), H = 0.04 each)
        // over an 8x1 frame. On the model grid nothing is uncertain; at factor 4 (one cell per
        // pixel) the interpolated logits cross over between pixels 3 and 4: margins 3.75, 1.25,
        // -1.25, -3.75 at pixels 2..5, entropies 0.11, 0.53, 0.53, 0.11.
        CoarseLogits l = new CoarseLogits(new float[] {5f, 0f, 0f, 5f}, 2, new GridMapping(8, 1, 2, 1));
        assertEquals(0, new EntropySelector(0.3, 0, 1).select(l).count());
        assertArrayEquals(new int[] {3, 4}, new EntropySelector(0.3, 0, 4).select(l).pixels());
        assertArrayEquals(new int[] {2, 3, 4, 5}, new EntropySelector(0.1, 0, 4).select(l).pixels());
    }

    @Test
    void budgetKeepsTheMostUncertainAmongManyCells() {
        // 64x48 cells of 2x2 pixels with random logits: the budgeted selection must be the
        // greedy pick in entropy order (up to cells of equal entropy bins at the cut).
        int gw = 64, gh = 48, c = 4;
        java.util.Random rnd = new java.util.Random(5);
        float[] data = new float[c * gw * gh];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian() * 2;
        }
        CoarseLogits l = new CoarseLogits(data, c, new GridMapping(2 * gw, 2 * gh, gw, gh));
        float[] h = l.cellEntropy().clone();
        int budget = 1000;
        Selection s = new EntropySelector(0.2, budget).select(l);
        assertEquals(true, s.count() <= budget && s.count() > budget - 4, "count " + s.count());
        float lowestKept = Float.MAX_VALUE;
        float highestDropped = -1;
        for (int i = 0; i < h.length; i++) {
            if (s.cells()[i]) {
                lowestKept = Math.min(lowestKept, h[i]);
            } else if (h[i] > 0.2) {
                highestDropped = Math.max(highestDropped, h[i]);
            }
        }
        // The cut falls inside one entropy bin of width ln(4) / 4096 at most.
        assertEquals(true, highestDropped <= lowestKept + Math.log(c) / 4096, highestDropped + " dropped above " + lowestKept);
        // An explicit per-frame limit (a latency budget's) overrides the configured one.
        assertEquals(400, new EntropySelector(0.2, budget).select(l, 400).count());
        assertEquals(0, new EntropySelector(0.2, budget).select(l, 0).count());
    }
}
