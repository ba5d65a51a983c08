package dev.sparseseg.models.select;

import dev.sparseseg.models.coarse.GridMapping;

/**
 * The frame pixels chosen for refinement: row-major indices {@code y * width + x}, ascending.
 *
 * @param cells the selection-grid cells chosen (null when none), for stages that work per cell
 * @param grid  the mapping from frame pixels to those cells (nearest)
 */
public record Selection(int[] pixels, int count, int framePixels, boolean[] cells, GridMapping grid) {
    public Selection(int[] pixels, int count, int framePixels) {
        this(pixels, count, framePixels, null, null);
    }

    public static Selection none(int framePixels) {
        return new Selection(new int[0], 0, framePixels);
    }

    public double fraction() {
        return framePixels == 0 ? 0 : (double) count / framePixels;
    }
}
