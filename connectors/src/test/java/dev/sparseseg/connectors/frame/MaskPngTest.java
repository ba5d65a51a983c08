package dev.sparseseg.connectors.frame;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskPngTest {

    @Test
    void selectedPixelsAreOpaqueMagentaAndTheRestTransparent() throws Exception {
        // 13 columns: rows end mid-byte, so the padding bits must stay clear.
        int w = 13;
        int h = 5;
        int[] pixels = {0, 7, 8, 12, 13, 2 * 13 + 5, 4 * 13 + 12, -1};
        Set<Integer> selected = new HashSet<>();
        for (int i = 0; i < pixels.length - 1; i++) {
            selected.add(pixels[i]);
        }
        byte[] png = MaskPng.encode(MaskPng.pack(pixels, pixels.length - 1, w, h), w, h);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                if (selected.contains(y * w + x)) {
                    assertEquals(0xFF000000 | MaskPng.COLOUR, argb, "refined pixel " + x + "," + y);
                } else {
                    assertEquals(0, argb >>> 24, "pixel " + x + "," + y + " must be transparent");
                }
            }
        }
    }

    @Test
    void anEmptySelectionIsAFullyTransparentMask() throws Exception {
        byte[] png = MaskPng.encode(MaskPng.pack(new int[0], 0, 480, 360), 480, 360);
        assertTrue(png.length < 1000, "an empty 480x360 mask takes " + png.length + " bytes");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(0, img.getRGB(240, 180) >>> 24);
    }

    @Test
    void pixelsOutsideTheFrameAreRefusedNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskPng.pack(new int[] {20}, 1, 4, 5));
        assertTrue(e.getMessage().contains("pixel 20"), e.getMessage());
    }
}
