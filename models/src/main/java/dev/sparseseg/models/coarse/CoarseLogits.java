package dev.sparseseg.models.coarse;

/**
 * The coarse model's output for one frame: logits {@code [C, gridH, gridW]} plus the
 * mapping to the frame's full resolution.
 */
public final class CoarseLogits {
    private final float[] data;
    private final int classes;
    private final GridMapping map;
    /** The logits cell by cell ([gridH * gridW, C]), built on first use by {@link #sample}. */
    private float[] cellMajor;

    public CoarseLogits(float[] data, int classes, GridMapping map) {
        if (data.length < classes * map.gridW * map.gridH) {
            throw new IllegalArgumentException("logits hold " + data.length + " values, expected "
                    + classes * map.gridW * map.gridH);
        }
        this.data = data;
        this.classes = classes;
        this.map = map;
    }

    public int classes() {
        return classes;
    }

    /** The same logits sampled onto another target (a finer grid instead of the frame). */
    public CoarseLogits withMapping(GridMapping other) {
        if (other.gridW != map.gridW || other.gridH != map.gridH) {
            throw new IllegalArgumentException("mapping is for a " + other.gridW + "x" + other.gridH + " grid, logits are "
                    + map.gridW + "x" + map.gridH);
        }
        return new CoarseLogits(data, classes, other);
    }

    public GridMapping mapping() {
        return map;
    }

    /** Logit of class {@code c} at grid cell {@code cell}. */
    public float at(int c, int cell) {
        return data[c * map.gridW * map.gridH + cell];
    }

    public float[] raw() {
        return data;
    }

    /**
     * Bilinear-interpolated logits at frame pixel (x, y), written to {@code out[off .. off+C)}.
     * Reads the logits cell by cell, so that the four corners are four runs of C floats
     * rather than 4 x C reads across the class planes: the refiner samples tens of thousands
     * of pixels per frame, and upsampling every boundary pixel.
     */
    public void sample(int x, int y, float[] out, int off) {
        float[] t = cellMajor();
        int r0 = map.by0[y] * map.gridW;
        int r1 = map.by1[y] * map.gridW;
        int a = (r0 + map.bx0[x]) * classes;
        int b = (r0 + map.bx1[x]) * classes;
        int c = (r1 + map.bx0[x]) * classes;
        int d = (r1 + map.bx1[x]) * classes;
        float fy = map.bfy[y];
        float fx = map.bfx[x];
        float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
        for (int k = 0; k < classes; k++) {
            out[off + k] = w00 * t[a + k] + w01 * t[b + k] + w10 * t[c + k] + w11 * t[d + k];
        }
    }

    /** {@link #sample} at many pixels ({@code y * frameW + x}), into {@code out} row by row. */
    public void sampleAll(int[] pixels, int count, float[] out) {
        int w = map.frameW;
        for (int i = 0; i < count; i++) {
            sample(pixels[i] % w, pixels[i] / w, out, i * classes);
        }
    }

    /** The logits as [gridH * gridW, C], built on first use. */
    private float[] cellMajor() {
        if (cellMajor == null) {
            int cells = map.gridW * map.gridH;
            float[] t = new float[cells * classes];
            for (int c = 0; c < classes; c++) {
                for (int i = 0, base = c * cells; i < cells; i++) {
                    t[i * classes + c] = data[base + i];
                }
            }
            cellMajor = t;
        }
        return cellMajor;
    }

    /** Per-cell argmax on the grid. */
    public byte[] gridArgmax() {
        int plane = map.gridW * map.gridH;
        byte[] best = new byte[plane];
        for (int i = 0; i < plane; i++) {
            int k = 0;
            float m = data[i];
            for (int c = 1; c < classes; c++) {
                float v = data[c * plane + i];
                if (v > m) {
                    m = v;
                    k = c;
                }
            }
            best[i] = (byte) k;
        }
        return best;
    }

    /**
     * Argmax of the bilinear-upsampled logits at every frame pixel, into {@code labels}.
     *
     * <p>Exact shortcut: where the four source cells share an argmax k, every convex
     * combination of their logits also has argmax k, so interpolation is only needed
     * along class boundaries.
     */
    public void upsampleArgmax(byte[] labels) {
        upsampleArgmax(labels, null, null);
    }

    /**
     * As {@link #upsampleArgmax(byte[])}, leaving untouched the pixels of the cells marked in
     * {@code skipCells}, cells of the grid that {@code skipGrid} maps the frame onto.
     */
    public void upsampleArgmax(byte[] labels, boolean[] skipCells, GridMapping skipGrid) {
        byte[] cell = gridArgmax();
        float[] tmp = new float[classes];
        int gw = map.gridW;
        for (int y = 0; y < map.frameH; y++) {
            int r0 = map.by0[y] * gw;
            int r1 = map.by1[y] * gw;
            int row = y * map.frameW;
            int skipRow = skipCells == null ? 0 : skipGrid.cellY[y] * skipGrid.gridW;
            for (int x = 0; x < map.frameW; x++) {
                if (skipCells != null && skipCells[skipRow + skipGrid.cellX[x]]) {
                    continue;
                }
                int c0 = map.bx0[x];
                int c1 = map.bx1[x];
                byte a = cell[r0 + c0];
                if (a == cell[r0 + c1] && a == cell[r1 + c0] && a == cell[r1 + c1]) {
                    labels[row + x] = a;
                } else {
                    sample(x, y, tmp, 0);
                    labels[row + x] = (byte) argmax(tmp, 0, classes);
                }
            }
        }
    }

    public static int argmax(float[] v, int off, int n) {
        int k = 0;
        float m = v[off];
        for (int c = 1; c < n; c++) {
            if (v[off + c] > m) {
                m = v[off + c];
                k = c;
            }
        }
        return k;
    }
}
