package dev.sparseseg.models.select;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;

import java.util.Arrays;

/**
 * Stage 2: picks the pixels the coarse model is unsure of.
 *
 * <p>Entropy is computed once per coarse grid cell and expanded to the frame by nearest
 * neighbour (as in the SparseRefine authors' code), so its cost follows the grid, not
 * the frame. A cell is selected when its entropy exceeds the threshold; with a pixel
 * budget, the most uncertain cells above the threshold are kept until the budget is spent.
 */
public final class EntropySelector {
    private final double threshold;
    private final int budget;

    /**
     * @param threshold entropy (nats) above which a pixel is refined; >= 0
     * @param budget    most pixels refined per frame; 0 = no limit
     */
    public EntropySelector(double threshold, int budget) {
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("entropy threshold " + threshold + " must be >= 0");
        }
        if (budget < 0) {
            throw new IllegalArgumentException("pixel budget " + budget + " must be >= 0 (0 = unlimited)");
        }
        this.threshold = threshold;
        this.budget = budget;
    }

    public double threshold() {
        return threshold;
    }

    public int budget() {
        return budget;
    }

    /** Entropy of each grid cell, row-major. */
    public static float[] cellEntropy(CoarseLogits logits) {
        GridMapping m = logits.mapping();
        int plane = m.gridW * m.gridH;
        float[] h = new float[plane];
        float[] raw = logits.raw();
        for (int i = 0; i < plane; i++) {
            h[i] = Entropy.of(raw, i, plane, logits.classes());
        }
        return h;
    }

    public Selection select(CoarseLogits logits) {
        GridMapping m = logits.mapping();
        float[] h = cellEntropy(logits);
        boolean[] chosen = new boolean[h.length];
        boolean any = false;
        for (int i = 0; i < h.length; i++) {
            chosen[i] = h[i] > threshold;
            any |= chosen[i];
        }
        if (!any) {
            return Selection.none(m.frameW * m.frameH);
        }
        if (budget > 0) {
            applyBudget(m, h, chosen);
        }
        int n = 0;
        for (int i = 0; i < chosen.length; i++) {
            n += chosen[i] ? m.cellPixels(i) : 0;
        }
        // Walk only the chosen cells' column ranges, row by row: pixels come out ascending.
        int[] pixels = new int[n];
        int k = 0;
        for (int y = 0; y < m.frameH; y++) {
            int rowCell = m.cellY[y] * m.gridW;
            int row = y * m.frameW;
            for (int gx = 0; gx < m.gridW; gx++) {
                if (chosen[rowCell + gx]) {
                    for (int x = m.colStart[gx]; x < m.colStart[gx + 1]; x++) {
                        pixels[k++] = row + x;
                    }
                }
            }
        }
        return new Selection(pixels, n, m.frameW * m.frameH, chosen);
    }

    /** Keeps the highest-entropy chosen cells whose pixels fit the budget. */
    private void applyBudget(GridMapping m, float[] h, boolean[] chosen) {
        Integer[] cand = new Integer[h.length];
        int k = 0;
        for (int i = 0; i < h.length; i++) {
            if (chosen[i]) {
                cand[k++] = i;
            }
        }
        cand = Arrays.copyOf(cand, k);
        Arrays.sort(cand, (a, b) -> Float.compare(h[b], h[a]));
        long spent = 0;
        for (int i : cand) {
            int size = m.cellPixels(i);
            if (spent + size <= budget) {
                spent += size;
            } else {
                chosen[i] = false;
            }
        }
    }
}
