package dev.sparseseg.models.image;

import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.UpscaledFrames;
import dev.sparseseg.models.image.ImageFiles.DecodePath;
import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libjpeg-turbo must decode what ImageIO decodes, to the same pixels within a JPEG decoder's
 * rounding, in every layout a camera or a file may bring, and refuse what it cannot decode whole.
 */
class TurboJpegTest {
    /** Largest difference per channel allowed between two conforming JPEG decoders of one file. */
    static final int TOLERANCE = 2;

    static RgbFrame camvid(int i) throws IOException {
        return new DatasetSplit(DatasetSplit.defaultCamVid(), "val").frame(i);
    }

    static void assertClose(byte[] expected, byte[] actual, int tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": size");
        int worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF)));
        }
        assertTrue(worst <= tolerance, what + ": differs by up to " + worst + " per channel");
    }

    @Test
    void isLoadedWhereTheSystemHasIt() {
        assertTrue(TurboJpeg.available(), "libturbojpeg not loaded: install libturbojpeg0 (apt-get install libturbojpeg0)");
    }

    @Test
    void cameraResolutionFramesDecodeAsImageIoDoes() throws IOException {
        int[][] sizes = {{1920, 1080}, {3840, 2160}, {641, 359}};
        for (int s = 0; s < sizes.length; s++) {
            int w = sizes[s][0];
            int h = sizes[s][1];
            byte[] jpeg = UpscaledFrames.jpeg(UpscaledFrames.upscale(camvid(s), w, h), 0.9f, false);
            RgbFrame turbo = TurboJpeg.decode(jpeg, w + "x" + h);
            assertEquals(w, turbo.width());
            assertEquals(h, turbo.height());
            assertClose(ImageFiles.decodeRgb(jpeg, "imageio", DecodePath.IMAGEIO).rgb(), turbo.rgb(), TOLERANCE, w + "x" + h);
            assertTrue(Arrays.equals(turbo.rgb(), ImageFiles.decodeRgb(jpeg, "default").rgb()),
                    "decodeRgb gives other pixels than libjpeg-turbo");
        }
    }

    @Test
    void progressiveAndGreyJpegsComeOutAsRgb() throws IOException {
        BufferedImage frame = UpscaledFrames.upscale(camvid(3), 1280, 720);
        byte[] progressive = UpscaledFrames.jpeg(frame, 0.9f, true);
        assertClose(ImageFiles.decodeRgb(progressive, "imageio", DecodePath.IMAGEIO).rgb(),
                TurboJpeg.decode(progressive, "progressive").rgb(), TOLERANCE, "progressive");

        BufferedImage grey = new BufferedImage(frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(frame, 0, 0, null);
        byte[] jpeg = UpscaledFrames.jpeg(grey, 0.9f, false);
        byte[] rgb = TurboJpeg.decode(jpeg, "grey").rgb();
        assertClose(ImageFiles.decodeRgb(jpeg, "imageio", DecodePath.IMAGEIO).rgb(), rgb, TOLERANCE, "grey");
        for (int i = 0; i < rgb.length; i += 3) {
            assertTrue(rgb[i] == rgb[i + 1] && rgb[i] == rgb[i + 2], "grey pixel " + i / 3 + " is not grey");
        }
    }

    @Test
    void cmykJpegsComeOutAsTheirRgb() throws IOException {
        // Adobe's inverted CMYK (255 = no ink), libjpeg-turbo's own RGB-to-CMYK conversion.
        RgbFrame f = camvid(4);
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, f.width(), f.height(), 4, null);
        byte[] rgb = f.rgb();
        int[] px = new int[4];
        for (int i = 0; i < f.pixels(); i++) {
            double c = 1 - (rgb[3 * i] & 0xFF) / 255.0;
            double m = 1 - (rgb[3 * i + 1] & 0xFF) / 255.0;
            double y = 1 - (rgb[3 * i + 2] & 0xFF) / 255.0;
            double k = Math.min(c, Math.min(m, y));
            double d = k == 1 ? 1 : 1 - k;
            px[0] = (int) Math.round(255 - 255 * (k == 1 ? 0 : (c - k) / d));
            px[1] = (int) Math.round(255 - 255 * (k == 1 ? 0 : (m - k) / d));
            px[2] = (int) Math.round(255 - 255 * (k == 1 ? 0 : (y - k) / d));
            px[3] = (int) Math.round(255 - 255 * k);
            cmyk.setPixel(i % f.width(), i / f.width(), px);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), param);
        } finally {
            writer.dispose();
        }
        // ImageIO reads the four channels as if they were not CMYK (60 per channel off here):
        // refused, so this also shows that decodeRgb takes libjpeg-turbo.
        IOException imageIo = assertThrows(IOException.class,
                () -> ImageFiles.decodeRgb(bytes.toByteArray(), "cmyk via ImageIO", DecodePath.IMAGEIO));
        assertTrue(imageIo.getMessage().contains("cmyk via ImageIO") && imageIo.getMessage().contains("libturbojpeg0"),
                imageIo.getMessage());
        byte[] decoded = ImageFiles.decodeRgb(bytes.toByteArray(), "cmyk").rgb();
        // Four lossy channels multiplied: close to the source frame, not exact.
        long sum = 0;
        for (int i = 0; i < rgb.length; i++) {
            sum += Math.abs((rgb[i] & 0xFF) - (decoded[i] & 0xFF));
        }
        double mean = (double) sum / rgb.length;
        assertTrue(mean < 3, "CMYK decodes " + mean + " per channel away from its RGB");
    }

    @Test
    void truncatedAndCorruptJpegsAreErrorsNamingTheSource() throws IOException {
        byte[] good = UpscaledFrames.jpeg(UpscaledFrames.upscale(camvid(0), 1920, 1080), 0.9f, false);
        byte[] cut = Arrays.copyOf(good, good.length * 2 / 3);
        for (DecodePath path : DecodePath.values()) {
            IOException e = assertThrows(IOException.class, () -> ImageFiles.decodeRgb(cut, "cam-2/frame-40", path),
                    path + " returned a truncated frame");
            assertTrue(e.getMessage().contains("cam-2/frame-40"), e.getMessage());
        }
        byte[] bad = good.clone();
        // Markers in the entropy-coded data: libjpeg warns of corrupt data.
        for (int i = good.length / 2; i < good.length / 2 + 64; i += 2) {
            bad[i] = (byte) 0xFF;
            bad[i + 1] = (byte) 0xD0;
        }
        IOException e = assertThrows(IOException.class, () -> TurboJpeg.decode(bad, "cam-2/frame-41"));
        assertTrue(e.getMessage().contains("cam-2/frame-41") && e.getMessage().contains("libjpeg-turbo"), e.getMessage());
        byte[] header = good.clone();
        Arrays.fill(header, 2, 400, (byte) 0x11);
        e = assertThrows(IOException.class, () -> ImageFiles.decodeRgb(header, "cam-2/frame-42"));
        assertTrue(e.getMessage().contains("cam-2/frame-42"), e.getMessage());
    }
}
