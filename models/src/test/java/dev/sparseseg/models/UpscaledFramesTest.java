package dev.sparseseg.models;

import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.LabelMap;
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

    @Test
    void labelsAreCroppedAsTheFrameAndResizedByNearestNeighbour() {
        // 4x6 labels, row y holds class y; 16:9 keeps source rows 1.875 to 4.125, so the centres of
        // the 9 output rows, a quarter source row apart, fall at 2.0, 2.25, ..., 4.0.
        byte[] l = new byte[24];
        for (int i = 0; i < l.length; i++) {
            l[i] = (byte) (i / 4);
        }
        LabelMap up = UpscaledFrames.labels(new LabelMap(4, 6, l), 16, 9);
        int[] expected = {2, 2, 2, 2, 3, 3, 3, 3, 4};
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(expected[y], up.labels()[y * 16 + x], "row " + y + " column " + x);
            }
        }
        // Columns: 4 source columns to 16, each source column 4 times.
        byte[] cols = new byte[24];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = (byte) (i % 4);
        }
        LabelMap wide = UpscaledFrames.labels(new LabelMap(4, 6, cols), 16, 9);
        for (int x = 0; x < 16; x++) {
            assertEquals(x / 4, wide.labels()[5 * 16 + x], "column " + x);
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
