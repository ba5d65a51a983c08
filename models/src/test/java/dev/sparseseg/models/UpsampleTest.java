package dev.sparseseg.models;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.Entropy;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.runtime.PixelWork;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class UpsampleTest {
    @Test
    void bilinearMatchesPyTorchAlignCornersFalse() {
        // 1 class, grid 1x2 = [0, 10], frame 1x4: PyTorch gives [0, 2.5, 7.5, 10].
        CoarseLogits l = new CoarseLogits(new float[] {0f, 10f}, 1, new GridMapping(4, 1, 2, 1));
        float[] out = new float[1];
        float[] expected = {0f, 2.5f, 7.5f, 10f};
        for (int x = 0; x < 4; x++) {
            l.sample(x, 0, out, 0);
            assertEquals(expected[x], out[0], 1e-6, "x=" + x);
        }
    }

    @Test
    void shortcutArgmaxEqualsFullInterpolationEverywhere() {
        // Noisy logits (few uniform blocks) and banded ones (mostly uniform blocks), at
        // integer and fractional upsampling ratios.
        int[][] sizes = {{9, 7, 37, 29}, {60, 45, 480, 360}, {120, 90, 480, 360}, {13, 11, 50, 23}};
        for (int[] s : sizes) {
            for (boolean banded : new boolean[] {false, true}) {
                CoarseLogits l = logits(5, s[0], s[1], s[2], s[3], banded, 42);
                byte[] fast = new byte[s[2] * s[3]];
                l.upsampleArgmax(fast);
                assertArrayEquals(slowArgmax(l), fast, java.util.Arrays.toString(s) + (banded ? " banded" : " noisy"));
            }
        }
    }

    @Test
    void skippedCellsAreTheOnlyPixelsLeftUnwritten() {
        CoarseLogits l = logits(5, 60, 45, 480, 360, true, 7);
        GridMapping m = l.mapping();
        boolean[] skip = new boolean[60 * 45];
        Random rnd = new Random(3);
        for (int i = 0; i < skip.length; i++) {
            skip[i] = rnd.nextInt(4) == 0;
        }
        byte[] fast = new byte[480 * 360];
        java.util.Arrays.fill(fast, (byte) -1);
        l.upsampleArgmax(fast, skip, m);
        byte[] slow = slowArgmax(l);
        for (int y = 0; y < 360; y++) {
            for (int x = 0; x < 480; x++) {
                int p = y * 480 + x;
                if (!skip[m.cellY[y] * 60 + m.cellX[x]]) {
                    assertEquals(slow[p], fast[p], "pixel " + x + "," + y);
                } else if (fast[p] != -1) {
                    assertEquals(slow[p], fast[p], "written skipped pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void interpolatedEntropySkipsOnlyBlocksThatCannotExceedTheFloor() {
        for (boolean banded : new boolean[] {false, true}) {
            CoarseLogits noisy = logits(5, 30, 20, 240, 160, banded, 9);
            // Banded logits made confident (margins around 10), as a trained model's mostly are.
            float[] data = noisy.raw().clone();
            for (int i = 0; i < data.length; i++) {
                data[i] *= banded ? 2.5f : 1f;
            }
            CoarseLogits l = new CoarseLogits(data, 5, noisy.mapping());
            GridMapping fine = new GridMapping(120, 80, 30, 20);
            CoarseLogits onFine = l.withMapping(fine);
            float floor = 0.4f;
            float[] fast = l.interpolatedEntropy(fine, floor);
            float[] v = new float[5];
            int skipped = 0;
            for (int y = 0; y < 80; y++) {
                for (int x = 0; x < 120; x++) {
                    onFine.sample(x, y, v, 0);
                    float h = Entropy.of(v, 0, 1, 5);
                    float got = fast[y * 120 + x];
                    if (got == 0 && h > 0) {
                        skipped++;
                        assertEquals(true, h <= floor, "skipped point " + x + "," + y + " has entropy " + h);
                    } else {
                        assertEquals(h, got, 1e-6f, "point " + x + "," + y);
                    }
                }
            }
            if (banded) {
                assertEquals(true, skipped > 120 * 80 / 2, "only " + skipped + " points skipped");
            }
        }
    }

    @Test
    void parallelUpsamplingAndEntropyEqualSerial() {
        CoarseLogits serial = logits(5, 60, 45, 480, 360, true, 4);
        CoarseLogits parallel = new CoarseLogits(serial.raw(), 5, serial.mapping(), PixelWork.of(3));
        byte[] a = new byte[480 * 360];
        byte[] b = new byte[480 * 360];
        serial.upsampleArgmax(a);
        parallel.upsampleArgmax(b);
        assertArrayEquals(a, b);
        GridMapping fine = new GridMapping(240, 180, 60, 45);
        assertArrayEquals(serial.interpolatedEntropy(fine, 0.3), parallel.interpolatedEntropy(fine, 0.3));
    }

    /** Random logits; banded ones favour one class per vertical band of grid columns. */
    private static CoarseLogits logits(int c, int gw, int gh, int fw, int fh, boolean banded, long seed) {
        Random rnd = new Random(seed);
        float[] data = new float[c * gw * gh];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < gw * gh; i++) {
                float noise = (float) rnd.nextGaussian() * 3;
                data[k * gw * gh + i] = banded ? noise * 0.2f + ((i % gw) * c / gw == k ? 4f : 0f) : noise;
            }
        }
        return new CoarseLogits(data, c, new GridMapping(fw, fh, gw, gh));
    }

    private static byte[] slowArgmax(CoarseLogits l) {
        GridMapping m = l.mapping();
        byte[] slow = new byte[m.frameW * m.frameH];
        float[] v = new float[l.classes()];
        for (int y = 0; y < m.frameH; y++) {
            for (int x = 0; x < m.frameW; x++) {
                l.sample(x, y, v, 0);
                slow[y * m.frameW + x] = (byte) CoarseLogits.argmax(v, 0, l.classes());
            }
        }
        return slow;
    }
}
