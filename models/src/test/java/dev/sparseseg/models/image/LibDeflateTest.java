package dev.sparseseg.models.image;

import dev.sparseseg.models.eval.DatasetSplit;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** libdeflate must inflate exactly what zlib does, and step aside on anything it cannot. */
class LibDeflateTest {
    static List<Path> valFrames(int n) throws IOException {
        try (var files = Files.list(DatasetSplit.defaultCamVid().resolve("val"))) {
            return files.sorted().limit(n).toList();
        }
    }

    @Test
    void isLoadedWhereTheSystemHasIt() {
        assertTrue(LibDeflate.available(), "libdeflate not loaded: install libdeflate0 (apt-get install libdeflate0)");
    }

    @Test
    void camvidFramesDecodeTheSameWithLibDeflateAndZlib() throws IOException {
        for (Path p : valFrames(4)) {
            byte[] png = Files.readAllBytes(p);
            assertArrayEquals(PngDecoder.decode(png, p.toString(), false).rgb(),
                    PngDecoder.decode(png, p.toString(), true).rgb(), p.toString());
        }
    }

    @Test
    void refusesCorruptShortAndLongStreams() throws IOException {
        byte[] plain = new byte[50_000];
        new Random(5).nextBytes(plain);
        Arrays.fill(plain, 20_000, 40_000, (byte) 7);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(z)) {
            out.write(plain);
        }
        byte[] zlib = z.toByteArray();

        byte[] out = new byte[plain.length];
        assertTrue(LibDeflate.inflateExactly(zlib, zlib.length, out));
        assertArrayEquals(plain, out);

        assertFalse(LibDeflate.inflateExactly(zlib, zlib.length / 2, new byte[plain.length]), "cut stream");
        assertFalse(LibDeflate.inflateExactly(zlib, zlib.length, new byte[plain.length - 1]), "longer than expected");
        assertFalse(LibDeflate.inflateExactly(zlib, zlib.length, new byte[plain.length + 1]), "shorter than expected");
        byte[] bad = zlib.clone();
        for (int i = 100; i < 140; i++) {
            bad[i] ^= 0x5A;
        }
        assertFalse(LibDeflate.inflateExactly(bad, bad.length, new byte[plain.length]), "corrupt stream");
    }

    @Test
    void aCorruptPngStillNamesItsSource() throws IOException {
        byte[] bad = Files.readAllBytes(valFrames(1).get(0));
        for (int i = 2000; i < 2100; i++) {
            bad[i] ^= 0x5A;
        }
        IOException e = assertThrows(IOException.class, () -> PngDecoder.decode(bad, "cam-3/frame-9", true));
        assertTrue(e.getMessage().contains("cam-3/frame-9"), e.getMessage());
    }
}
