package dev.sparseseg.models.coarse;

import dev.sparseseg.models.runtime.PixelWork;

/**
 * The coarse model's output for one frame: logits {@code [C, gridH, gridW]} plus the
 * mapping to the frame's full resolution.
 */
public final class CoarseLogits {
    /** Fewest cells worth a task of their own in {@link #cellTable}. */
    private static final int CELLS_PER_TASK = 2048;

    private final float[] data;
    private final int classes;
    private final GridMapping map;
    private final PixelWork work;
    /**
     * The logits cell by cell ([gridH * gridW, C]), built on first use by {@link #sample}.
     * The tables built on first use are built under the lock: stages read them from several threads.
     */
    private float[] cellMajor;
    /**
     * Logits, softmax and entropy cell by cell ([gridH * gridW, 2C + 1]), and the entropy
     * alone, built together on first use: selection needs the entropy, a refiner with a
     * cell summary the rest, and the exps are the expensive part.
     */
    private float[] table;
    private float[] entropy;
    /** Per cell: argmax and top-2 margin of the logits, built on first use. */
    private byte[] argmax;
    private float[] margin;

    public CoarseLogits(float[] data, int classes, GridMapping map) {
        this(data, classes, map, PixelWork.SERIAL);
    }

    /** @param work threads for the per-pixel work on these logits (upsampling, interpolated entropy) */
    public CoarseLogits(float[] data, int classes, GridMapping map, PixelWork work) {
        if (data.length < classes * map.gridW * map.gridH) {
            throw new IllegalArgumentException("logits hold " + data.length + " values, expected "
                    + classes * map.gridW * map.gridH);
        }
        this.data = data;
        this.classes = classes;
        this.map = map;
        this.work = work;
    }

    /** The threads that per-pixel work on these logits may use (the engine's). */
    public PixelWork work() {
        return work;
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
        return new CoarseLogits(data, classes, other, work);
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
        sampleOn(map, cellMajor(), x, y, out, off);
    }

    /** {@link #sample} at point (x, y) of another target of the same grid. */
    private void sampleOn(GridMapping map, float[] t, int x, int y, float[] out, int off) {
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

    /**
     * {@link #sample} at pixels {@code pixels[from .. to)} ({@code y * frameW + x}), into
     * {@code out} row by row (row i for pixel i).
     */
    public void sampleAll(int[] pixels, int from, int to, float[] out) {
        sampleRows(cellMajor(), classes, pixels, from, to, out, 0, classes, null, 0, 0);
    }

    /**
     * As {@link #sampleAll}, and also the coarse cells' softmax and entropy ({@code C + 1}
     * values), bilinearly interpolated like the logits, into {@code summary[i * stride +
     * off ..]}. Cheaper than softmax and entropy of the interpolated logits per pixel: the
     * exps happen once per cell.
     */
    public void sampleAllWithSummary(int[] pixels, int from, int to, float[] out, float[] summary, int off, int stride) {
        sampleRows(cellTable(), 2 * classes + 1, pixels, from, to, out, 0, classes, summary, off, stride);
    }

    /**
     * Bilinear interpolation of a cell-major table of {@code width} values per cell: the
     * first C go to {@code out1} (rows of {@code stride1} from {@code off1}), the rest to
     * {@code out2}. Separable: each frame row first interpolates, between its two source
     * rows, the grid columns its pixels need (once per row and column, shared by the
     * pixels between two cell centres), then each pixel interpolates between two columns.
     * Pixels may come in any order; ascending (as selections give them) visits each row once.
     */
    private void sampleRows(float[] t, int width, int[] pixels, int from, int to, float[] out1, int off1, int stride1,
                            float[] out2, int off2, int stride2) {
        int w = map.frameW;
        int gw = map.gridW;
        int n1 = classes;
        int n2 = width - n1;
        float[] column = new float[gw * width];
        int[] columnRow = new int[gw];
        java.util.Arrays.fill(columnRow, -1);
        int y = -1, rowStart = 0, rowEnd = 0;
        for (int i = from; i < to; i++) {
            int p = pixels[i];
            if (p >= rowEnd || p < rowStart) {
                y = p / w;
                rowStart = y * w;
                rowEnd = rowStart + w;
            }
            int x = p - rowStart;
            int c0 = map.bx0[x];
            int c1 = map.bx1[x];
            if (columnRow[c0] != y) {
                interpolateColumn(t, width, y, c0, column);
                columnRow[c0] = y;
            }
            if (columnRow[c1] != y) {
                interpolateColumn(t, width, y, c1, column);
                columnRow[c1] = y;
            }
            float fx = map.bfx[x];
            int a = c0 * width;
            int b = c1 * width;
            int o = i * stride1 + off1;
            for (int k = 0; k < n1; k++) {
                out1[o + k] = column[a + k] + fx * (column[b + k] - column[a + k]);
            }
            o = i * stride2 + off2 - n1;
            for (int k = n1; k < width; k++) {
                out2[o + k] = column[a + k] + fx * (column[b + k] - column[a + k]);
            }
        }
    }

    /** Grid column {@code gx} of the table interpolated at frame row {@code y}, into {@code column}. */
    private void interpolateColumn(float[] t, int width, int y, int gx, float[] column) {
        int a = (map.by0[y] * map.gridW + gx) * width;
        int b = (map.by1[y] * map.gridW + gx) * width;
        float fy = map.bfy[y];
        int o = gx * width;
        for (int k = 0; k < width; k++) {
            column[o + k] = t[a + k] + fy * (t[b + k] - t[a + k]);
        }
    }

    /** Softmax entropy of each grid cell, row-major (shared: do not modify). */
    public float[] cellEntropy() {
        cellTable();
        return entropy;
    }

    /**
     * Per cell: the logits, their softmax, and its entropy ([gridH * gridW, 2C + 1]),
     * built on first use, over the engine's threads: at 10,000 cells the exps take about
     * 2 ms, and the table comes before selection, which every frame waits for.
     */
    private synchronized float[] cellTable() {
        if (table == null) {
            float[] h = new float[map.gridW * map.gridH];
            float[] t = cellMajor();
            int cells = map.gridW * map.gridH;
            int width = 2 * classes + 1;
            float[] s = new float[cells * width];
            work.forRange(cells, CELLS_PER_TASK, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int o = i * width;
                    System.arraycopy(t, i * classes, s, o, classes);
                    h[i] = Entropy.softmax(t, i * classes, 1, classes, s, o + classes);
                    s[o + 2 * classes] = h[i];
                }
            });
            table = s;
            entropy = h;
        }
        return table;
    }

    /** The logits as [gridH * gridW, C], built on first use. */
    private synchronized float[] cellMajor() {
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

    /** Per-cell argmax on the grid (shared: do not modify). */
    public byte[] gridArgmax() {
        cellStats();
        return argmax;
    }

    /** Per cell: the argmax and the gap between the two highest logits. */
    private synchronized void cellStats() {
        if (argmax != null) {
            return;
        }
        int plane = map.gridW * map.gridH;
        byte[] best = new byte[plane];
        float[] gap = new float[plane];
        for (int i = 0; i < plane; i++) {
            int k = 0;
            float m = data[i];
            float second = Float.NEGATIVE_INFINITY;
            for (int c = 1; c < classes; c++) {
                float v = data[c * plane + i];
                if (v > m) {
                    second = m;
                    m = v;
                    k = c;
                } else if (v > second) {
                    second = v;
                }
            }
            best[i] = (byte) k;
            gap[i] = m - second;
        }
        argmax = best;
        margin = gap;
    }

    /**
     * Softmax entropy of the bilinearly interpolated logits at every point of {@code target}
     * (a mapping of this grid onto a finer grid, or onto the frame), row-major.
     *
     * <p>Points whose entropy is provably at most {@code floor} are not computed and read 0:
     * those between four cells that share their argmax k and whose top-2 margins are all at
     * least {@link Entropy#marginBelow(double, int)}. Interpolation is a convex combination,
     * so there the margin of k stays at least the smallest corner margin, and no
     * distribution with that margin has more entropy than the floor. Most of a frame is such
     * blocks, so the cost follows class boundaries and uncertain regions, not the target's size.
     */
    public float[] interpolatedEntropy(GridMapping target, double floor) {
        if (target.gridW != map.gridW || target.gridH != map.gridH) {
            throw new IllegalArgumentException("target maps a " + target.gridW + "x" + target.gridH + " grid, logits are "
                    + map.gridW + "x" + map.gridH);
        }
        cellStats();
        float[] t = cellMajor();
        float safe = (float) Entropy.marginBelow(floor, classes);
        float[] h = new float[target.frameW * target.frameH];
        int gw = map.gridW;
        int[] xs = target.xRuns;
        int[] ys = target.yRuns;
        work.forRange(ys.length - 1, 2, (from, to) -> {
            float[] v = new float[classes];
            for (int j = from; j < to; j++) {
                int yStart = ys[j], yEnd = ys[j + 1];
                int r0 = target.by0[yStart] * gw;
                int r1 = target.by1[yStart] * gw;
                for (int i = 0; i + 1 < xs.length; i++) {
                    int xStart = xs[i], xEnd = xs[i + 1];
                    int a = r0 + target.bx0[xStart], b = r0 + target.bx1[xStart];
                    int c = r1 + target.bx0[xStart], d = r1 + target.bx1[xStart];
                    byte k = argmax[a];
                    if (k == argmax[b] && k == argmax[c] && k == argmax[d]
                            && Math.min(Math.min(margin[a], margin[b]), Math.min(margin[c], margin[d])) >= safe) {
                        continue;
                    }
                    for (int y = yStart; y < yEnd; y++) {
                        for (int x = xStart; x < xEnd; x++) {
                            sampleOn(target, t, x, y, v, 0);
                            h[y * target.frameW + x] = Entropy.of(v, 0, 1, classes);
                        }
                    }
                }
            }
        });
        return h;
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
     * As {@link #upsampleArgmax(byte[])}, except that pixels of the cells marked in
     * {@code skipCells} (cells of the grid that {@code skipGrid} maps the frame onto) may be
     * left unwritten: the caller overwrites them.
     *
     * <p>Works block by block, a block being the pixels between four cell centres: most
     * blocks share one argmax and are filled without looking at a pixel.
     */
    public void upsampleArgmax(byte[] labels, boolean[] skipCells, GridMapping skipGrid) {
        byte[] cell = gridArgmax();
        float[] t = cellMajor();
        int gw = map.gridW;
        int fw = map.frameW;
        int[] xs = map.xRuns;
        int[] ys = map.yRuns;
        work.forRange(ys.length - 1, 2, (from, to) -> {
            int[] cand = new int[classes];
            for (int j = from; j < to; j++) {
                int yStart = ys[j], yEnd = ys[j + 1];
                int r0 = map.by0[yStart] * gw;
                int r1 = map.by1[yStart] * gw;
                for (int i = 0; i + 1 < xs.length; i++) {
                    int xStart = xs[i], xEnd = xs[i + 1];
                    int c0 = map.bx0[xStart];
                    int c1 = map.bx1[xStart];
                    byte a = cell[r0 + c0];
                    if (a == cell[r0 + c1] && a == cell[r1 + c0] && a == cell[r1 + c1]) {
                        for (int y = yStart; y < yEnd; y++) {
                            java.util.Arrays.fill(labels, y * fw + xStart, y * fw + xEnd, a);
                        }
                        continue;
                    }
                    int ta = (r0 + c0) * classes, tb = (r0 + c1) * classes;
                    int tc = (r1 + c0) * classes, td = (r1 + c1) * classes;
                    int m = candidates(t, ta, tb, tc, td, cand);
                    for (int y = yStart; y < yEnd; y++) {
                        int row = y * fw;
                        int skipRow = skipCells == null ? 0 : skipGrid.cellY[y] * skipGrid.gridW;
                        float fy = map.bfy[y];
                        for (int x = xStart; x < xEnd; x++) {
                            if (skipCells != null && skipCells[skipRow + skipGrid.cellX[x]]) {
                                continue;
                            }
                            // The weights and sum of sample(), over the candidate classes only.
                            float fx = map.bfx[x];
                            float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
                            int best = cand[0];
                            float top = w00 * t[ta + best] + w01 * t[tb + best] + w10 * t[tc + best] + w11 * t[td + best];
                            for (int q = 1; q < m; q++) {
                                int k = cand[q];
                                float v = w00 * t[ta + k] + w01 * t[tb + k] + w10 * t[tc + k] + w11 * t[td + k];
                                if (v > top) {
                                    top = v;
                                    best = k;
                                }
                            }
                            labels[row + x] = (byte) best;
                        }
                    }
                }
            }
        });
    }

    /**
     * The classes that can win anywhere between four cells (their logits at {@code t[a..]},
     * {@code t[b..]}, ...), in class order, into {@code cand}; returns how many. Interpolated
     * logits stay between their corners' least and greatest, so a class whose greatest
     * corner is below another class's least corner never wins: usually two or three remain.
     */
    private int candidates(float[] t, int a, int b, int c, int d, int[] cand) {
        float floor = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            floor = Math.max(floor, Math.min(Math.min(t[a + k], t[b + k]), Math.min(t[c + k], t[d + k])));
        }
        int m = 0;
        for (int k = 0; k < classes; k++) {
            if (Math.max(Math.max(t[a + k], t[b + k]), Math.max(t[c + k], t[d + k])) >= floor) {
                cand[m++] = k;
            }
        }
        return m;
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
