package dev.sparseseg.models.image;

/** A decoded frame: interleaved 8-bit RGB, row-major, {@code width * height * 3} bytes. */
public record RgbFrame(int width, int height, byte[] rgb) {
    public RgbFrame {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " is not positive");
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " needs " + (width * height * 3)
                    + " RGB bytes, got " + rgb.length);
        }
    }

    public int pixels() {
        return width * height;
    }
}
