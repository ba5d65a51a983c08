package dev.sparseseg.job;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.CRC32;

/** The odd and broken inputs a camera fleet's topic sees, made at run time from a real frame. */
final class BadRecords {
    /** The smallest lossless WebP (1x1): a real format the job cannot read. */
    static final byte[] WEBP = Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private BadRecords() {
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " of type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferedImage convert(BufferedImage src, int type) {
        BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), type);
        img.getGraphics().drawImage(src, 0, 0, null);
        return img;
    }

    static byte[] png(int w, int h) {
        return encode(new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR), "png");
    }

    /** 16 bits per channel RGB. */
    static byte[] png16(BufferedImage src) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16},
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(src.getWidth(), src.getHeight());
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                r.setPixel(x, y, new int[] {((p >> 16) & 0xFF) * 257, ((p >> 8) & 0xFF) * 257, (p & 0xFF) * 257});
            }
        }
        return encode(new BufferedImage(cm, r, false, null), "png");
    }

    /** CMYK as Adobe writes it (inverted, 255 = no ink). */
    static byte[] cmykJpeg(BufferedImage src) {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, src.getWidth(), src.getHeight(), 4, null);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                int c = 255 - ((p >> 16) & 0xFF);
                int m = 255 - ((p >> 8) & 0xFF);
                int ye = 255 - (p & 0xFF);
                int k = Math.min(c, Math.min(m, ye));
                int d = 255 - k;
                cmyk.setPixel(x, y, new int[] {255 - (d == 0 ? 0 : 255 * (c - k) / d), 255 - (d == 0 ? 0 : 255 * (m - k) / d),
                        255 - (d == 0 ? 0 : 255 * (ye - k) / d), 255 - k});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** Noise, which PNG cannot compress: a frame of about {@code 3 * w * h} bytes. */
    static byte[] noisePng(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        new java.util.Random(7).nextBytes(px);
        return encode(img, "png");
    }

    /** A PNG whose header declares {@code w x h}, its pixel data that of the original. */
    static byte[] pngDeclaring(byte[] png, int w, int h) {
        byte[] b = png.clone();
        putInt(b, 16, w);
        putInt(b, 20, h);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        putInt(b, 29, (int) crc.getValue());
        return b;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
