package dev.sparseseg.models.image;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reading frames and label maps from image files (PNG, JPEG): common PNGs with {@link PngDecoder},
 * JPEGs with libjpeg-turbo ({@link TurboJpeg}), the rest, and everything where the system lacks
 * the libraries, with ImageIO.
 */
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

    /** Which decoders {@link #decodeRgb(byte[], String, DecodePath)} uses (benchmarks and tests compare them). */
    public enum DecodePath {
        /** PNG: {@link PngDecoder} with libdeflate where the system has it, else zlib; JPEG: libjpeg-turbo where the system has it, else ImageIO. */
        FASTEST,
        /** PNG: {@link PngDecoder} with java.util.zip's zlib; JPEG as {@link #FASTEST}. */
        ZLIB,
        /** ImageIO for both. */
        IMAGEIO
    }

    /** The most pixels an RGB frame can hold: its bytes are one Java array. */
    public static final long MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    /** Decodes an encoded image (PNG, JPEG) to RGB; {@code source} names it in errors. */
    public static RgbFrame decodeRgb(byte[] encoded, String source) throws IOException {
        return decodeRgb(encoded, source, MAX_PIXELS);
    }

    /**
     * As {@link #decodeRgb(byte[], String)}, refusing an image that declares more than
     * {@code maxPixels} pixels before anything is allocated for it: a small file can declare
     * 20000x20000.
     */
    public static RgbFrame decodeRgb(byte[] encoded, String source, long maxPixels) throws IOException {
        return decodeRgb(encoded, source, DecodePath.FASTEST, maxPixels);
    }

    /** As {@link #decodeRgb(byte[], String)} with the decoders chosen. */
    public static RgbFrame decodeRgb(byte[] encoded, String source, DecodePath path) throws IOException {
        return decodeRgb(encoded, source, path, MAX_PIXELS);
    }

    private static RgbFrame decodeRgb(byte[] encoded, String source, DecodePath path, long maxPixels) throws IOException {
        int[] size = declaredSize(encoded);
        if (size != null) {
            checkSize(size[0], size[1], maxPixels, source);
        }
        if (path != DecodePath.IMAGEIO && PngDecoder.isPng(encoded)) {
            RgbFrame frame = PngDecoder.decode(encoded, source, path == DecodePath.FASTEST);
            if (frame != null) {
                return frame;
            }
        }
        if (path != DecodePath.IMAGEIO && TurboJpeg.isJpeg(encoded)) {
            RgbFrame frame = TurboJpeg.decode(encoded, source);
            if (frame != null) {
                return frame;
            }
        }
        return fromImage(readWithImageIo(encoded, source, maxPixels));
    }

    private static void checkSize(long w, long h, long maxPixels, String source) throws IOException {
        if (w < 1 || h < 1) {
            throw new IOException(source + " declares an empty or negative size " + w + "x" + h);
        }
        long limit = Math.min(maxPixels, MAX_PIXELS);
        if (w * h > limit) {
            throw new IOException(source + " declares " + w + "x" + h + " = " + w * h + " pixels, over the limit of "
                    + limit + " pixels");
        }
    }

    /**
     * ImageIO's decoding, with its warnings as errors: for a truncated JPEG, ImageIO only
     * warns and returns a frame grey below the cut. CMYK JPEGs are refused: ImageIO's colours
     * for them are wrong (60 per channel off on average for a CamVid frame, TurboJpegTest).
     */
    private static BufferedImage readWithImageIo(byte[] encoded, String source, long maxPixels) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(source + " is not a readable PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
                // Only the header is read here (BMP, GIF and the rest declaredSize does not know).
                checkSize(reader.getWidth(0), reader.getHeight(0), maxPixels, source);
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new IOException(source + ": corrupt or truncated " + reader.getFormatName() + " (ImageIO: "
                            + String.join("; ", warnings) + ")");
                }
                if ("JPEG".equalsIgnoreCase(reader.getFormatName()) && img.getRaster().getNumBands() == 4) {
                    throw new IOException(source + ": a CMYK JPEG, whose colours ImageIO gets wrong; libjpeg-turbo "
                            + "decodes it (apt-get install libturbojpeg0)");
                }
                return img;
            } catch (IIOException e) {
                throw new IOException(source + " is not a readable " + reader.getFormatName() + " (ImageIO: "
                        + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Width and height an encoded PNG or JPEG declares in its header, without decoding it;
     * null when the bytes are neither or the header is cut short.
     */
    public static int[] declaredSize(byte[] b) {
        if (PngDecoder.isPng(b)) {
            // The IHDR chunk comes first: width and height at bytes 16-23, big-endian.
            return b.length < 24 ? null : new int[] {int32(b, 16), int32(b, 20)};
        }
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return null;
        }
        // JPEG: walk the marker segments to the first start-of-frame (SOF0-15 but DHT, JPG, DAC).
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return new int[] {((b[i + 7] & 0xFF) << 8) | (b[i + 8] & 0xFF), ((b[i + 5] & 0xFF) << 8) | (b[i + 6] & 0xFF)};
            }
            i += 2 + (((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF));
        }
        return null;
    }

    private static int int32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /** Whether PNGs inflate with the system's libdeflate (else zlib). */
    public static boolean libDeflateAvailable() {
        return LibDeflate.available();
    }

    /** Whether JPEGs decode with the system's libjpeg-turbo (else ImageIO). */
    public static boolean turboJpegAvailable() {
        return TurboJpeg.available();
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
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY && img.getRaster().getDataBuffer() instanceof DataBufferByte buf
                && buf.getData().length == w * h) {
            // Grey JPEGs and PNGs: the stored value in each channel, as PngDecoder does. getRGB would
            // treat the samples as linear and brighten them (a mid grey of 128 becomes 196).
            byte[] grey = buf.getData();
            for (int i = 0, o = 0; i < grey.length; i++, o += 3) {
                rgb[o] = grey[i];
                rgb[o + 1] = grey[i];
                rgb[o + 2] = grey[i];
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
