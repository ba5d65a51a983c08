package dev.sparseseg.models.image;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The size an encoded frame declares, read from its header without decoding it. */
class DeclaredSizeTest {
    @Test
    void pngAndJpegHeadersGiveWidthAndHeight() throws IOException {
        assertArrayEquals(new int[] {1921, 1079}, ImageFiles.declaredSize(encode("png", 1921, 1079, BufferedImage.TYPE_3BYTE_BGR)));
        assertArrayEquals(new int[] {3840, 2160}, ImageFiles.declaredSize(encode("jpeg", 3840, 2160, BufferedImage.TYPE_3BYTE_BGR)));
        assertArrayEquals(new int[] {17, 300}, ImageFiles.declaredSize(encode("jpeg", 17, 300, BufferedImage.TYPE_BYTE_GRAY)));
    }

    @Test
    void otherBytesAndCutHeadersGiveNothing() throws IOException {
        assertNull(ImageFiles.declaredSize(new byte[0]));
        assertNull(ImageFiles.declaredSize("not an image at all".getBytes()));
        byte[] jpeg = encode("jpeg", 640, 480, BufferedImage.TYPE_3BYTE_BGR);
        assertNull(ImageFiles.declaredSize(Arrays.copyOf(jpeg, 40)));
        assertNull(ImageFiles.declaredSize(Arrays.copyOf(encode("png", 64, 64, BufferedImage.TYPE_3BYTE_BGR), 20)));
    }

    private static byte[] encode(String format, int w, int h, int type) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(new BufferedImage(w, h, type));
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
