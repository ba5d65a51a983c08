package dev.sparseseg.connectors.frame;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.Adler32;

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
    /** Blocks of classes whose edges fall on and beside the band boundaries of {@code bands} bands. */
    static byte[] blocky(int w, int h, int bands, long seed) {
        byte[] l = new byte[w * h];
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            boolean boundary = false;
            for (int b = 1; b < bands; b++) {
                int y0 = (int) ((long) h * b / bands);
                boundary |= Math.abs(y - y0) <= 1;
            }
            for (int x = 0; x < w; x++) {
                l[y * w + x] = (byte) (boundary ? r.nextInt(12) : (x / 37 + y / 29) % 11);
            }
        }
        return l;
    }

    @Test
    void bandsDeflatedApartDecodeToTheSameLabelsAtEverySize() throws IOException {
        int[][] sizes = {{3840, 2160}, {1921, 1081}, {7, 5}, {1, 999}, {999, 1}};
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            for (int bands : new int[] {1, 2, 3, 7, h}) {
                if (bands > h || (bands == h && h > 16)) {
                    continue;
                }
                byte[] labels = blocky(w, h, bands, w * 31L + bands);
                // ImageIO inflates with zlib, which checks the stream's Adler-32 too.
                PalettePng.Decoded d = PalettePng.decode(PalettePng.encode(labels, w, h, PALETTE, bands));
                assertEquals(w, d.width());
                assertEquals(h, d.height());
                assertArrayEquals(labels, d.labels(), w + "x" + h + " in " + bands + " bands");
            }
        }
    }

    @Test
    void largeMapsSpreadOverTheCoresAndSmallOnesDoNot() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(1, PalettePng.bandsFor(480, 360), "a CamVid map stays on the calling thread");
        assertEquals(Math.min(cores, 15), PalettePng.bandsFor(3840, 2160));
        byte[] labels = blocky(3840, 2160, 4, 1);
        byte[] parallel = PalettePng.encode(labels, 3840, 2160, PALETTE);
        byte[] single = PalettePng.encode(labels, 3840, 2160, PALETTE, false);
        assertArrayEquals(labels, PalettePng.decode(parallel).labels());
        assertArrayEquals(labels, PalettePng.decode(single).labels());
        assertTrue(parallel.length < single.length * 1.02 + 1024, "bands cost little size: "
                + parallel.length + " against " + single.length + " bytes");
    }

    @Test
    void adlerChecksumsCombineAsOverTheWhole() {
        Random r = new Random(3);
        for (int n : new int[] {0, 1, 5552, 65521, 200_000}) {
            byte[] data = new byte[n];
            r.nextBytes(data);
            for (int cut : new int[] {0, n / 3, n}) {
                Adler32 a = new Adler32();
                a.update(data, 0, cut);
                Adler32 b = new Adler32();
                b.update(data, cut, n - cut);
                Adler32 whole = new Adler32();
                whole.update(data);
                assertEquals(whole.getValue(), PalettePng.adler32Combine(a.getValue(), b.getValue(), n - cut), n + " cut at " + cut);
            }
        }
    }
}
