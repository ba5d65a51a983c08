package dev.sparseseg.connectors.frame;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JPEG encoding of packed RGB with the JDK's ImageIO (default quality, 0.75). */
public final class Jpeg {
    static {
        // ImageIO buffers streams in temporary files by default: disk I/O for every frame.
        ImageIO.setUseCache(false);
    }

    private Jpeg() {
    }

    public static byte[] encode(byte[] rgb, int width, int height) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("RGB frame " + width + "x" + height + " needs " + width * height * 3
                    + " bytes, got " + rgb.length);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return encode(img);
    }

    static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(img.getWidth() * img.getHeight() / 4 + 1024);
        try {
            if (!ImageIO.write(img, "jpeg", out)) {
                throw new IllegalStateException("no JPEG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
