package dev.sparseseg.models;

import dev.sparseseg.models.image.Preprocess;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PreprocessTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] UNIT = {1 / 255f, 1 / 255f, 1 / 255f};

    static RgbFrame redRamp(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[i * 3] = (byte) (i * 10);
        }
        return new RgbFrame(w, h, rgb);
    }

    @Test
    void halvingAveragesTwoByTwoBlocks() {
        float[] t = Preprocess.toTensor(redRamp(4, 2), 2, 1, ZERO, UNIT, null);
        assertEquals((0 + 10 + 40 + 50) / 4f, t[0], 1e-3);
        assertEquals((20 + 30 + 60 + 70) / 4f, t[1], 1e-3);
        assertEquals(0f, t[2], 1e-6); // green plane
    }

    @Test
    void nonIntegerBinsOverlapLikeAdaptiveAveragePooling() {
        // 5 -> 2 columns: bins [0,3) and [2,5)
        float[] t = Preprocess.toTensor(redRamp(5, 1), 2, 1, ZERO, UNIT, null);
        assertEquals((0 + 10 + 20) / 3f, t[0], 1e-3);
        assertEquals((20 + 30 + 40) / 3f, t[1], 1e-3);
    }

    @Test
    void normalisationUsesMeanAndStd() {
        byte[] rgb = {(byte) 255, 0, (byte) 128};
        float[] t = Preprocess.toTensor(new RgbFrame(1, 1, rgb), 1, 1, new float[] {0.5f, 0f, 0f}, new float[] {0.5f, 1f, 1f}, null);
        assertEquals(1f, t[0], 1e-6);
        assertEquals(0f, t[1], 1e-6);
        assertEquals(128 / 255f, t[2], 1e-6);
    }

    @Test
    void scaledSidesRoundHalvesToEven() {
        assertEquals(180, Preprocess.scaledSide(360, 0.5, 1));
        assertEquals(1, Preprocess.scaledSide(1, 0.1, 1));
        assertEquals(2, Preprocess.scaledSide(5, 0.5, 1));
        assertEquals(4, Preprocess.scaledSide(7, 0.5, 1));
    }

    @Test
    void scaledSidesRoundToTheNearestMultiple() {
        assertEquals(192, Preprocess.scaledSide(360, 0.5, 32));   // 180: 12 from 192, 20 from 160
        assertEquals(352, Preprocess.scaledSide(720, 0.5, 32));   // 360: 8 from 352
        assertEquals(256, Preprocess.scaledSide(480, 0.5, 32));   // 240: halfway, to the even multiple
        assertEquals(704, Preprocess.scaledSide(720, 1.0, 32));   // 720: halfway, to the even multiple
        assertEquals(480, Preprocess.scaledSide(1920, 0.25, 32));
        assertEquals(32, Preprocess.scaledSide(20, 0.5, 32));     // never below one multiple
    }
}
