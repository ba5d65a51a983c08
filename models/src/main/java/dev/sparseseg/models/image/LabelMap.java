package dev.sparseseg.models.image;

/** One class id per pixel (unsigned byte), row-major. */
public record LabelMap(int width, int height, byte[] labels) {
    public LabelMap {
        if (labels.length != width * height) {
            throw new IllegalArgumentException("label map " + width + "x" + height + " needs " + (width * height)
                    + " bytes, got " + labels.length);
        }
    }
}
