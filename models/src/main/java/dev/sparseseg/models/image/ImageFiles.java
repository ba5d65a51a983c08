package dev.sparseseg.models.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading frames and label maps from image files (PNG, JPEG): common PNGs with {@link PngDecoder}, the rest with ImageIO. */
public final class ImageFiles {
    static {
        // ImageIO buffers streams in temporary files by default: disk I/O for every frame.
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {
    }

    public static RgbFrame readRgb(Path file) throws IOException {
        return decodeRgb(Files.readAllBytes(file), file.toString());
    }

    /** How {@link #decodeRgb(byte[], String, PngPath)} decodes PNGs; JPEGs always go through ImageIO. */
    public enum PngPath {
        /** {@link PngDecoder} with libdeflate where the system has it, else zlib. */
        FASTEST,
        /** {@link PngDecoder} with java.util.zip's zlib. */
        ZLIB,
        /** ImageIO. */
        IMAGEIO
    }

    /** Decodes an encoded image (PNG, JPEG) to RGB; {@code source} names it in errors. */
    public static RgbFrame decodeRgb(byte[] encoded, String source) throws IOException {
        return decodeRgb(encoded, source, PngPath.FASTEST);
    }

    /** As {@link #decodeRgb(byte[], String)} with the PNG decoder chosen (benchmarks and tests compare them). */
    public static RgbFrame decodeRgb(byte[] encoded, String source, PngPath path) throws IOException {
        if (path != PngPath.IMAGEIO && PngDecoder.isPng(encoded)) {
            RgbFrame frame = PngDecoder.decode(encoded, source, path == PngPath.FASTEST);
            if (frame != null) {
                return frame;
            }
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
        if (img == null) {
            throw new IOException(source + " is not a readable PNG or JPEG image");
        }
        return fromImage(img);
    }

    /** Whether PNGs inflate with the system's libdeflate (else zlib). */
    public static boolean libDeflateAvailable() {
        return LibDeflate.available();
    }

    public static RgbFrame fromImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR && img.getRaster().getDataBuffer() instanceof DataBufferByte buf
                && buf.getData().length == rgb.length) {
            // What ImageIO gives for RGB PNGs and JPEGs: swap in place, 20x faster than getRGB per pixel.
            byte[] bgr = buf.getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
            return new RgbFrame(w, h, rgb);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = (y * w + x) * 3;
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new RgbFrame(w, h, rgb);
    }

    /** Reads a single-channel 8-bit label image (class id per pixel). */
    public static LabelMap readLabels(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + " is not a readable image");
        }
        Raster r = img.getRaster();
        if (r.getNumBands() != 1) {
            throw new IOException(file + " has " + r.getNumBands() + " channels; a label map has one");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = r.getPixels(0, 0, w, h, (int[]) null);
        byte[] labels = new byte[w * h];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) px[i];
        }
        return new LabelMap(w, h, labels);
    }
}
