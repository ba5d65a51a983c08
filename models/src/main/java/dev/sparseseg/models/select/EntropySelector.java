package dev.sparseseg.models.select;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.Entropy;
import dev.sparseseg.models.coarse.GridMapping;

import java.util.Arrays;

/**
 * Stage 2: picks the pixels the coarse model is unsure of.
 *
 * <p>Entropy is computed on a selection grid and expanded to the frame by nearest
 * neighbour (as in the SparseRefine authors' code), so its cost follows the grid, not
 * the frame. The selection grid is the coarse model's output grid upsampled (bilinear)
 * {@code gridFactor} times: 1 uses the model's grid as is; larger factors select finer
 * blocks (the authors select at the coarse input's resolution). A cell is selected when
 * its entropy exceeds the threshold; with a pixel budget, the most uncertain cells above
 * the threshold are kept until the budget is spent.
 */
public final class EntropySelector {
    private final double threshold;
    private final int budget;
    private final int gridFactor;
    private GridMapping fine;
    private GridMapping fineToFrame;

    public EntropySelector(double threshold, int budget) {
        this(threshold, budget, 1);
    }

    /**
     * @param threshold  entropy (nats) above which a pixel is refined; >= 0
     * @param budget     most pixels refined per frame; 0 = no limit
     * @param gridFactor selection grid = model grid upsampled this many times; >= 1
     */
    public EntropySelector(double threshold, int budget, int gridFactor) {
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("entropy threshold " + threshold + " must be >= 0");
        }
        if (budget < 0) {
            throw new IllegalArgumentException("pixel budget " + budget + " must be >= 0 (0 = unlimited)");
        }
        if (gridFactor < 1) {
            throw new IllegalArgumentException("selection grid factor " + gridFactor + " must be >= 1");
        }
        this.threshold = threshold;
        this.budget = budget;
        this.gridFactor = gridFactor;
    }

    public double threshold() {
        return threshold;
    }

    public int budget() {
        return budget;
    }

    public int gridFactor() {
        return gridFactor;
    }

    /** Entropy of each cell of the grid {@code gridFactor} times finer than the model's. */
    private float[] fineEntropy(CoarseLogits logits) {
        GridMapping model = logits.mapping();
        int fw = model.gridW * gridFactor;
        int fh = model.gridH * gridFactor;
        if (fine == null || !fine.fits(fw, fh, model.gridW, model.gridH)
                || !fineToFrame.fits(model.frameW, model.frameH, fw, fh)) {
            fine = new GridMapping(fw, fh, model.gridW, model.gridH);
            fineToFrame = new GridMapping(model.frameW, model.frameH, fw, fh);
        }
        CoarseLogits onFine = logits.withMapping(fine);
        int c = logits.classes();
        float[] v = new float[c];
        float[] h = new float[fw * fh];
        for (int y = 0; y < fh; y++) {
            for (int x = 0; x < fw; x++) {
                onFine.sample(x, y, v, 0);
                h[y * fw + x] = Entropy.of(v, 0, 1, c);
            }
        }
        return h;
    }

    public Selection select(CoarseLogits logits) {
        float[] h = gridFactor == 1 ? logits.cellEntropy() : fineEntropy(logits);
        GridMapping m = gridFactor == 1 ? logits.mapping() : fineToFrame;
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
        return new Selection(pixels, n, m.frameW * m.frameH, chosen, m);
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
