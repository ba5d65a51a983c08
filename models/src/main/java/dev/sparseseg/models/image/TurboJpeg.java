package dev.sparseseg.models.image;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.io.IOException;

/**
 * JPEG decoding by the system's libjpeg-turbo through its TurboJPEG API and JNA, where the
 * system has the library (Debian and Ubuntu: {@code libturbojpeg0}). It decodes 1080p and 4K
 * frames about twice as fast as ImageIO ({@code sparseseg bench-decode --resolutions}).
 * Without the library, {@link #available()} is false and JPEGs decode with ImageIO.
 * Baseline, progressive, grey, RGB, CMYK and YCCK JPEGs all come out as RGB; anything the
 * library reports, warnings included (a truncated file is only a warning to libjpeg), is an
 * error naming the source: never a partly grey frame.
 */
final class TurboJpeg {
    private static final boolean AVAILABLE = NativeLibrary.register(TurboJpeg.class, "turbojpeg",
            "JPEGs decode with ImageIO, about twice as slow at 1080p and 4K");

    // turbojpeg.h (libjpeg-turbo 2.x)
    private static final int TJPF_RGB = 0;
    private static final int TJPF_CMYK = 11;
    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJFLAG_STOPONWARNING = 8192;
    /** Refuses progressive files with more than 500 scans (a denial of service otherwise). */
    private static final int TJFLAG_LIMITSCANS = 32768;

    private TurboJpeg() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && b[0] == (byte) 0xFF && b[1] == (byte) 0xD8 && b[2] == (byte) 0xFF;
    }

    /**
     * The frame, or null when the library is not loaded or the image is too large for one
     * array (the caller then tries ImageIO). Anything the library reports is an IOException
     * naming {@code source}.
     */
    static RgbFrame decode(byte[] jpeg, String source) throws IOException {
        if (!AVAILABLE) {
            return null;
        }
        Pointer tj = tjInitDecompress();
        if (tj == null) {
            return null;
        }
        try {
            int[] width = new int[1];
            int[] height = new int[1];
            int[] subsampling = new int[1];
            int[] colorspace = new int[1];
            if (tjDecompressHeader3(tj, jpeg, jpeg.length, width, height, subsampling, colorspace) != 0) {
                throw new IOException(source + ": not a readable JPEG (libjpeg-turbo: " + tjGetErrorStr2(tj) + ")");
            }
            int w = width[0];
            int h = height[0];
            boolean cmyk = colorspace[0] == TJCS_CMYK || colorspace[0] == TJCS_YCCK;
            if ((long) w * h * (cmyk ? 4 : 3) > Integer.MAX_VALUE - 8) {
                return null;
            }
            byte[] out = new byte[w * h * (cmyk ? 4 : 3)];
            // Into native memory, then one copy: a byte[] argument would be copied there and back.
            try (Memory pixels = new Memory(out.length)) {
                if (tjDecompress2(tj, jpeg, jpeg.length, pixels, w, 0, h, cmyk ? TJPF_CMYK : TJPF_RGB,
                        TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0) {
                    throw new IOException(source + ": corrupt or truncated JPEG (libjpeg-turbo: " + tjGetErrorStr2(tj) + ")");
                }
                pixels.read(0, out, 0, out.length);
            }
            return new RgbFrame(w, h, cmyk ? cmykToRgb(out) : out);
        } finally {
            tjDestroy(tj);
        }
    }

    /**
     * libjpeg's CMYK is Adobe's inverted one (255 = no ink), as Photoshop writes it: red is
     * C * K / 255, the conversion libjpeg-turbo's own tools use.
     */
    private static byte[] cmykToRgb(byte[] cmyk) {
        byte[] rgb = new byte[cmyk.length / 4 * 3];
        for (int i = 0, o = 0; i < cmyk.length; i += 4, o += 3) {
            int k = cmyk[i + 3] & 0xFF;
            rgb[o] = (byte) (((cmyk[i] & 0xFF) * k + 127) / 255);
            rgb[o + 1] = (byte) (((cmyk[i + 1] & 0xFF) * k + 127) / 255);
            rgb[o + 2] = (byte) (((cmyk[i + 2] & 0xFF) * k + 127) / 255);
        }
        return rgb;
    }

    private static native Pointer tjInitDecompress();

    private static native int tjDestroy(Pointer handle);

    // unsigned long is 64 bits on the platforms we ship for (Linux x86-64 and aarch64).
    private static native int tjDecompressHeader3(Pointer handle, byte[] jpeg, long size, int[] width, int[] height,
            int[] subsampling, int[] colorspace);

    private static native int tjDecompress2(Pointer handle, byte[] jpeg, long size, Pointer dst, int width, int pitch,
            int height, int pixelFormat, int flags);

    private static native String tjGetErrorStr2(Pointer handle);
}
