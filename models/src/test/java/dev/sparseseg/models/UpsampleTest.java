package dev.sparseseg.models;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;
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
        Random rnd = new Random(42);
        int c = 5, gw = 9, gh = 7, fw = 37, fh = 29;
        float[] data = new float[c * gw * gh];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian() * 3;
        }
        CoarseLogits l = new CoarseLogits(data, c, new GridMapping(fw, fh, gw, gh));
        byte[] fast = new byte[fw * fh];
        l.upsampleArgmax(fast);
        byte[] slow = new byte[fw * fh];
        float[] v = new float[c];
        for (int y = 0; y < fh; y++) {
            for (int x = 0; x < fw; x++) {
                l.sample(x, y, v, 0);
                slow[y * fw + x] = (byte) CoarseLogits.argmax(v, 0, c);
            }
        }
        assertArrayEquals(slow, fast);
    }
}
