package dev.sparseseg.connectors.frame;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PalettePngTest {
    private static final int[] PALETTE = {0x808080, 0x800000, 0xC0C080};

    /** Horizontal runs that change from row to row, plus an id beyond the palette. */
    static byte[] labels(int w, int h) {
        byte[] l = new byte[w * h];
        Random r = new Random(5);
        for (int y = 0; y < h; y++) {
            int edge = w / 3 + r.nextInt(w / 3);
            for (int x = 0; x < w; x++) {
                l[y * w + x] = (byte) (x < edge ? 0 : y % 7 == 0 ? 2 : 1);
            }
        }
        l[w * h - 1] = 9;
        return l;
    }

    @Test
    void roundTripsExactLabelsAndShowsTheClassColours() throws IOException {
        int w = 123;
        int h = 45;
        byte[] labels = labels(w, h);
        byte[] png = PalettePng.encode(labels, w, h, PALETTE);

        PalettePng.Decoded d = PalettePng.decode(png);
        assertEquals(w, d.width());
        assertEquals(h, d.height());
        assertArrayEquals(labels, d.labels());

        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(img.getColorModel() instanceof IndexColorModel, "a palette image");
        assertEquals(0x800000, img.getRGB(w - 1, 1) & 0xFFFFFF, "class 1 in its colour");
        assertEquals(0x000000, img.getRGB(w - 1, h - 1) & 0xFFFFFF, "an id beyond the palette shows black");
        assertTrue(png.length < w * h / 4, "label maps compress: " + png.length + " bytes");
    }

    @Test
    void refusesMismatchedSizesAndPalettes() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> PalettePng.encode(new byte[10], 4, 4, PALETTE));
        assertTrue(size.getMessage().contains("4x4"), size.getMessage());
        IllegalArgumentException pal = assertThrows(IllegalArgumentException.class,
                () -> PalettePng.encode(new byte[16], 4, 4, new int[257]));
        assertTrue(pal.getMessage().contains("257"), pal.getMessage());
    }
}
