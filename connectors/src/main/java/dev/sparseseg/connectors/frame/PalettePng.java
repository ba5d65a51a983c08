package dev.sparseseg.connectors.frame;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Label maps as 8-bit palette PNGs: the pixel value is the class id and the palette holds
 * the class colours, so the same bytes are exact labels for programs and a picture for people.
 */
public final class PalettePng {
    /** ImageIO's PNG "quality": 1 = store only, lower = stronger (and slower) deflate. */
    private static final float FAST_DEFLATE = 0.9f;

    static {
        // ImageIO buffers streams in temporary files by default: disk I/O for every frame.
        ImageIO.setUseCache(false);
    }

    private PalettePng() {
    }

    /**
     * @param labels  class id per pixel, row-major
     * @param palette class colours as 0xRRGGBB, index = class id (at most 256); ids beyond it show black
     */
    public static byte[] encode(byte[] labels, int width, int height, int[] palette) {
        if (labels.length != width * height) {
            throw new IllegalArgumentException("label map " + width + "x" + height + " needs " + width * height
                    + " bytes, got " + labels.length);
        }
        if (palette.length == 0 || palette.length > 256) {
            throw new IllegalArgumentException("palette has " + palette.length + " colours; 1 to 256 allowed");
        }
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int i = 0; i < palette.length; i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        IndexColorModel cm = new IndexColorModel(8, 256, r, g, b);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, cm);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(labels, 0, px, 0, labels.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 16 + 1024);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            // A fast deflate level: label maps compress well anyway (measured on CamVid maps:
            // 2.6 ms and 6.8 KB against the default's 4.3 ms and 5.3 KB).
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(FAST_DEFLATE);
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The class ids of a palette PNG written by {@link #encode}. */
    public static Decoded decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        if (img == null) {
            throw new IOException("not a readable PNG");
        }
        if (!(img.getColorModel() instanceof IndexColorModel) || img.getRaster().getNumBands() != 1) {
            throw new IOException("not an 8-bit palette PNG");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] labels = new byte[w * h];
        img.getRaster().getDataElements(0, 0, w, h, labels);
        return new Decoded(w, h, labels);
    }

    public record Decoded(int width, int height, byte[] labels) {
    }
}
