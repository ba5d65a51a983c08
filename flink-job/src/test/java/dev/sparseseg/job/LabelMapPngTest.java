package dev.sparseseg.job;

import dev.sparseseg.connectors.frame.PalettePng;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The job's label-map PNGs, deflated in parallel bands at camera resolutions, read back the
 * same class ids with ImageIO and with the engine's own PNG decoder (libdeflate).
 */
class LabelMapPngTest {
    /** Colour i has red i: the decoded RGB gives the class id back. */
    static final int[] PALETTE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            PALETTE[i] = i << 16 | (255 - i) << 8 | (i * 7 & 0xFF);
        }
    }

    @Test
    void camvidLabelsAtCameraResolutionsReadBackWithBothDecoders() throws IOException {
        DatasetSplit val = new DatasetSplit(DatasetSplit.defaultCamVid(), "val");
        int[][] sizes = {{3840, 2160}, {1920, 1080}, {2561, 1439}, {480, 360}};
        for (int s = 0; s < sizes.length; s++) {
            LabelMap m = UpscaledFrames.upscale(val.labels(s), sizes[s][0], sizes[s][1]);
            String what = m.width() + "x" + m.height();
            byte[] png = PalettePng.encode(m.labels(), m.width(), m.height(), PALETTE);

            assertArrayEquals(m.labels(), PalettePng.decode(png).labels(), what + " through ImageIO");
            RgbFrame rgb = ImageFiles.decodeRgb(png, what);
            assertEquals(m.width(), rgb.width());
            byte[] ids = new byte[rgb.pixels()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rgb.rgb()[3 * i];
            }
            assertArrayEquals(m.labels(), ids, what + " through PngDecoder");
        }
    }
}
