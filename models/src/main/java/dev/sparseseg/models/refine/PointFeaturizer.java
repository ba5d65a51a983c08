package dev.sparseseg.models.refine;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.select.Selection;

/**
 * Per-pixel features for the refiner, gathered at full resolution for selected pixels only.
 *
 * <p>Layout of one row (the training code, {@code sparseseg_train/features.py}, builds the same):
 * <ol>
 *   <li>RGB patch: for each dilation d, for dy, dx in -r..r (r = (size-1)/2), the
 *       normalised R, G, B of pixel (x + dx*d, y + dy*d), clamped to the frame edge;</li>
 *   <li>the pixel's fractional position between coarse cells (y, then x);</li>
 *   <li>with a cell summary: the coarse cells' softmax (C values) and entropy, bilinearly
 *       interpolated like the logits.</li>
 * </ol>
 * The bilinear-upsampled coarse logits go to the refiner as a second input.
 */
public final class PointFeaturizer {
    private final int patch;
    private final int[] dilations;
    private final float[] scale = new float[3];
    private final float[] shift = new float[3];
    private final int classes;
    private final boolean cellSummary;
    private final int maxDilation;
    /** Patch offsets for frames of width {@link #offsetsWidth}. */
    private int[] offsets;
    private int offsetsWidth = -1;

    public PointFeaturizer(int patch, int[] dilations, float[] mean, float[] std, int classes, boolean cellSummary) {
        this.patch = patch;
        this.dilations = dilations.clone();
        this.classes = classes;
        this.cellSummary = cellSummary;
        this.maxDilation = java.util.Arrays.stream(dilations).max().orElse(1);
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            shift[c] = -mean[c] / std[c];
        }
    }

    /** Byte offsets of the patch's pixels from its centre in a frame of width {@code w}, in feature order. */
    private int[] patchOffsets(int w) {
        if (offsetsWidth != w) {
            int r = patch / 2;
            int[] o = new int[dilations.length * patch * patch];
            int k = 0;
            for (int d : dilations) {
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        o[k++] = (dy * d * w + dx * d) * 3;
                    }
                }
            }
            offsets = o;
            offsetsWidth = w;
        }
        return offsets;
    }

    public int featureCount() {
        return dilations.length * patch * patch * 3 + 2 + (cellSummary ? classes + 1 : 0);
    }

    /**
     * Fills {@code feats} ([N, F]) and {@code coarse} ([N, C], the upsampled coarse logits)
     * for the selected pixels. Arrays must hold at least N rows. Runs on the logits' threads.
     */
    public void featurize(RgbFrame frame, CoarseLogits logits, Selection sel, float[] feats, float[] coarse) {
        int n = sel.count();
        if (n == 0) {
            return;
        }
        int f = featureCount();
        int[] px = sel.pixels();
        int[] offsets = patchOffsets(frame.width());
        logits.work().forRange(n, 4096, (from, to) -> {
            gather(frame, logits.mapping(), px, from, to, offsets, feats);
            if (cellSummary) {
                logits.sampleAllWithSummary(px, from, to, coarse, feats, f - classes - 1, f);
            } else {
                logits.sampleAll(px, from, to, coarse);
            }
        });
    }

    /** RGB patch and position of pixels {@code px[from .. to)}. */
    private void gather(RgbFrame frame, GridMapping m, int[] px, int from, int to, int[] offsets, float[] feats) {
        int f = featureCount();
        int r = patch / 2;
        int w = frame.width();
        int h = frame.height();
        byte[] rgb = frame.rgb();
        float scale0 = scale[0], scale1 = scale[1], scale2 = scale[2];
        float shift0 = shift[0], shift1 = shift[1], shift2 = shift[2];
        int reach = r * maxDilation;
        int y = 0, rowStart = 0;
        for (int i = from; i < to; i++) {
            int p = px[i];
            if (p >= rowStart + w || p < rowStart) {
                y = p / w;
                rowStart = y * w;
            }
            int x = p - rowStart;
            int o = i * f;
            if (x >= reach && y >= reach && x < w - reach && y < h - reach) {
                // Inside the frame by the patch's reach: no clamping, fixed offsets.
                int base = p * 3;
                for (int d : offsets) {
                    int s = base + d;
                    feats[o++] = (rgb[s] & 0xFF) * scale0 + shift0;
                    feats[o++] = (rgb[s + 1] & 0xFF) * scale1 + shift1;
                    feats[o++] = (rgb[s + 2] & 0xFF) * scale2 + shift2;
                }
            } else {
                for (int d : dilations) {
                    for (int dy = -r; dy <= r; dy++) {
                        int sy = Math.min(Math.max(y + dy * d, 0), h - 1);
                        for (int dx = -r; dx <= r; dx++) {
                            int sx = Math.min(Math.max(x + dx * d, 0), w - 1);
                            int s = (sy * w + sx) * 3;
                            feats[o++] = (rgb[s] & 0xFF) * scale0 + shift0;
                            feats[o++] = (rgb[s + 1] & 0xFF) * scale1 + shift1;
                            feats[o++] = (rgb[s + 2] & 0xFF) * scale2 + shift2;
                        }
                    }
                }
            }
            feats[o] = m.fracY(y);
            feats[o + 1] = m.fracX(x);
        }
    }
}
