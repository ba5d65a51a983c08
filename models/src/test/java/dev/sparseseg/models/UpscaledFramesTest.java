package dev.sparseseg.models;

import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class UpscaledFramesTest {
    @Test
    void sameSizeKeepsThePixels() {
        RgbFrame f = ramp(8, 6);
        assertArrayEquals(f.rgb(), UpscaledFrames.frame(f, 8, 6).rgb());
    }

    @Test
    void aTallerFrameIsCroppedToTheCentreAtTheTargetsAspect() {
        // 4x6 with rows of value 40 * y; 16:9 keeps rows 1.875 to 4.125, so output row centres fall
        // on source rows 1.5, 1.75, ..., 3.5 (16x9 output: a quarter source row each).
        RgbFrame f = new RgbFrame(4, 6, new byte[72]);
        for (int y = 0; y < 6; y++) {
            for (int i = 0; i < 12; i++) {
                f.rgb()[y * 12 + i] = (byte) (40 * y);
            }
        }
        RgbFrame up = UpscaledFrames.frame(f, 16, 9);
        assertEquals(16, up.width());
        assertEquals(9, up.height());
        for (int y = 0; y < 9; y++) {
            for (int i = 0; i < 16 * 3; i++) {
                assertEquals(60 + 10 * y, up.rgb()[y * 48 + i] & 0xFF, "row " + y);
            }
        }
    }

    private static RgbFrame ramp(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7);
        }
        return new RgbFrame(w, h, rgb);
    }
}
