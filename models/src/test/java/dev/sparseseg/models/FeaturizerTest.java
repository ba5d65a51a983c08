package dev.sparseseg.models;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.refine.PointFeaturizer;
import dev.sparseseg.models.select.Selection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FeaturizerTest {
    @Test
    void gathersClampedPatchPositionAndUpsampledCoarseLogits() {
        // 3x2 frame; red channel = 10 * pixel index, green = 1, blue = 2.
        byte[] rgb = new byte[3 * 2 * 3];
        for (int p = 0; p < 6; p++) {
            rgb[p * 3] = (byte) (10 * p);
            rgb[p * 3 + 1] = 1;
            rgb[p * 3 + 2] = 2;
        }
        RgbFrame frame = new RgbFrame(3, 2, rgb);
        // Identity normalisation in 0..255 units: mean 0, std 1/255.
        float[] mean = {0, 0, 0};
        float[] std = {1 / 255f, 1 / 255f, 1 / 255f};
        // One-cell grid with logits (0, ln 3).
        CoarseLogits logits = new CoarseLogits(new float[] {0f, (float) Math.log(3)}, 2, new GridMapping(3, 2, 1, 1));
        PointFeaturizer f = new PointFeaturizer(3, new int[] {1}, mean, std, 2, false);
        assertEquals(27 + 2, f.featureCount());
        Selection sel = new Selection(new int[] {0, 5}, 2, 6);
        float[] feats = new float[2 * f.featureCount()];
        float[] coarse = new float[2 * 2];
        f.featurize(frame, logits, sel, feats, coarse);

        // Pixel 0 at (0,0): patch rows y=-1..1 clamp to 0,0,1; columns x=-1..1 clamp to 0,0,1.
        int[] expectRedP0 = {0, 0, 10, 0, 0, 10, 30, 30, 40};
        for (int k = 0; k < 9; k++) {
            assertEquals(expectRedP0[k], feats[k * 3], 1e-3, "red at patch position " + k);
            assertEquals(1f, feats[k * 3 + 1], 1e-3);
            assertEquals(2f, feats[k * 3 + 2], 1e-3);
        }
        // One grid cell: the bilinear source index clamps to 0, leaving fractional offsets of 0.
        assertEquals(0f, feats[27], 1e-6);
        assertEquals(0f, feats[28], 1e-6);
        assertEquals(0f, coarse[0], 1e-6);
        // Pixel 5 at (2,1): bottom-right patch values clamp to pixel 5 (red 50).
        int o = f.featureCount();
        assertEquals(50f, feats[o + 8 * 3], 1e-3);
        assertEquals(10f, feats[o], 1e-3); // (1,0)
        // Upsampled coarse logits are returned for the ensembler.
        assertEquals((float) Math.log(3), coarse[3], 1e-6);
    }

    @Test
    void cellSummaryAppendsInterpolatedSoftmaxAndEntropy() {
        RgbFrame frame = new RgbFrame(4, 1, new byte[4 * 3]);
        // Two cells side by side, softmax (1/4, 3/4) and (1/2, 1/2); frame 4x1 puts pixel 1
        // a quarter of the way from the first cell's centre to the second's.
        float ln3 = (float) Math.log(3);
        CoarseLogits logits = new CoarseLogits(new float[] {0f, 0f, ln3, 0f}, 2, new GridMapping(4, 1, 2, 1));
        PointFeaturizer f = new PointFeaturizer(1, new int[] {1}, new float[3], new float[] {1, 1, 1}, 2, true);
        assertEquals(3 + 2 + 3, f.featureCount());
        float[] feats = new float[2 * f.featureCount()];
        f.featurize(frame, logits, new Selection(new int[] {0, 1}, 2, 4), feats, new float[2 * 2]);
        double h0 = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
        double h1 = Math.log(2);
        // Pixel 0 sits on the first cell (clamped); pixel 1: weights 0.75 and 0.25.
        assertEquals(0.25, feats[5], 1e-6);
        assertEquals(0.75, feats[6], 1e-6);
        assertEquals(h0, feats[7], 1e-6);
        int o = f.featureCount();
        assertEquals(0.75 * 0.25 + 0.25 * 0.5, feats[o + 5], 1e-6);
        assertEquals(0.75 * 0.75 + 0.25 * 0.5, feats[o + 6], 1e-6);
        assertEquals(0.75 * h0 + 0.25 * h1, feats[o + 7], 1e-6);
    }
}
