package dev.sparseseg.models.select;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;

/**
 * Stage 2: picks the pixels the coarse model is unsure of.
 *
 * <p>Entropy is computed on a selection grid and expanded to the frame by nearest
 * neighbour (as in the SparseRefine authors' code). The selection grid is the coarse
 * model's output grid upsampled {@code gridFactor} times: 1 uses the model's cells as
 * they are; larger factors take the entropy of the bilinearly interpolated logits at each
 * finer cell, so that around a class boundary only the band of uncertain cells is refined,
 * not the whole coarse cells it crosses (at 1080p a coarse cell is 16x16 pixels). Blocks
 * that provably stay under the threshold are skipped, so the cost follows the boundaries.
 * A cell is selected when its entropy exceeds the threshold; with a pixel budget, the most
 * uncertain cells above the threshold are kept until the budget is spent.
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

    /**
     * Entropy of each cell of the grid {@code gridFactor} times finer than the model's, from
     * the interpolated logits; cells that cannot exceed the threshold read 0.
     */
    private float[] fineEntropy(CoarseLogits logits) {
        GridMapping model = logits.mapping();
        int fw = model.gridW * gridFactor;
        int fh = model.gridH * gridFactor;
        if (fine == null || !fine.fits(fw, fh, model.gridW, model.gridH)
                || !fineToFrame.fits(model.frameW, model.frameH, fw, fh)) {
            fine = new GridMapping(fw, fh, model.gridW, model.gridH);
            fineToFrame = new GridMapping(model.frameW, model.frameH, fw, fh);
        }
        return logits.interpolatedEntropy(fine, threshold);
    }

    /** The pixels above the threshold, at most the configured budget of them. */
    public Selection select(CoarseLogits logits) {
        return select(logits, budget > 0 ? budget : Long.MAX_VALUE);
    }

    /**
     * The pixels above the threshold, the most uncertain first when more than
     * {@code maxPixels} are (a latency budget's share of this frame).
     */
    public Selection select(CoarseLogits logits, long maxPixels) {
        float[] h = gridFactor == 1 ? logits.cellEntropy() : fineEntropy(logits);
        GridMapping m = gridFactor == 1 ? logits.mapping() : fineToFrame;
        boolean[] chosen = new boolean[h.length];
        long n = 0;
        for (int i = 0; i < h.length; i++) {
            if (h[i] > threshold) {
                chosen[i] = true;
                n += m.cellPixels(i);
            }
        }
        if (n > maxPixels) {
            n = keepMostUncertain(m, h, chosen, maxPixels);
        }
        if (n == 0) {
            return Selection.none(m.frameW * m.frameH);
        }
        // Walk only the chosen cells' column ranges, row by row: pixels come out ascending.
        int[] pixels = new int[(int) n];
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
        return new Selection(pixels, (int) n, m.frameW * m.frameH, chosen, m);
    }

    /**
     * Keeps the highest-entropy chosen cells whose pixels fit {@code maxPixels}; returns the
     * pixels kept. Linear in the cells: entropies are binned finely (ln C spans the range, so
     * a bin is under a thousandth of a nat), bins are taken from the top while they fit, and
     * the bin that does not fit whole gives its cells in grid order while they do.
     */
    private static long keepMostUncertain(GridMapping m, float[] h, boolean[] chosen, long maxPixels) {
        final int bins = 4096;
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (int i = 0; i < h.length; i++) {
            if (chosen[i]) {
                lo = Math.min(lo, h[i]);
                hi = Math.max(hi, h[i]);
            }
        }
        float width = Math.max(hi - lo, 1e-12f) / bins;
        long[] pixelsIn = new long[bins + 1];
        for (int i = 0; i < h.length; i++) {
            if (chosen[i]) {
                pixelsIn[bin(h[i], lo, width, bins)] += m.cellPixels(i);
            }
        }
        int cut = bins;
        long spent = 0;
        while (cut >= 0 && spent + pixelsIn[cut] <= maxPixels) {
            spent += pixelsIn[cut--];
        }
        for (int i = 0; i < h.length; i++) {
            if (chosen[i]) {
                int b = bin(h[i], lo, width, bins);
                if (b < cut) {
                    chosen[i] = false;
                } else if (b == cut) {
                    int size = m.cellPixels(i);
                    if (spent + size <= maxPixels) {
                        spent += size;
                    } else {
                        chosen[i] = false;
                    }
                }
            }
        }
        return spent;
    }

    private static int bin(float v, float lo, float width, int bins) {
        return Math.min(bins, (int) ((v - lo) / width));
    }
}
