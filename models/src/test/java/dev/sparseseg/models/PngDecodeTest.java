package dev.sparseseg.models;

import dev.sparseseg.models.image.ImageFiles;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PNG decoding: the fast path must give exactly the pixels ImageIO wrote, for every layout. */
class PngDecodeTest {
    /** Noise beside smooth ramps, so that ImageIO's encoder picks several row filters. */
    static BufferedImage picture(int type, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, type);
        Random r = new Random(3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = x < w / 2 ? r.nextInt(1 << 24) : (x * 5 & 0xFF) << 16 | (y * 3 & 0xFF) << 8 | (x + y & 0xFF);
                img.setRGB(x, y, (x % 7 == 0 ? 0x80 : 0xFF) << 24 | rgb);
            }
        }
        return img;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    /** The RGB the image holds, read from its raster and colour model without conversions. */
    static byte[] expected(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        Raster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                    Arrays.fill(rgb, i, i + 3, (byte) r.getSample(x, y, 0));
                } else {
                    int p = img.getColorModel().getRGB(r.getDataElements(x, y, null));
                    rgb[i] = (byte) (p >> 16);
                    rgb[i + 1] = (byte) (p >> 8);
                    rgb[i + 2] = (byte) p;
                }
            }
        }
        return rgb;
    }

    @Test
    void decodesEveryEightBitLayoutExactly() throws IOException {
        for (int type : List.of(BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_4BYTE_ABGR,
                BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_BYTE_INDEXED)) {
            BufferedImage img = picture(type, 97, 41);
            RgbFrame f = ImageFiles.decodeRgb(png(img), "type " + type);
            assertEquals(97, f.width());
            assertEquals(41, f.height());
            assertArrayEquals(expected(img), f.rgb(), "pixels of image type " + type);
        }
    }

    @Test
    void sixteenBitPngsFallBackToImageIo() throws IOException {
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(3, 2, 0, 65535);
        RgbFrame f = ImageFiles.decodeRgb(png(img), "16-bit");
        assertEquals(8, f.width());
        assertEquals((byte) 255, f.rgb()[(2 * 8 + 3) * 3]);
        assertEquals(0, f.rgb()[0]);
    }

    @Test
    void camvidFramesMatchImageIo() throws IOException {
        Path val = TestModels.camvid().resolve("val");
        try (var files = Files.list(val)) {
            for (Path p : files.sorted().limit(3).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                RgbFrame viaImageIo = ImageFiles.fromImage(ImageIO.read(p.toFile()));
                assertArrayEquals(viaImageIo.rgb(), ImageFiles.decodeRgb(bytes, p.toString()).rgb(), p.toString());
            }
        }
    }

    @Test
    void truncatedAndCorruptPngsNameTheSource() throws IOException {
        byte[] good = png(picture(BufferedImage.TYPE_3BYTE_BGR, 64, 64));
        IOException cut = assertThrows(IOException.class,
                () -> ImageFiles.decodeRgb(Arrays.copyOf(good, good.length / 2), "cam-7/frame-12"));
        assertTrue(cut.getMessage().contains("cam-7/frame-12"), cut.getMessage());
        byte[] bad = good.clone();
        for (int i = 60; i < 90; i++) {
            bad[i] ^= 0x5A;
        }
        IOException corrupt = assertThrows(IOException.class, () -> ImageFiles.decodeRgb(bad, "cam-7/frame-13"));
        assertTrue(corrupt.getMessage().contains("cam-7/frame-13"), corrupt.getMessage());
    }
}
