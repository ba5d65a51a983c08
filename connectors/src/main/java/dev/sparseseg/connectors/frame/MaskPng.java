package dev.sparseseg.connectors.frame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Where SparseRefine spent refinement in a frame, as a 1-bit palette PNG of the frame's size:
 * index 0 (not refined) is transparent, index 1 (refined) is {@link #COLOUR}, so the mask can
 * be laid over the frame as it is. About 1 bit per pixel before deflate (a CamVid frame's mask
 * is 22 KB packed, a few KB as PNG).
 */
public final class MaskPng {
    /** The colour of refined pixels, 0xRRGGBB: magenta, which no CamVid class uses. */
    public static final int COLOUR = 0xFF00FF;

    private MaskPng() {
    }

    /** Bytes per packed row: one bit per pixel, most significant bit first, rows padded to a byte. */
    public static int rowBytes(int width) {
        return (width + 7) >> 3;
    }

    /**
     * Packs selected pixels into rows of bits, the PNG's 1-bit layout without filter bytes.
     *
     * @param pixels row-major indices {@code y * width + x}; the first {@code count} are used
     */
    public static byte[] pack(int[] pixels, int count, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("mask of " + width + "x" + height + " pixels");
        }
        if (count < 0 || count > pixels.length) {
            throw new IllegalArgumentException("count " + count + " of " + pixels.length + " pixels");
        }
        int stride = rowBytes(width);
        byte[] bits = new byte[stride * height];
        long frame = (long) width * height;
        for (int i = 0; i < count; i++) {
            int p = pixels[i];
            if (p < 0 || p >= frame) {
                throw new IllegalArgumentException("pixel " + p + " outside the " + width + "x" + height + " frame");
            }
            int y = p / width;
            int x = p - y * width;
            bits[y * stride + (x >> 3)] |= (byte) (0x80 >>> (x & 7));
        }
        return bits;
    }

    /** The PNG of a mask {@link #pack} made. */
    public static byte[] encode(byte[] packed, int width, int height) {
        int stride = rowBytes(width);
        if (width < 1 || height < 1 || packed.length != stride * height) {
            throw new IllegalArgumentException("packed mask of " + packed.length + " bytes does not match "
                    + width + "x" + height + " (" + stride * height + " bytes)");
        }
        // Each row with filter 0 (none): masks are blobs of grid cells, which deflate well as they are.
        byte[] raw = new byte[(stride + 1) * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(packed, y * stride, raw, y * (stride + 1) + 1, stride);
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        ByteArrayOutputStream idat = new ByteArrayOutputStream(raw.length / 8 + 64);
        try {
            deflater.setInput(raw);
            deflater.finish();
            byte[] buf = new byte[16 * 1024];
            while (!deflater.finished()) {
                idat.write(buf, 0, deflater.deflate(buf));
            }
        } finally {
            deflater.end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 96);
        out.writeBytes(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
        PalettePng.chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 1).put((byte) 3)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        PalettePng.chunk(out, "PLTE", new byte[] {0, 0, 0, (byte) (COLOUR >> 16), (byte) (COLOUR >> 8), (byte) COLOUR});
        PalettePng.chunk(out, "tRNS", new byte[] {0, (byte) 0xFF});
        PalettePng.chunk(out, "IDAT", idat.toByteArray());
        PalettePng.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }
}
