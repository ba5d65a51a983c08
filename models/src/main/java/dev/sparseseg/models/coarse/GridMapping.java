package dev.sparseseg.models.coarse;

/**
 * How full-resolution pixels map onto the coarse model's output grid, with PyTorch's
 * {@code interpolate} conventions (the reference the models were trained with):
 * bilinear with {@code align_corners=False} for logits, nearest for entropy cells.
 */
public final class GridMapping {
    public final int frameW;
    public final int frameH;
    public final int gridW;
    public final int gridH;
    /** Bilinear: left/right source columns and the weight of the right one, per frame column. */
    final int[] bx0;
    final int[] bx1;
    final float[] bfx;
    final int[] by0;
    final int[] by1;
    final float[] bfy;
    /**
     * Bilinear: starts of the runs of frame columns/rows that share both source cells
     * (one run per gap between two cell centres), ending with frameW/frameH.
     */
    final int[] xRuns;
    final int[] yRuns;
    /** Nearest: the grid column/row of each frame column/row. */
    public final int[] cellX;
    public final int[] cellY;
    /** Nearest: first frame column/row of each grid column/row (length grid + 1). */
    public final int[] colStart;
    public final int[] rowStart;

    public GridMapping(int frameW, int frameH, int gridW, int gridH) {
        this.frameW = frameW;
        this.frameH = frameH;
        this.gridW = gridW;
        this.gridH = gridH;
        bx0 = new int[frameW];
        bx1 = new int[frameW];
        bfx = new float[frameW];
        by0 = new int[frameH];
        by1 = new int[frameH];
        bfy = new float[frameH];
        linear(gridW, frameW, bx0, bx1, bfx);
        linear(gridH, frameH, by0, by1, bfy);
        xRuns = runs(bx0, bx1);
        yRuns = runs(by0, by1);
        cellX = nearest(gridW, frameW);
        cellY = nearest(gridH, frameH);
        colStart = starts(cellX, gridW);
        rowStart = starts(cellY, gridH);
    }

    /** Nearest maps are monotone, so each cell covers a contiguous (possibly empty) range. */
    private static int[] starts(int[] cellOf, int cells) {
        int[] start = new int[cells + 1];
        int d = 0;
        for (int c = 0; c <= cells; c++) {
            while (d < cellOf.length && cellOf[d] < c) {
                d++;
            }
            start[c] = d;
        }
        return start;
    }

    private static int[] runs(int[] i0, int[] i1) {
        int[] starts = new int[i0.length + 1];
        int k = 0;
        for (int d = 0; d < i0.length; d++) {
            if (d == 0 || i0[d] != i0[d - 1] || i1[d] != i1[d - 1]) {
                starts[k++] = d;
            }
        }
        starts[k++] = i0.length;
        return java.util.Arrays.copyOf(starts, k);
    }

    /** Whether this mapping serves a frame and grid of these sizes. */
    public boolean fits(int fw, int fh, int gw, int gh) {
        return fw == frameW && fh == frameH && gw == gridW && gh == gridH;
    }

    /** Number of frame pixels in grid cell {@code cell} under nearest mapping. */
    public int cellPixels(int cell) {
        int gy = cell / gridW;
        int gx = cell % gridW;
        return (rowStart[gy + 1] - rowStart[gy]) * (colStart[gx + 1] - colStart[gx]);
    }

    private static void linear(int in, int out, int[] i0, int[] i1, float[] frac) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = Math.max(scale * (d + 0.5f) - 0.5f, 0f);
            int lo = Math.min((int) src, in - 1);
            i0[d] = lo;
            i1[d] = lo < in - 1 ? lo + 1 : lo;
            frac[d] = src - lo;
        }
    }

    private static int[] nearest(int in, int out) {
        float scale = (float) in / out;
        int[] idx = new int[out];
        for (int d = 0; d < out; d++) {
            idx[d] = Math.min((int) Math.floor(d * scale), in - 1);
        }
        return idx;
    }

    /** Fractional position of a frame column/row between its two bilinear source cells. */
    public float fracX(int x) {
        return bfx[x];
    }

    public float fracY(int y) {
        return bfy[y];
    }
}
