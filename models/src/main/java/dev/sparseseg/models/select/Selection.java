package dev.sparseseg.models.select;

/** The frame pixels chosen for refinement: row-major indices {@code y * width + x}, ascending. */
public record Selection(int[] pixels, int count, int framePixels) {
    public static Selection none(int framePixels) {
        return new Selection(new int[0], 0, framePixels);
    }

    public double fraction() {
        return framePixels == 0 ? 0 : (double) count / framePixels;
    }
}
