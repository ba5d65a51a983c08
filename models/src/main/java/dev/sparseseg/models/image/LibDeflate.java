package dev.sparseseg.models.image;

import com.sun.jna.Pointer;

/**
 * libdeflate's zlib decompressor, through JNA, where the system has the library (Debian and
 * Ubuntu: {@code libdeflate0}). It inflates CamVid's PNGs in about 1.3 ms a frame against
 * zlib's 2.3 (java.util.zip, measured alone), and decoding shares the cores with inference. Without the
 * library, {@link #available()} is false and PNGs inflate with java.util.zip.
 */
final class LibDeflate {
    private static final int SUCCESS = 0;
    private static final boolean AVAILABLE = NativeLibrary.register(LibDeflate.class, "deflate",
            "PNGs inflate with java.util.zip, about 1 ms slower per 480x360 frame");

    private LibDeflate() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Inflates the zlib stream {@code in[0, len)} into all of {@code out}. False when the
     * library is not loaded, or the stream is corrupt, shorter or longer than {@code out}: the
     * caller then inflates with zlib, which names any problem.
     */
    static boolean inflateExactly(byte[] in, int len, byte[] out) {
        if (!AVAILABLE) {
            return false;
        }
        Pointer d = libdeflate_alloc_decompressor();
        if (d == null) {
            return false;
        }
        try {
            long[] written = new long[1];
            return libdeflate_zlib_decompress(d, in, len, out, out.length, written) == SUCCESS
                    && written[0] == out.length;
        } finally {
            libdeflate_free_decompressor(d);
        }
    }

    private static native Pointer libdeflate_alloc_decompressor();

    private static native void libdeflate_free_decompressor(Pointer d);

    // size_t is 64 bits on the platforms we ship for (Linux x86-64 and aarch64).
    private static native int libdeflate_zlib_decompress(Pointer d, byte[] in, long inLen, byte[] out, long outAvail,
            long[] written);
}
