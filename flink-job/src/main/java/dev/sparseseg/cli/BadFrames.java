package dev.sparseseg.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Broken inputs made from a good JPEG, as a camera fleet's topic sees them: what {@code soak --job} mixes in. */
public final class BadFrames {
    /** One broken input and what it is. */
    public record Bad(String kind, byte[] bytes) {
    }

    private BadFrames() {
    }

    /** Random bytes, a truncated JPEG, a JPEG declaring 20000x20000 pixels, text. */
    public static List<Bad> of(byte[] jpeg) {
        return List.of(new Bad("random bytes", random(5000)), new Bad("truncated JPEG", half(jpeg)),
                new Bad("JPEG declaring 20000x20000", jpegDeclaring(jpeg, 20000, 20000)),
                new Bad("text", "GET /snapshot.jpg HTTP/1.1\r\nHost: cam\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /** A JPEG whose start-of-frame declares {@code w x h}, its data that of the original. */
    public static byte[] jpegDeclaring(byte[] jpeg, int w, int h) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; ) {
            int marker = b[i + 1] & 0xFF;
            if (marker >= 0xC0 && marker <= 0xC2) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                return b;
            }
            i += 2 + (((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF));
        }
        throw new IllegalArgumentException("no baseline or progressive start-of-frame marker in the JPEG");
    }

    public static byte[] half(byte[] b) {
        return Arrays.copyOf(b, b.length / 2);
    }

    public static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(3).nextBytes(b);
        return b;
    }
}
