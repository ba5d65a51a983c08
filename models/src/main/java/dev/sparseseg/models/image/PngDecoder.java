package dev.sparseseg.models.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PNG decoder for the common camera and dataset formats: 8-bit grey, RGB, palette, grey
 * with alpha and RGBA, not interlaced. ImageIO takes about 7.5 ms for a 480x360 frame; this
 * takes about 4 (inflate with libdeflate, or zlib where the system lacks it, plus a row
 * unfilter; {@code sparseseg bench-decode}), which matters because decoding shares the cores with inference. Alpha is
 * dropped. Anything else returns null and the caller falls back to ImageIO.
 */
final class PngDecoder {
    private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

    private PngDecoder() {
    }

    static boolean isPng(byte[] b) {
        if (b.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (b[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The frame, or null when the PNG uses a format this decoder leaves to ImageIO. Inflates
     * with libdeflate when {@code useLibDeflate} and the system has it, else with java.util.zip.
     */
    static RgbFrame decode(byte[] png, String source, boolean useLibDeflate) throws IOException {
        int pos = SIGNATURE.length;
        int width = 0;
        int height = 0;
        int colorType = -1;
        byte[] palette = null;
        byte[] raw = null;
        // The image data, concatenated from its IDAT chunks: libdeflate wants one buffer.
        byte[] zlib = new byte[png.length];
        int zlibLen = 0;
        chunks:
        while (pos + 8 <= png.length) {
            int len = readInt(png, pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            int data = pos + 8;
            if (len < 0 || data + len + 4 > png.length) {
                throw new IOException(source + ": truncated PNG (chunk " + type + ")");
            }
            switch (type) {
                case "IHDR" -> {
                    width = readInt(png, data);
                    height = readInt(png, data + 4);
                    int depth = png[data + 8];
                    colorType = png[data + 9];
                    int interlace = png[data + 12];
                    if (depth != 8 || interlace != 0 || channels(colorType) == 0 || width <= 0 || height <= 0
                            || (long) width * height > 1L << 28) {
                        return null;
                    }
                    raw = new byte[height * (1 + width * channels(colorType))];
                }
                case "PLTE" -> palette = java.util.Arrays.copyOfRange(png, data, data + len);
                case "IDAT" -> {
                    if (raw == null) {
                        throw new IOException(source + ": PNG data before its header");
                    }
                    System.arraycopy(png, data, zlib, zlibLen, len);
                    zlibLen += len;
                }
                case "IEND" -> {
                    break chunks;
                }
                default -> { }
            }
            pos = data + len + 4;
        }
        if (raw == null) {
            throw new IOException(source + ": truncated PNG (no header)");
        }
        // libdeflate refuses anything but a whole, exact stream; zlib then says what is wrong.
        if (!useLibDeflate || !LibDeflate.inflateExactly(zlib, zlibLen, raw)) {
            inflate(zlib, zlibLen, raw, source);
        }
        if (colorType == 3 && palette == null) {
            throw new IOException(source + ": palette PNG without a palette");
        }
        int ch = channels(colorType);
        unfilter(raw, width * ch, height, ch, source);
        return new RgbFrame(width, height, toRgb(raw, width, height, colorType, palette));
    }

    private static void inflate(byte[] zlib, int zlibLen, byte[] raw, String source) throws IOException {
        Inflater inflater = new Inflater();
        int rawLen = 0;
        try {
            inflater.setInput(zlib, 0, zlibLen);
            while (!inflater.needsInput() && !inflater.finished() && rawLen < raw.length) {
                int n = inflater.inflate(raw, rawLen, raw.length - rawLen);
                if (n == 0 && inflater.needsDictionary()) {
                    throw new IOException(source + ": PNG data needs a preset dictionary");
                }
                rawLen += n;
            }
        } catch (DataFormatException e) {
            throw new IOException(source + ": corrupt PNG data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        if (rawLen < raw.length) {
            throw new IOException(source + ": truncated PNG (" + rawLen + " of " + raw.length + " image bytes)");
        }
    }

    private static int channels(int colorType) {
        return switch (colorType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 0;
        };
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    /** Undoes the per-row filters in place; row r's bytes start at r * (stride + 1) + 1. */
    private static void unfilter(byte[] raw, int stride, int height, int bpp, String source) throws IOException {
        for (int y = 0; y < height; y++) {
            int row = y * (stride + 1);
            int filter = raw[row];
            int cur = row + 1;
            int prev = cur - stride - 1;
            switch (filter) {
                case 0 -> { }
                case 1 -> sub(raw, cur, stride, bpp);
                case 2 -> {
                    if (y > 0) {
                        for (int i = 0; i < stride; i++) {
                            raw[cur + i] += raw[prev + i];
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < stride; i++) {
                        int left = i >= bpp ? raw[cur + i - bpp] & 0xFF : 0;
                        int up = y > 0 ? raw[prev + i] & 0xFF : 0;
                        raw[cur + i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> paeth(raw, cur, y > 0 ? prev : -1, stride, bpp);
                default -> throw new IOException(source + ": PNG row " + y + " has unknown filter " + filter);
            }
        }
    }

    /** The Sub filter: each byte adds the one {@code bpp} to its left. */
    private static void sub(byte[] raw, int cur, int stride, int bpp) {
        for (int i = bpp; i < stride; i++) {
            raw[cur + i] += raw[cur + i - bpp];
        }
    }

    /** The Paeth filter, most rows of camera PNGs: loops split so the hot one has no edge tests. */
    private static void paeth(byte[] raw, int cur, int prev, int stride, int bpp) {
        if (prev < 0) {
            // First row: up and up-left are zero, so Paeth picks left, as the Sub filter does.
            sub(raw, cur, stride, bpp);
            return;
        }
        if (bpp == 3) {
            paethRgb(raw, cur, prev, stride);
            return;
        }
        for (int i = 0; i < bpp; i++) {
            raw[cur + i] += raw[prev + i];
        }
        for (int i = bpp; i < stride; i++) {
            raw[cur + i] += (byte) paethPredictor(raw[cur + i - bpp] & 0xFF, raw[prev + i] & 0xFF,
                    raw[prev + i - bpp] & 0xFF);
        }
    }

    /** RGB rows: the left neighbours stay in registers, so each channel's chain is arithmetic only. */
    private static void paethRgb(byte[] raw, int cur, int prev, int stride) {
        int a0 = 0;
        int a1 = 0;
        int a2 = 0;
        int c0 = 0;
        int c1 = 0;
        int c2 = 0;
        // stride is 3 * width; this plain bound (not i + 2 < stride) lets the JIT drop range checks.
        for (int i = 0; i < stride; i += 3) {
            int b0 = raw[prev + i] & 0xFF;
            int b1 = raw[prev + i + 1] & 0xFF;
            int b2 = raw[prev + i + 2] & 0xFF;
            a0 = raw[cur + i] + paethPredictor(a0, b0, c0) & 0xFF;
            a1 = raw[cur + i + 1] + paethPredictor(a1, b1, c1) & 0xFF;
            a2 = raw[cur + i + 2] + paethPredictor(a2, b2, c2) & 0xFF;
            raw[cur + i] = (byte) a0;
            raw[cur + i + 1] = (byte) a1;
            raw[cur + i + 2] = (byte) a2;
            c0 = b0;
            c1 = b1;
            c2 = b2;
        }
    }

    /**
     * The neighbour (left a, up b, up-left c) nearest to a + b - c, ties to a then b. Selected
     * with masks, not branches: which one wins is data-dependent and mispredicts about half the
     * time (3 against 2 ms per 480x360 frame).
     */
    static int paethPredictor(int a, int b, int c) {
        int p = b - c;
        int q = a - c;
        int pa = Math.abs(p);
        int pb = Math.abs(q);
        int pc = Math.abs(p + q);
        int notB = (pc - pb) >> 31;
        int bOrC = b & ~notB | c & notB;
        int notA = (Math.min(pb, pc) - pa) >> 31;
        return a & ~notA | bOrC & notA;
    }

    private static byte[] toRgb(byte[] raw, int w, int h, int colorType, byte[] palette) {
        byte[] rgb = new byte[w * h * 3];
        int ch = channels(colorType);
        int o = 0;
        for (int y = 0; y < h; y++) {
            int s = y * (w * ch + 1) + 1;
            if (colorType == 2) {
                System.arraycopy(raw, s, rgb, o, w * 3);
                o += w * 3;
                continue;
            }
            for (int x = 0; x < w; x++, s += ch) {
                switch (colorType) {
                    case 0, 4 -> {
                        rgb[o++] = raw[s];
                        rgb[o++] = raw[s];
                        rgb[o++] = raw[s];
                    }
                    case 3 -> {
                        int p = (raw[s] & 0xFF) * 3;
                        boolean in = p + 2 < palette.length;
                        rgb[o++] = in ? palette[p] : 0;
                        rgb[o++] = in ? palette[p + 1] : 0;
                        rgb[o++] = in ? palette[p + 2] : 0;
                    }
                    default -> {
                        rgb[o++] = raw[s];
                        rgb[o++] = raw[s + 1];
                        rgb[o++] = raw[s + 2];
                    }
                }
            }
        }
        return rgb;
    }
}
