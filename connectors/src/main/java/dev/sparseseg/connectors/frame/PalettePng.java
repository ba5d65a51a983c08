package dev.sparseseg.connectors.frame;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Label maps as 8-bit palette PNGs: the pixel value is the class id and the palette holds
 * the class colours, so the same bytes are exact labels for programs and a picture for people.
 * Large maps (1080p, 4K) are deflated in bands of rows on all cores.
 */
public final class PalettePng {
    static {
        // ImageIO buffers streams in temporary files by default: disk I/O for every frame.
        ImageIO.setUseCache(false);
    }

    /** Pixels per band at least: below about twice this, a map is encoded on the calling thread. */
    static final int BAND_PIXELS = 512 * 1024;
    private static final int POOL_THREADS = Runtime.getRuntime().availableProcessors();
    /** Daemon threads shared by all encoders of the JVM, one per core; idle ones end after 10 s. */
    private static final ExecutorService POOL = pool();

    private PalettePng() {
    }

    /**
     * @param labels  class id per pixel, row-major
     * @param palette class colours as 0xRRGGBB, index = class id (at most 256); ids beyond it show black
     */
    public static byte[] encode(byte[] labels, int width, int height, int[] palette) {
        return encode(labels, width, height, palette, true);
    }

    /** As {@link #encode(byte[], int, int, int[])}, on the calling thread alone unless {@code parallel} (benchmarks compare them). */
    public static byte[] encode(byte[] labels, int width, int height, int[] palette, boolean parallel) {
        return encode(labels, width, height, palette, parallel ? bandsFor(width, height) : 1);
    }

    /** With the rows deflated in {@code bands} bands (tests choose them to cross band boundaries). */
    static byte[] encode(byte[] labels, int width, int height, int[] palette, int bands) {
        if (labels.length != width * height) {
            throw new IllegalArgumentException("label map " + width + "x" + height + " needs " + width * height
                    + " bytes, got " + labels.length);
        }
        if (palette.length == 0 || palette.length > 256) {
            throw new IllegalArgumentException("palette has " + palette.length + " colours; 1 to 256 allowed");
        }
        // All 256 entries, so that any byte is a valid index (unknown ids show black).
        byte[] plte = new byte[256 * 3];
        for (int i = 0; i < palette.length; i++) {
            plte[3 * i] = (byte) (palette[i] >> 16);
            plte[3 * i + 1] = (byte) (palette[i] >> 8);
            plte[3 * i + 2] = (byte) palette[i];
        }
        byte[] idat = deflateBands(labels, width, height, bands);
        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.length + plte.length + 64);
        out.writeBytes(new byte[] {(byte) 137, 80, 78, 71, 13, 10, 26, 10});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 3)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "PLTE", plte);
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * One band per core for large maps, at least {@link #BAND_PIXELS} pixels each: a CamVid map
     * (480x360) stays on the calling thread, a 4K one spreads over the cores.
     */
    static int bandsFor(int width, int height) {
        long pixels = (long) width * height;
        return (int) Math.max(1, Math.min(Math.min(POOL_THREADS, height), pixels / BAND_PIXELS));
    }

    /**
     * The zlib stream of the filtered rows, pigz style: each band of rows is filtered and
     * deflated on its own (raw deflate, fastest level), all but the last ending on a byte
     * boundary with a sync flush, the last with the final block; concatenated behind one zlib
     * header and followed by the Adler-32 of all the filtered data, combined from the bands'.
     * Each band loses only the matches that would reach into the band before it.
     */
    static byte[] deflateBands(byte[] labels, int width, int height, int bands) {
        if (bands < 1 || bands > height) {
            throw new IllegalArgumentException(bands + " bands for " + height + " rows");
        }
        Band[] done = new Band[bands];
        // The pool takes all bands but the last, which the calling thread deflates meanwhile.
        List<Future<Band>> others = new ArrayList<>(bands - 1);
        for (int b = 0; b < bands - 1; b++) {
            int y0 = (int) ((long) height * b / bands);
            int y1 = (int) ((long) height * (b + 1) / bands);
            others.add(POOL.submit(() -> band(labels, width, y0, y1, false)));
        }
        done[bands - 1] = band(labels, width, (int) ((long) height * (bands - 1) / bands), height, true);
        for (int b = 0; b < bands - 1; b++) {
            done[b] = join(others.get(b));
        }
        int size = 2 + 4;
        for (Band b : done) {
            size += b.deflated.length;
        }
        ByteBuffer zlib = ByteBuffer.allocate(size);
        zlib.put((byte) 0x78).put((byte) 0x01); // deflate, 32 KiB window, fastest level; no dictionary
        long adler = 1;
        for (Band b : done) {
            zlib.put(b.deflated);
            adler = adler32Combine(adler, b.adler, b.length);
        }
        zlib.putInt((int) adler);
        return zlib.array();
    }

    private record Band(byte[] deflated, long adler, long length) {
    }

    /**
     * Rows {@code [y0, y1)}, every row with the "up" filter: label maps repeat the row above
     * almost everywhere, so the filtered rows are nearly all zeros and the fastest deflate level
     * packs them well (CamVid-sized maps: about 0.7 ms against 2.6 ms through ImageIO's adaptive
     * filters).
     */
    private static Band band(byte[] labels, int width, int y0, int y1, boolean last) {
        byte[] filtered = new byte[(y1 - y0) * (width + 1)];
        for (int y = y0, o = 0; y < y1; y++) {
            filtered[o++] = 2;
            int row = y * width;
            if (y == 0) {
                System.arraycopy(labels, 0, filtered, o, width);
                o += width;
            } else {
                for (int x = 0; x < width; x++) {
                    filtered[o++] = (byte) (labels[row + x] - labels[row - width + x]);
                }
            }
        }
        Adler32 adler = new Adler32();
        adler.update(filtered);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream(filtered.length / 16 + 64);
        try {
            deflater.setInput(filtered);
            byte[] buf = new byte[16 * 1024];
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    out.write(buf, 0, deflater.deflate(buf));
                }
            } else {
                // A sync flush empties the compressor onto a byte boundary without a final block.
                int n;
                do {
                    n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    out.write(buf, 0, n);
                } while (n == buf.length);
            }
        } finally {
            deflater.end();
        }
        return new Band(out.toByteArray(), adler.getValue(), filtered.length);
    }

    /** zlib's adler32_combine: the Adler-32 of A then B from those of A and B and B's length. */
    static long adler32Combine(long adlerA, long adlerB, long lengthB) {
        final long base = 65521;
        long rem = lengthB % base;
        long sum1 = adlerA & 0xFFFF;
        long sum2 = rem * sum1 % base;
        sum1 += (adlerB & 0xFFFF) + base - 1;
        sum2 += ((adlerA >>> 16) & 0xFFFF) + ((adlerB >>> 16) & 0xFFFF) + base - rem;
        if (sum1 >= base) {
            sum1 -= base;
        }
        if (sum1 >= base) {
            sum1 -= base;
        }
        if (sum2 >= base << 1) {
            sum2 -= base << 1;
        }
        if (sum2 >= base) {
            sum2 -= base;
        }
        return sum1 | (sum2 << 16);
    }

    private static Band join(Future<Band> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    // The band's thread keeps working on our arrays: wait for it, then restore the flag.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static ExecutorService pool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(POOL_THREADS, POOL_THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(task, "sparseseg-png-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
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
