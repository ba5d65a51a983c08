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

    /** The filter predictor as the PNG specification writes it, to check the decoder's branch-free one. */
    static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /** A PNG whose row y uses filter y % 5, so every filter meets every pixel layout. */
    static byte[] pngWithEveryFilter(int colorType, int channels, int w, int h, byte[] samples, byte[] palette)
            throws IOException {
        int stride = w * channels;
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            int filter = y % 5;
            rows.write(filter);
            for (int i = 0; i < stride; i++) {
                int x = samples[y * stride + i] & 0xFF;
                int a = i >= channels ? samples[y * stride + i - channels] & 0xFF : 0;
                int b = y > 0 ? samples[(y - 1) * stride + i] & 0xFF : 0;
                int c = y > 0 && i >= channels ? samples[(y - 1) * stride + i - channels] & 0xFF : 0;
                int pred = switch (filter) {
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) / 2;
                    case 4 -> paeth(a, b, c);
                    default -> 0;
                };
                rows.write(x - pred);
            }
        }
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (var z = new java.util.zip.DeflaterOutputStream(idat)) {
            rows.writeTo(z);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) colorType);
        chunk(png, "IHDR", ihdr.array());
        if (palette != null) {
            chunk(png, "PLTE", palette);
        }
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        png.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(t);
        png.write(data);
        png.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void undoesEveryRowFilterForEveryLayout() throws IOException {
        int w = 61;
        int h = 40;
        Random r = new Random(11);
        byte[] palette = new byte[256 * 3];
        r.nextBytes(palette);
        // colour type, channels: grey, RGB, palette, grey + alpha, RGBA
        int[][] layouts = {{0, 1}, {2, 3}, {3, 1}, {4, 2}, {6, 4}};
        for (int[] layout : layouts) {
            int ch = layout[1];
            byte[] samples = new byte[w * h * ch];
            for (int i = 0; i < samples.length; i++) {
                // Coarse noise on the left half (ties between neighbours are common, and the
                // predictor must break them as the specification does), a ramp on the right.
                samples[i] = (byte) ((i / ch) % w < w / 2 ? r.nextInt(5) * 60 : i * 7 / ch);
            }
            byte[] png = pngWithEveryFilter(layout[0], ch, w, h, samples, layout[0] == 3 ? palette : null);
            byte[] expected = new byte[w * h * 3];
            for (int px = 0; px < w * h; px++) {
                for (int k = 0; k < 3; k++) {
                    int s = switch (layout[0]) {
                        case 0, 4 -> samples[px * ch];
                        case 3 -> palette[(samples[px] & 0xFF) * 3 + k];
                        default -> samples[px * ch + k];
                    };
                    expected[px * 3 + k] = (byte) s;
                }
            }
            assertArrayEquals(expected, ImageFiles.decodeRgb(png, "colour type " + layout[0]).rgb(),
                    "pixels of colour type " + layout[0]);
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
